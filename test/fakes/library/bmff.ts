/**
 * ISO base media files (ISO/IEC 14496-12): MP4, QuickTime MOV and HEIC. Structurally valid box trees
 * that tools can walk (brand, movie header date, track size, HEIF image size, EXIF item); the media
 * data itself is padding, so they do not play or decode.
 *   MP4/MOV: ftyp moov(mvhd trak(tkhd mdia(mdhd hdlr))) free(label) mdat(padding)
 *   HEIC:    ftyp meta(hdlr pitm iprp(ipco(ispe) ipma)) free(label) mdat([Exif item] padding)
 */
import { EXIF_IDENTIFIER, type ExifFields, exifTiff } from './exif.ts';
import { type FileLayout, RAW_SEGMENTS } from './generated-file.ts';

export type MovieBrand = 'mp4' | 'mov';

export interface MovieOptions {
  brand: MovieBrand;
  width: number;
  height: number;
  durationMs: number;
  /** Epoch ms written as `mvhd` creation_time; absent: 0, which means "no date". */
  capturedAt?: number;
  label: string;
}

export interface HeicOptions {
  width: number;
  height: number;
  label: string;
  /** Absent: no EXIF item. */
  exif?: ExifFields;
}

/** Seconds from 1904-01-01 (the QuickTime and ISO media epoch) to 1970-01-01. */
export const MEDIA_EPOCH_OFFSET_S = 2_082_844_800;

const U32_MAX = 0xffff_ffff;
const UNITY_MATRIX = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const versionAndFlags = Buffer.alloc(4);
  versionAndFlags.writeUInt32BE(((version << 24) | flags) >>> 0, 0);
  return box(type, versionAndFlags, ...payload);
}

function u32s(...values: number[]): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  for (const [i, value] of values.entries()) buffer.writeUInt32BE(value >>> 0, i * 4);
  return buffer;
}

function u16s(...values: number[]): Buffer {
  const buffer = Buffer.alloc(values.length * 2);
  for (const [i, value] of values.entries()) buffer.writeUInt16BE(value, i * 2);
  return buffer;
}

function fourCCs(...codes: string[]): Buffer {
  return Buffer.from(codes.join(''), 'latin1');
}

function fileType(major: string, minor: number, compatible: string[]): Buffer {
  return box('ftyp', fourCCs(major), u32s(minor), fourCCs(...compatible));
}

const FILE_TYPES: Record<MovieBrand, Buffer> = {
  mp4: fileType('isom', 0x200, ['isom', 'iso2', 'avc1', 'mp41']),
  mov: fileType('qt  ', 0x2005_0300, ['qt  ']),
};

function mediaTime(epochMs: number | undefined): number {
  if (epochMs === undefined) return 0;
  const seconds = Math.floor(epochMs / 1000) + MEDIA_EPOCH_OFFSET_S;
  if (seconds < 1 || seconds > U32_MAX)
    throw new Error(`date outside what a version-0 mvhd holds: ${epochMs}`);
  return seconds;
}

function movieBox({ width, height, durationMs, capturedAt }: MovieOptions): Buffer {
  const time = mediaTime(capturedAt);
  const timescale = 1000;
  const movieHeader = fullBox(
    'mvhd',
    0,
    0,
    u32s(time, time, timescale, durationMs, 0x0001_0000),
    u16s(0x0100, 0),
    u32s(0, 0, ...UNITY_MATRIX, 0, 0, 0, 0, 0, 0, 2),
  );
  const trackHeader = fullBox(
    'tkhd',
    0,
    0x000003, // enabled, in movie
    u32s(time, time, 1, 0, durationMs, 0, 0),
    u16s(0, 0, 0, 0),
    u32s(...UNITY_MATRIX, width * 0x1_0000, height * 0x1_0000),
  );
  const mediaHeader = fullBox('mdhd', 0, 0, u32s(time, time, timescale, durationMs), u16s(0x55c4, 0)); // 'und'
  const handler = fullBox(
    'hdlr',
    0,
    0,
    u32s(0),
    fourCCs('vide'),
    u32s(0, 0, 0),
    Buffer.from('VideoHandler\0'),
  );
  return box('moov', movieHeader, box('trak', trackHeader, box('mdia', mediaHeader, handler)));
}

/** The `mdat` header for `payload` bytes: a 32-bit size, or size 1 plus a 64-bit largesize. */
function mediaDataHeader(payload: number, large: boolean): Buffer {
  if (!large) {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + payload, 0);
    header.write('mdat', 4, 'latin1');
    return header;
  }
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('mdat', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + payload), 8);
  return header;
}

/** `prefix` + an `mdat` box of exactly the size that makes the file `size` bytes long. */
function withMediaData(
  prefix: Buffer,
  mediaDataStart: Buffer,
  size: number | undefined,
  what: string,
): FileLayout {
  const minimum = prefix.length + 8 + mediaDataStart.length;
  const total = size ?? minimum;
  const large = total - prefix.length > U32_MAX;
  const padding = total - minimum - (large ? 8 : 0);
  if (!Number.isSafeInteger(padding) || padding < 0) {
    throw new Error(`a ${what} cannot be ${size} bytes: the smallest one here is ${minimum}`);
  }
  const header = mediaDataHeader(mediaDataStart.length + padding, large);
  return {
    head: Buffer.concat([prefix, header, mediaDataStart]),
    padding: { format: RAW_SEGMENTS, length: padding },
    tail: Buffer.alloc(0),
  };
}

function labelBox(label: string): Buffer {
  return box('free', Buffer.from(label, 'utf8'));
}

export function movieLayout(options: MovieOptions, size: number | undefined): FileLayout {
  const prefix = Buffer.concat([FILE_TYPES[options.brand], movieBox(options), labelBox(options.label)]);
  return withMediaData(prefix, Buffer.alloc(0), size, options.brand.toUpperCase());
}

export function heicLayout(options: HeicOptions, size: number | undefined): FileLayout {
  const handler = fullBox('hdlr', 0, 0, u32s(0), fourCCs('pict'), u32s(0, 0, 0), Buffer.from('\0'));
  const primaryItem = fullBox('pitm', 0, 0, u16s(1));
  const imageSize = fullBox('ispe', 0, 0, u32s(options.width, options.height));
  // ipma: one entry, item 1 → property 1 (ispe), not essential.
  const association = fullBox('ipma', 0, 0, u32s(1), u16s(1), Buffer.from([1, 0x01]));
  const meta = fullBox('meta', 0, 0, handler, primaryItem, box('iprp', box('ipco', imageSize), association));
  const prefix = Buffer.concat([fileType('heic', 0, ['mif1', 'heic']), meta, labelBox(options.label)]);
  // A HEIF Exif item starts with a 4-byte offset to the TIFF header, after "Exif\0\0".
  const exifItem = options.exif
    ? Buffer.concat([u32s(EXIF_IDENTIFIER.length), EXIF_IDENTIFIER, exifTiff(options.exif)])
    : Buffer.alloc(0);
  return withMediaData(prefix, exifItem, size, 'HEIC');
}
