/**
 * A minimal EXIF block (a big-endian TIFF structure): camera make and model in IFD0 and, when a
 * capture date is given, DateTimeOriginal and OffsetTimeOriginal in the EXIF sub-IFD, which is where
 * Google Photos takes a photo's creation time from (google-photos-api.md §E8).
 */

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
  exifIfd: 0x8769,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
};
const TYPE_ASCII = 2;
const TYPE_LONG = 4;

type Entry = { tag: number; text: string } | { tag: number; pointer: 'exif' };

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
  const ifd0: Entry[] = [];
  if (fields.make !== undefined) ifd0.push({ tag: TAG.make, text: fields.make });
  if (fields.model !== undefined) ifd0.push({ tag: TAG.model, text: fields.model });
  const exif: Entry[] = [];
  if (fields.capturedAt !== undefined) {
    const offset = fields.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES;
    exif.push({ tag: TAG.dateTimeOriginal, text: exifDateTime(fields.capturedAt, offset) });
    if (fields.writeOffset ?? true) exif.push({ tag: TAG.offsetTimeOriginal, text: exifOffset(offset) });
    ifd0.push({ tag: TAG.exifIfd, pointer: 'exif' });
  }

  const ifdSize = (entries: Entry[]) => 2 + entries.length * 12 + 4;
  const ifd0Offset = 8;
  const exifIfdOffset = ifd0Offset + ifdSize(ifd0);
  let dataOffset = exifIfdOffset + (exif.length > 0 ? ifdSize(exif) : 0);
  const data: Buffer[] = [];

  const writeIfd = (entries: Entry[]): Buffer => {
    const ifd = Buffer.alloc(ifdSize(entries));
    ifd.writeUInt16BE(entries.length, 0);
    entries.forEach((entry, i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16BE(entry.tag, at);
      if ('pointer' in entry) {
        ifd.writeUInt16BE(TYPE_LONG, at + 2);
        ifd.writeUInt32BE(1, at + 4);
        ifd.writeUInt32BE(exifIfdOffset, at + 8);
        return;
      }
      const text = Buffer.from(`${entry.text}\0`, 'latin1');
      ifd.writeUInt16BE(TYPE_ASCII, at + 2);
      ifd.writeUInt32BE(text.length, at + 4);
      if (text.length <= 4) {
        text.copy(ifd, at + 8);
      } else {
        ifd.writeUInt32BE(dataOffset, at + 8);
        data.push(text);
        dataOffset += text.length;
      }
    });
    return ifd;
  };

  const header = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, ifd0Offset]);
  const ifd0Block = writeIfd(ifd0);
  const exifBlock = exif.length > 0 ? writeIfd(exif) : Buffer.alloc(0);
  return Buffer.concat([header, ifd0Block, exifBlock, ...data]);
}

/** The "Exif\0\0" identifier that precedes the TIFF structure in JPEG APP1 and HEIF Exif items. */
export const EXIF_IDENTIFIER = Buffer.from('Exif\0\0', 'latin1');
