"""Writes the toolbar icons (public/icons): grey by default, Xiaomi orange on i.mi.com tabs."""
import struct
import zlib


def png(size, rgb, path):
    rows = []
    radius = size * 0.2
    for y in range(size):
        row = b'\x00'
        for x in range(size):
            # Rounded square: outside the corner circles is transparent.
            cx = min(max(x, radius), size - 1 - radius)
            cy = min(max(y, radius), size - 1 - radius)
            if (x - cx) ** 2 + (y - cy) ** 2 > radius * radius:
                row += b'\x00\x00\x00\x00'
                continue
            u, v = x / size, y / size
            bar = 0.42 < v < 0.58 and 0.18 < u < 0.62
            head = 0.55 <= u < 0.85 and abs(v - 0.5) < (0.85 - u) * 0.9
            row += b'\xff\xff\xff\xff' if bar or head else bytes(rgb) + b'\xff'
        rows.append(row)

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)


for n in (16, 48, 128):
    png(n, (0x75, 0x75, 0x75), f'public/icons/icon{n}.png')
    png(n, (0xFF, 0x67, 0x00), f'public/icons/icon{n}-active.png')
