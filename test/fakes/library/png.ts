/**
 * A real PNG: a flat-colour RGB image, a tEXt label that makes the file unique, and private
 * ancillary `paDd` chunks of padding (lower-case first letter: ancillary, so decoders skip it;
 * lower-case second letter: private; upper-case third: reserved bit clear; lower-case fourth: safe
 * to copy). Layout: signature IHDR tEXt paDd… IDAT IEND.
 */
import { crc32, deflateSync } from 'node:zlib';
import { type FileLayout, fitLayout, KEYSTREAM_SEGMENT_BYTES, type SegmentFormat } from './generated-file.ts';

export interface PngOptions {
  width: number;
  height: number;
  rgb: readonly [number, number, number];
  label: string;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(header.subarray(4, 8))), 0);
  return Buffer.concat([header, data, crc]);
}

export const PNG_PADDING_CHUNKS: SegmentFormat = {
  overhead: 12,
  maxPayload: KEYSTREAM_SEGMENT_BYTES,
  encode: (payload) => chunk('paDd', payload),
};

function header(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  return chunk('IHDR', data);
}

function pixels(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const rows = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(rows, y * row.length);
  return chunk('IDAT', deflateSync(rows));
}

export function pngLayout(options: PngOptions, size: number | undefined): FileLayout {
  const headFor = (extra: number) =>
    Buffer.concat([
      SIGNATURE,
      header(options.width, options.height),
      chunk('tEXt', Buffer.from(`Comment\0${options.label}${' '.repeat(extra)}`, 'latin1')),
    ]);
  const tail = Buffer.concat([
    pixels(options.width, options.height, options.rgb),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return fitLayout(size, headFor, tail, PNG_PADDING_CHUNKS, 'PNG');
}
