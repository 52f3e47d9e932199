import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MEDIA_EPOCH_OFFSET_S } from './bmff.ts';
import { createMedia, type MediaKind } from './media.ts';

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** Deep equality of large buffers is slow in expect(); compare lengths and digests instead. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect({ length: actual.length, sha1: sha1(actual) }).toEqual({
    length: expected.length,
    sha1: sha1(expected),
  });
}
const CAPTURED = Date.UTC(2024, 5, 1, 2, 15, 0); // 10:15:00 in Beijing

interface Segment {
  marker: number;
  payload: Buffer;
}

/** Walks JPEG marker segments from SOI to SOS; throws on anything that does not fit. */
function jpegSegments(bytes: Buffer): Segment[] {
  expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  const segments: Segment[] = [];
  let at = 2;
  for (;;) {
    if (bytes[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    if (at + 2 + length > bytes.length) throw new Error(`segment at ${at} overruns the file`);
    segments.push({ marker, payload: bytes.subarray(at + 4, at + 2 + length) });
    at += 2 + length;
    if (marker === 0xda) return segments;
  }
}

function pngChunks(bytes: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks = [];
  let at = 8;
  while (at < bytes.length) {
    const length = bytes.readUInt32BE(at);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    chunks.push({
      type: typeAndData.toString('latin1', 0, 4),
      data: typeAndData.subarray(4),
      crcOk: crc32(typeAndData) === bytes.readUInt32BE(at + 8 + length),
    });
    at += 12 + length;
  }
  expect(at).toBe(bytes.length);
  return chunks;
}

interface Box {
  type: string;
  start: number;
  end: number;
}

/** Top-level boxes; they must tile the range exactly. */
function boxes(bytes: Buffer, from = 0, to = bytes.length): Box[] {
  const found: Box[] = [];
  let at = from;
  while (at < to) {
    let size = bytes.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    }
    found.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
    at += size;
  }
  expect(at).toBe(to);
  return found;
}

function child(bytes: Buffer, parent: Box, type: string, skip = 0): Box {
  const found = boxes(bytes, parent.start + skip, parent.end).find((box) => box.type === type);
  if (!found) throw new Error(`no ${type} in ${parent.type}`);
  return found;
}

function exifDateOf(bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1');
  return /(\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2})\0/.exec(text)?.[1];
}

