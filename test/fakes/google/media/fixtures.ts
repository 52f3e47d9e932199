/**
 * Tiny synthetic media files for tests: structurally valid enough for content sniffing and metadata
 * reading (headers, EXIF, movie boxes), not decodable pictures. `salt` makes otherwise equal files
 * differ, so each fixture has its own SHA-1.
 */

import { type TiffText, tiffStructure } from '../../tiff-writer.ts';

export interface ExifFields {
  /** "YYYY:MM:DD HH:MM:SS" */
  dateTimeOriginal?: string;
  /** "+08:00" */
  offsetTimeOriginal?: string;
  make?: string;
  model?: string;
}

function exifTiff(fields: ExifFields): Buffer {
  const ifd0: TiffText[] = [];
  if (fields.make) ifd0.push({ tag: 0x010f, text: fields.make });
  if (fields.model) ifd0.push({ tag: 0x0110, text: fields.model });
  const exif: TiffText[] = [];
  if (fields.dateTimeOriginal) exif.push({ tag: 0x9003, text: fields.dateTimeOriginal });
  if (fields.offsetTimeOriginal) exif.push({ tag: 0x9011, text: fields.offsetTimeOriginal });
  return tiffStructure(ifd0, exif);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

export interface JpegOptions {
  width?: number;
  height?: number;
  exif?: ExifFields;
  salt?: string;
}

export function jpegFile({ width = 4032, height = 3024, exif, salt = '' }: JpegOptions = {}): Buffer {
  const sof = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...(exif ? [jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(exif)]))] : []),
    jpegSegment(0xfe, Buffer.from(`fake jpeg ${salt}`)),
    jpegSegment(0xc0, sof),
    jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0x56, 0xff, 0xd9]),
  ]);
}

export function pngFile({ width = 640, height = 480, salt = '' } = {}): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  const text = Buffer.from(`tEXtComment\0${salt}`, 'latin1');
  const textChunk = Buffer.concat([Buffer.alloc(4), text, Buffer.alloc(4)]);
  textChunk.writeUInt32BE(text.length - 4, 0);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, textChunk]);
}

/** An ISO-BMFF box; `size` is filled in. */
export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function fileTypeBox(major: string, compatible: string[]): Buffer {
  return box(
    'ftyp',
    Buffer.from(major, 'latin1'),
    Buffer.alloc(4),
    Buffer.from(compatible.join(''), 'latin1'),
  );
}

const QUICKTIME_EPOCH_OFFSET_S = 2_082_844_800;

function movieHeader(createdAt: Date | undefined, version: 0 | 1): Buffer {
  const seconds = createdAt ? Math.floor(createdAt.getTime() / 1000) + QUICKTIME_EPOCH_OFFSET_S : 0;
  if (version === 1) {
    const payload = Buffer.alloc(112);
    payload[0] = 1;
    payload.writeBigUInt64BE(BigInt(seconds), 4);
    payload.writeBigUInt64BE(BigInt(seconds), 12);
    payload.writeUInt32BE(1000, 20);
    return box('mvhd', payload);
  }
  const payload = Buffer.alloc(100);
  payload.writeUInt32BE(seconds, 4);
  payload.writeUInt32BE(seconds, 8);
  payload.writeUInt32BE(1000, 12);
  return box('mvhd', payload);
}

function trackHeader(width: number, height: number): Buffer {
  const payload = Buffer.alloc(84);
  payload.writeUInt32BE(1, 12);
  payload.writeUInt32BE(width * 65536, 76);
  payload.writeUInt32BE(height * 65536, 80);
  return box('tkhd', payload);
}

export interface MovieOptions {
  /** ftyp major brand: 'isom' (MP4), 'qt  ' (MOV), '3gp4' … ; null writes no ftyp (old MOV). */
  brand?: string | null;
  createdAt?: Date;
  mvhdVersion?: 0 | 1;
  width?: number;
  height?: number;
  /** Put `moov` after `mdat`, as cameras writing on the fly do. */
  moovLast?: boolean;
  salt?: string;
}

export function movieFile({
  brand = 'isom',
  createdAt,
  mvhdVersion = 0,
  width = 1920,
  height = 1080,
  moovLast = false,
  salt = '',
}: MovieOptions = {}): Buffer {
  const moov = box('moov', movieHeader(createdAt, mvhdVersion), box('trak', trackHeader(width, height)));
  const mdat = box('mdat', Buffer.from(`fake movie data ${salt}`));
  const ftyp = brand === null ? [] : [fileTypeBox(brand, [brand, 'mp41'])];
  return Buffer.concat([...ftyp, ...(moovLast ? [mdat, moov] : [moov, mdat])]);
}

export function heicFile({ width = 4000, height = 3000, exif, salt = '' }: JpegOptions = {}): Buffer {
  const ispe = (w: number, h: number) => {
    const payload = Buffer.alloc(12);
    payload.writeUInt32BE(w, 4);
    payload.writeUInt32BE(h, 8);
    return box('ispe', payload);
  };
  const meta = box('meta', Buffer.alloc(4), box('iprp', box('ipco', ispe(320, 240), ispe(width, height))));
  const exifItem = exif ? [Buffer.from([0, 0, 0, 6]), Buffer.from('Exif\0\0', 'latin1'), exifTiff(exif)] : [];
  const mdat = box('mdat', ...exifItem, Buffer.from(`fake heic data ${salt}`));
  return Buffer.concat([fileTypeBox('heic', ['mif1', 'heic']), meta, mdat]);
}
