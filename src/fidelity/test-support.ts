/**
 * Builders for test files: real JPEG, Exif, PNG and MP4 structures laid out independently of the
 * code under test, so a writer that agrees only with itself fails.
 */

/**
 * A 16×16 baseline JPEG (JFIF APP0, DQT, SOF0, DHT, SOS), made with jpeg-js at quality 50.
 */
export const BASE_JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2MBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIABAAEAMBEQACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/AOft7HpxXozqkYeuadvY9OK5Z1T3sPXNO3senFcs6p8Rh65p29j04rlnVPew9c//2Q==';

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export const baseJpeg = (): Uint8Array => fromBase64(BASE_JPEG_BASE64);

/** The JFIF APP0 of the base JPEG. */
export function jfifSegment(): Uint8Array {
  const jpeg = baseJpeg();
  return jpeg.subarray(2, 2 + 2 + ((jpeg[4]! << 8) | jpeg[5]!));
}

/** The base JPEG from DQT to EOI: the part a metadata edit must leave byte for byte. */
export function imageSegments(): Uint8Array {
  const jpeg = baseJpeg();
  return jpeg.subarray(2 + 2 + ((jpeg[4]! << 8) | jpeg[5]!));
}

export function segment(marker: number, payload: Uint8Array): Uint8Array {
  const length = payload.length + 2;
  return concat(new Uint8Array([0xff, marker, length >> 8, length & 0xff]), payload);
}

export function exifSegment(tiff: Uint8Array): Uint8Array {
  return segment(0xe1, concat(latin1('Exif\0\0'), tiff));
}

/** A JPEG made of SOI, the given APPn segments, then the base image's DQT…EOI. */
export function jpegWith(...segments: Uint8Array[]): Uint8Array {
  return concat(new Uint8Array([0xff, 0xd8]), ...segments, imageSegments());
}

/** Offset of the first segment that is not APPn/COM: where the image part starts. */
export function imagePartStart(jpeg: Uint8Array): number {
  let at = 2;
  for (;;) {
    const marker = jpeg[at + 1]!;
    if (!((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)) return at;
    at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  }
}

export interface TestTag {
  tag: number;
  /** TIFF type: 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED. */
  type: 2 | 3 | 4 | 5 | 7;
  value: string | number[] | Uint8Array;
}

const SIZE = { 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 } as const;

function valueBytes(t: TestTag, little: boolean): Uint8Array {
  if (typeof t.value === 'string') return latin1(`${t.value}\0`);
  if (t.value instanceof Uint8Array) return t.value;
  const numbers = t.value;
  const out = new Uint8Array(numbers.length * (t.type === 5 ? 4 : SIZE[t.type]));
  const view = new DataView(out.buffer);
  numbers.forEach((n, i) => {
    if (t.type === 3) view.setUint16(i * 2, n, little);
    else view.setUint32(i * 4, n, little);
  });
  return out;
}

function countOf(t: TestTag, bytes: Uint8Array): number {
  return t.type === 5 ? bytes.length / 8 : bytes.length / SIZE[t.type];
}

function ifdSize(tags: TestTag[], little: boolean): number {
  let size = 2 + 12 * tags.length + 4;
  for (const t of tags) {
    const bytes = valueBytes(t, little);
    if (bytes.length > 4) size += bytes.length + (bytes.length % 2);
  }
  return size;
}

function writeIfd(out: DataView, at: number, tags: TestTag[], next: number, little: boolean): void {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  out.setUint16(at, sorted.length, little);
  let values = at + 2 + 12 * sorted.length + 4;
  sorted.forEach((t, i) => {
    const e = at + 2 + 12 * i;
    const bytes = valueBytes(t, little);
    out.setUint16(e, t.tag, little);
    out.setUint16(e + 2, t.type, little);
    out.setUint32(e + 4, countOf(t, bytes), little);
    const target = new Uint8Array(out.buffer);
    if (bytes.length <= 4) target.set(bytes, e + 8);
    else {
      out.setUint32(e + 8, values, little);
      target.set(bytes, values);
      values += bytes.length + (bytes.length % 2);
    }
  });
  out.setUint32(at + 2 + 12 * sorted.length, next, little);
}

export interface TiffSpec {
  little: boolean;
  ifd0: TestTag[];
  /** Omit for a TIFF without an Exif IFD (and without the pointer to one). */
  exif?: TestTag[];
  /** A thumbnail in IFD1 (JPEGInterchangeFormat), as phones write one. */
  thumbnail?: Uint8Array;
  /** Bytes placed after everything, referenced by `makerNoteTarget` offsets (absolute to TIFF). */
  tail?: Uint8Array;
}

export interface BuiltTiff {
  tiff: Uint8Array;
  /** Offset of `tail` in the TIFF, for maker-note style absolute references. */
  tailAt: number;
}

/** Lays out header, IFD0, Exif IFD, IFD1, thumbnail and tail in that order. */
export function buildTiff(spec: TiffSpec): BuiltTiff {
  const { little } = spec;
  const ifd0Tags = [...spec.ifd0];
  if (spec.exif) ifd0Tags.push({ tag: 0x8769, type: 4, value: [0] });
  const ifd0At = 8;
  const exifAt = ifd0At + ifdSize(ifd0Tags, little);
  const ifd1At = exifAt + (spec.exif ? ifdSize(spec.exif, little) : 0);
  const ifd1Tags: TestTag[] = spec.thumbnail
    ? [
        { tag: 0x0103, type: 3, value: [6] },
        { tag: 0x0201, type: 4, value: [0] },
        { tag: 0x0202, type: 4, value: [spec.thumbnail.length] },
      ]
    : [];
  const thumbAt = ifd1At + (spec.thumbnail ? ifdSize(ifd1Tags, little) : 0);
  const tailAt = thumbAt + (spec.thumbnail?.length ?? 0);
  const size = tailAt + (spec.tail?.length ?? 0);
  const tiff = new Uint8Array(size);
  const view = new DataView(tiff.buffer);
  tiff.set(little ? [0x49, 0x49, 0x2a, 0] : [0x4d, 0x4d, 0, 0x2a]);
  view.setUint32(4, ifd0At, little);
  const withPointer = ifd0Tags.map((t) => (t.tag === 0x8769 ? { ...t, value: [exifAt] } : t));
  writeIfd(view, ifd0At, withPointer, spec.thumbnail ? ifd1At : 0, little);
  if (spec.exif) writeIfd(view, exifAt, spec.exif, 0, little);
  if (spec.thumbnail) {
    const tags = ifd1Tags.map((t) => (t.tag === 0x0201 ? { ...t, value: [thumbAt] } : t));
    writeIfd(view, ifd1At, tags, 0, little);
    tiff.set(spec.thumbnail, thumbAt);
  }
  if (spec.tail) tiff.set(spec.tail, tailAt);
  return { tiff, tailAt };
}

/** ISO BMFF box. */
export function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, 8 + body.length);
  header.set(latin1(type), 4);
  return concat(header, body);
}