describe('createMedia: exact sizes and streaming', () => {
  const kinds: MediaKind[] = ['jpeg', 'png', 'heic', 'mp4', 'mov', 'corrupt'];

  it.each(kinds)('%s: hits every requested size, including gaps smaller than one padding segment', (kind) => {
    const minimum = createMedia({ kind, seed: 's' }).size;
    for (const size of [
      minimum,
      minimum + 1,
      minimum + 3,
      minimum + 11,
      minimum + 65_535,
      minimum + 65_540,
      300_001,
    ]) {
      const file = createMedia({ kind, seed: 's', size });
      expect(file.size).toBe(size);
      expect(file.buffer().length).toBe(size);
    }
    expect(() => createMedia({ kind, seed: 's', size: minimum - 1 })).toThrow(/smallest/);
  });

  it.each(kinds)('%s: any byte range equals the same slice of the whole file', (kind) => {
    const file = createMedia({ kind, seed: 'ranges', size: 200_000, capturedAt: CAPTURED });
    const whole = file.buffer();
    for (const [start, end] of [
      [0, 1],
      [0, 200_000],
      [17, 65_600],
      [65_530, 131_100],
      [199_999, 200_000],
      [150_000, 150_000],
    ] as const) {
      expectSameBytes(Buffer.concat([...file.blocks(start, end)]), whole.subarray(start, end));
    }
  });

  it('streams from an offset and its SHA-1 is the SHA-1 of the bytes', async () => {
    const file = createMedia({ kind: 'mp4', seed: 'stream', size: 3_000_000 });
    const whole = file.buffer();
    const chunks: Buffer[] = [];
    for await (const chunk of file.open(1_234_567)) chunks.push(chunk as Buffer);
    expectSameBytes(Buffer.concat(chunks), whole.subarray(1_234_567));
    expect(file.sha1).toBe(sha1(whole));
    expect(await createMedia({ kind: 'mp4', seed: 'stream', size: 3_000_000 }).computeSha1()).toBe(
      sha1(whole),
    );
  });

  it('is deterministic per seed and different across seeds, even at the minimum size', () => {
    const a = createMedia({ kind: 'jpeg', seed: 'a', size: 50_000 });
    expect(createMedia({ kind: 'jpeg', seed: 'a', size: 50_000 }).sha1).toBe(a.sha1);
    expect(createMedia({ kind: 'jpeg', seed: 'b', size: 50_000 }).sha1).not.toBe(a.sha1);
    for (const kind of kinds) {
      expect(createMedia({ kind, seed: 'a' }).sha1).not.toBe(createMedia({ kind, seed: 'b' }).sha1);
    }
  });

  it('describes a multi-gigabyte video without producing its bytes', () => {
    const size = 5 * 1024 ** 3 + 7;
    const video = createMedia({ kind: 'mp4', seed: 'huge', size });
    expect(video.size).toBe(size);
    const head = Buffer.concat([...video.blocks(0, 4096)]);
    const mdatAt = head.indexOf('mdat', 0, 'latin1') - 4;
    expect(head.readUInt32BE(mdatAt)).toBe(1); // 64-bit largesize follows
    expect(Number(head.readBigUInt64BE(mdatAt + 8))).toBe(size - mdatAt);
    expect(Buffer.concat([...video.blocks(size - 10)]).length).toBe(10);
    expect(() => video.buffer()).toThrow(/stream it/);
  });

  it('makes an empty file of zero bytes', () => {
    const empty = createMedia({ kind: 'empty', seed: 'e' });
    expect(empty.size).toBe(0);
    expect(empty.sha1).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
});

describe('createMedia: valid files', () => {
  it('JPEG: SOI … EOI, segments that chain, a 3-component baseline frame, padding in COM segments', () => {
    const bytes = createMedia({ kind: 'jpeg', seed: 'j', size: 150_000, width: 100, height: 60 }).buffer();
    expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const segments = jpegSegments(bytes);
    expect(segments.map((s) => s.marker).slice(0, 2)).toEqual([0xe0, 0xe1]);
    const frame = segments.find((s) => s.marker === 0xc0)!.payload;
    expect([frame.readUInt16BE(3), frame.readUInt16BE(1), frame[5]]).toEqual([100, 60, 3]);
    expect(segments.filter((s) => s.marker === 0xfe).length).toBeGreaterThanOrEqual(3);
    expect(segments.at(-1)!.marker).toBe(0xda);
  });

  it('JPEG: EXIF DateTimeOriginal in Beijing time with its offset, or no date at all', () => {
    const dated = createMedia({ kind: 'jpeg', seed: 'j', capturedAt: CAPTURED }).buffer();
    const app1 = jpegSegments(dated).find((s) => s.marker === 0xe1)!.payload;
    expect(app1.subarray(0, 6).toString('latin1')).toBe('Exif\0\0');
    expect(app1.subarray(6, 10)).toEqual(Buffer.from('MM\0*', 'latin1'));
    expect(exifDateOf(app1)).toBe('2024:06:01 10:15:00');
    expect(app1.includes('+08:00\0', 0, 'latin1')).toBe(true);

    const undated = createMedia({ kind: 'jpeg', seed: 'j' }).buffer();
    expect(exifDateOf(undated)).toBeUndefined();
  });

  it('PNG: signature, IHDR first, IEND last, every CRC right, padding in private ancillary chunks', () => {
    const chunks = pngChunks(
      createMedia({ kind: 'png', seed: 'p', size: 140_000, width: 30, height: 20 }).buffer(),
    );
    expect(chunks[0]!.type).toBe('IHDR');
    expect([chunks[0]!.data.readUInt32BE(0), chunks[0]!.data.readUInt32BE(4)]).toEqual([30, 20]);
    expect(chunks.at(-1)!.type).toBe('IEND');
    expect(chunks.every((chunk) => chunk.crcOk)).toBe(true);
    expect(chunks.filter((chunk) => chunk.type === 'paDd').length).toBeGreaterThanOrEqual(2);
    expect(chunks.map((chunk) => chunk.type)).toContain('IDAT');
  });

  it.each([
    ['mp4', 'isom'],
    ['mov', 'qt  '],
  ] as const)('%s: ftyp %s, moov/mvhd with the creation time, mdat to the end', (kind, brand) => {
    const bytes = createMedia({
      kind,
      seed: 'v',
      size: 100_000,
      capturedAt: CAPTURED,
      width: 1920,
      height: 1080,
    }).buffer();
    const top = boxes(bytes);
    expect(top.map((box) => box.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
    expect(bytes.toString('latin1', top[0]!.start, top[0]!.start + 4)).toBe(brand);
    const mvhd = child(bytes, top[1]!, 'mvhd');
    expect(bytes.readUInt32BE(mvhd.start + 4)).toBe(CAPTURED / 1000 + MEDIA_EPOCH_OFFSET_S);
    const tkhd = child(bytes, child(bytes, top[1]!, 'trak'), 'tkhd');
    expect(bytes.readUInt32BE(tkhd.start + 76) >>> 16).toBe(1920);
    expect(top[3]!.end).toBe(bytes.length);
  });

  it('MP4 without a date has creation_time 0', () => {
    const bytes = createMedia({ kind: 'mp4', seed: 'v' }).buffer();
    const mvhd = child(bytes, boxes(bytes)[1]!, 'mvhd');
    expect(bytes.readUInt32BE(mvhd.start + 4)).toBe(0);
  });

  it('HEIC: ftyp heic, meta with the image size, an EXIF item with the date', () => {
    const bytes = createMedia({
      kind: 'heic',
      seed: 'h',
      size: 80_000,
      capturedAt: CAPTURED,
      width: 4000,
      height: 3000,
    }).buffer();
    const top = boxes(bytes);
    expect(top.map((box) => box.type)).toEqual(['ftyp', 'meta', 'free', 'mdat']);
    expect(bytes.toString('latin1', top[0]!.start, top[0]!.start + 4)).toBe('heic');
    const ispe = child(bytes, child(bytes, child(bytes, top[1]!, 'iprp', 4), 'ipco'), 'ispe');
    expect([bytes.readUInt32BE(ispe.start + 4), bytes.readUInt32BE(ispe.start + 8)]).toEqual([4000, 3000]);
    expect(exifDateOf(bytes.subarray(top[3]!.start, top[3]!.start + 200))).toBe('2024:06:01 10:15:00');
  });

  it('corrupt RAW: no image or video signature at all', () => {
    const bytes = createMedia({ kind: 'corrupt', seed: 'c', size: 10_000 }).buffer();
    expect(bytes.subarray(0, 3)).not.toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(['II', 'MM']).not.toContain(bytes.toString('latin1', 0, 2));
    expect(bytes.toString('latin1', 4, 8)).not.toBe('ftyp');
  });
});
