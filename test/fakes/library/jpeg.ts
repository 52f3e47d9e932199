/**
 * A real baseline JPEG, built rather than embedded so its size and colour can vary: one flat colour
 * (each 8×8 block carries only a DC coefficient, so the entropy-coded data is a few bytes), an
 * optional EXIF APP1, a COM label that makes the file unique, and COM segments of padding up to the
 * requested size. Layout: SOI APP0 [APP1] COM(label) COM(padding)… DQT SOF0 DHT SOS data EOI.
 */
import { EXIF_IDENTIFIER, type ExifFields, exifTiff } from './exif.ts';
import { type FileLayout, fitLayout, type SegmentFormat } from './generated-file.ts';

export interface JpegOptions {
  width: number;
  height: number;
  /** The flat colour, 0–255 per channel. */
  rgb: readonly [number, number, number];
  /** Text that makes the file unique (a seed). */
  label: string;
  /** Absent: no APP1 at all. */
  exif?: ExifFields;
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const MARKER = { app0: 0xe0, app1: 0xe1, com: 0xfe, dqt: 0xdb, sof0: 0xc0, dht: 0xc4, sos: 0xda } as const;

function segment(marker: number, payload: Buffer): Buffer {
  if (payload.length + 2 > 0xffff) throw new Error(`JPEG segment payload too long: ${payload.length}`);
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** COM segments of padding; 65,520 payload bytes (a multiple of 16) fits the 16-bit length field. */
export const JPEG_COMMENT_SEGMENTS: SegmentFormat = {
  overhead: 4,
  maxPayload: 65_520,
  encode: (payload) => segment(MARKER.com, payload),
};

const JFIF = Buffer.from([
  0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
]);

/** JPEG's "additional bits" category of a DC difference: the bit length of its magnitude. */
function category(value: number): number {
  return value === 0 ? 0 : Math.floor(Math.log2(Math.abs(value))) + 1;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(bits: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((bits >> i) & 1);
      if (++this.filled === 8) this.flushByte();
    }
  }

  /** Pads the last byte with 1-bits, as T.81 F.1.2.3 asks. */
  finish(): Buffer {
    while (this.filled !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    // Byte stuffing: a 0xFF in entropy-coded data is followed by 0x00 so it is not read as a marker.
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.filled = 0;
  }
}

function toYCbCr([r, g, b]: readonly [number, number, number]): [number, number, number] {
  return [
    0.299 * r + 0.587 * g + 0.114 * b,
    128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
    128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
  ];
}

/** DQT, SOF0, DHT, SOS and the entropy-coded scan of a flat-colour YCbCr image, then EOI. */
function imageSegments(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  // With quantiser 8 for DC, a block's samples are DC + 128 (T.81 A.3.3), so DC = level − 128.
  const dcValues = toYCbCr(rgb).map((level) => Math.max(-128, Math.min(127, Math.round(level) - 128)));
  const quantTable = Buffer.alloc(65, 1);
  quantTable[0] = 0; // Pq = 8-bit, Tq = 0
  quantTable[1] = 8;

  const frame = Buffer.alloc(6 + 3 * 3);
  frame.writeUInt8(8, 0);
  frame.writeUInt16BE(height, 1);
  frame.writeUInt16BE(width, 3);
  frame.writeUInt8(3, 5);
  for (let c = 0; c < 3; c++) frame.set([c + 1, 0x11, 0], 6 + c * 3);

  // DC codes: category 0 is "0"; the (at most three) other categories used are "100", "101", "110".
  // A code of all 1-bits is reserved, which is why none of length 1 or 3 is "1" or "111".
  const usedCategories = [...new Set(dcValues.map(category).filter((c) => c !== 0))].sort((a, b) => a - b);
  const dcCounts = Buffer.alloc(16);
  dcCounts[0] = 1;
  dcCounts[2] = usedCategories.length;
  const dcTable = Buffer.concat([Buffer.from([0x00]), dcCounts, Buffer.from([0, ...usedCategories])]);
  const acCounts = Buffer.alloc(16);
  acCounts[0] = 1; // the only AC symbol is EOB (0x00), code "0"
  const acTable = Buffer.concat([Buffer.from([0x10]), acCounts, Buffer.from([0x00])]);

  const scanHeader = Buffer.from([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]);

  const bits = new BitWriter();
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let block = 0; block < blocks; block++) {
    for (const dc of dcValues) {
      // DC is coded as the difference from the previous block of the same component: only the first
      // block differs from zero.
      const difference = block === 0 ? dc : 0;
      const size = category(difference);
      if (size === 0) {
        bits.write(0b0, 1);
      } else {
        bits.write(0b100 + usedCategories.indexOf(size), 3);
        bits.write(difference > 0 ? difference : difference + (1 << size) - 1, size);
      }
      bits.write(0b0, 1); // EOB
    }
  }

  return Buffer.concat([
    segment(MARKER.dqt, quantTable),
    segment(MARKER.sof0, frame),
    segment(MARKER.dht, Buffer.concat([dcTable, acTable])),
    segment(MARKER.sos, scanHeader),
    bits.finish(),
    EOI,
  ]);
}

export function jpegLayout(options: JpegOptions, size: number | undefined): FileLayout {
  const app1 = options.exif
    ? [segment(MARKER.app1, Buffer.concat([EXIF_IDENTIFIER, exifTiff(options.exif)]))]
    : [];
  const headFor = (extra: number) =>
    Buffer.concat([
      SOI,
      segment(MARKER.app0, JFIF),
      ...app1,
      segment(MARKER.com, Buffer.from(`${options.label}${' '.repeat(extra)}`, 'utf8')),
    ]);
  const tail = imageSegments(options.width, options.height, options.rgb);
  return fitLayout(size, headFor, tail, JPEG_COMMENT_SEGMENTS, 'JPEG');
}