function fullBox(type: string, version: number, body: Uint8Array): Uint8Array {
  return box(type, new Uint8Array([version, 0, 0, 0]), body);
}

/** creation, modification, then the given 32-bit words; version 1 stores the times in 64 bits. */
function timed(version: number, creation: number, modification: number, rest: number[]): Uint8Array {
  const timeBytes = version === 1 ? 16 : 8;
  const out = new Uint8Array(timeBytes + rest.length * 4);
  const view = new DataView(out.buffer);
  if (version === 1) {
    view.setBigUint64(0, BigInt(creation));
    view.setBigUint64(8, BigInt(modification));
  } else {
    view.setUint32(0, creation);
    view.setUint32(4, modification);
  }
  rest.forEach((word, i) => {
    view.setUint32(timeBytes + i * 4, word);
  });
  return out;
}

const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

export function mvhd(version: number, creation: number, modification = creation): Uint8Array {
  // timescale, duration(32 for v0; v1 has 64 → two words), rate, volume+reserved, reserved×2, matrix, pre_defined×6, next_track_ID
  const duration = version === 1 ? [0, 1000] : [1000];
  const rest = [1000, ...duration, 0x10000, 0x01000000, 0, 0, ...MATRIX, 0, 0, 0, 0, 0, 0, 2];
  return fullBox('mvhd', version, timed(version, creation, modification, rest));
}

function tkhd(version: number, creation: number): Uint8Array {
  const duration = version === 1 ? [0, 1000] : [1000];
  const rest = [1, 0, ...duration, 0, 0, 0, 0, ...MATRIX, 16 << 16, 16 << 16];
  return fullBox('tkhd', version, timed(version, creation, creation, rest));
}

function mdhd(version: number, creation: number): Uint8Array {
  const duration = version === 1 ? [0, 1000] : [1000];
  return fullBox('mdhd', version, timed(version, creation, creation, [1000, ...duration, 0x55c40000]));
}

export interface Mp4Spec {
  version: 0 | 1;
  /** Seconds since 1904, 0 for "unset". */
  creation: number;
  moovAtEnd?: boolean;
  mdatBytes?: number;
}

/**
 * ftyp + moov (mvhd + one video trak whose stco points into mdat) + mdat, or with moov after
 * mdat. Returns the file and where the stco entry is, to check offsets survive.
 */
export function buildMp4(spec: Mp4Spec): { file: Uint8Array; stcoValueAt: number; chunkOffset: number } {
  const ftyp = box('ftyp', latin1('isom'), new Uint8Array([0, 0, 2, 0]), latin1('isomiso2avc1mp41'));
  const payload = new Uint8Array(spec.mdatBytes ?? 64).map((_, i) => i & 0xff);
  const mdat = box('mdat', payload);
  const makeMoov = (chunkOffset: number) => {
    const stco = fullBox('stco', 0, new Uint8Array([0, 0, 0, 1, ...u32(chunkOffset)]));
    const stbl = box('stbl', stco);
    const minf = box('minf', stbl);
    const mdia = box(
      'mdia',
      mdhd(spec.version, spec.creation),
      fullBox('hdlr', 0, concat(new Uint8Array(4), latin1('vide'), new Uint8Array(12), latin1('v\0'))),
      minf,
    );
    const trak = box('trak', tkhd(spec.version, spec.creation), mdia);
    return box('moov', mvhd(spec.version, spec.creation), trak);
  };
  const moovSize = makeMoov(0).length;
  const mdatAt = spec.moovAtEnd ? ftyp.length : ftyp.length + moovSize;
  const chunkOffset = mdatAt + 8;
  const moov = makeMoov(chunkOffset);
  const file = spec.moovAtEnd ? concat(ftyp, mdat, moov) : concat(ftyp, moov, mdat);
  const moovAt = spec.moovAtEnd ? ftyp.length + mdat.length : ftyp.length;
  // stco is the last box of moov: its single entry is moov's last 4 bytes.
  return { file, stcoValueAt: moovAt + moov.length - 4, chunkOffset };
}

function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Seconds since 1904 for an epoch-ms instant. */
export const mp4Seconds = (epochMs: number): number => Math.floor(epochMs / 1000) + 2_082_844_800;

export function pngWith(...chunks: Array<[type: string, data: Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, data.length);
    header.set(latin1(type), 4);
    // CRCs are not checked by the probe; zero keeps the builder short.
    parts.push(header, data, new Uint8Array(4));
  }
  return concat(...parts);
}
