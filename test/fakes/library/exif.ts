/**
 * A minimal EXIF block (a big-endian TIFF structure): camera make and model in IFD0 and, when a
 * capture date is given, DateTimeOriginal and OffsetTimeOriginal in the EXIF sub-IFD, which is where
 * Google Photos takes a photo's creation time from (google-photos-api.md §E8).
 */

import { type TiffText, tiffStructure } from '../tiff-writer.ts';

export interface ExifFields {
  /** Capture instant, epoch ms. Written as local time at `utcOffsetMinutes`; absent: no date at all. */
  capturedAt?: number;
  /** Minutes east of UTC of the camera's clock; default +480 (China Standard Time). */
  utcOffsetMinutes?: number;
  /** Write OffsetTimeOriginal (EXIF 2.31) next to the date; default true. Older phones leave it out. */
  writeOffset?: boolean;
  make?: string;
  model?: string;
}

export const CHINA_UTC_OFFSET_MINUTES = 480;

const TAG = {
  make: 0x010f,
  model: 0x0110,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
};

/** "2024:06:01 10:15:00" for the instant as a clock at `offsetMinutes` shows it. */
export function exifDateTime(epochMs: number, offsetMinutes: number): string {
  const iso = new Date(epochMs + offsetMinutes * 60_000).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', ':')} ${iso.slice(11, 19)}`;
}

/** "+08:00" */
export function exifOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The TIFF structure (starting "MM\0*"), without the "Exif\0\0" prefix containers add. */
export function exifTiff(fields: ExifFields): Buffer {
  const ifd0: TiffText[] = [];
  if (fields.make !== undefined) ifd0.push({ tag: TAG.make, text: fields.make });
  if (fields.model !== undefined) ifd0.push({ tag: TAG.model, text: fields.model });
  const exif: TiffText[] = [];
  if (fields.capturedAt !== undefined) {
    const offset = fields.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES;
    exif.push({ tag: TAG.dateTimeOriginal, text: exifDateTime(fields.capturedAt, offset) });
    if (fields.writeOffset ?? true) exif.push({ tag: TAG.offsetTimeOriginal, text: exifOffset(offset) });
  }
  return tiffStructure(ifd0, exif);
}

/** The "Exif\0\0" identifier that precedes the TIFF structure in JPEG APP1 and HEIF Exif items. */
export const EXIF_IDENTIFIER = Buffer.from('Exif\0\0', 'latin1');
