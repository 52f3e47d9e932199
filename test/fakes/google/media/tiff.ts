/**
 * TIFF structure reading: TIFF files themselves and the EXIF block inside JPEG/HEIC files, which is a
 * TIFF structure too. Reads the capture date (DateTimeOriginal + OffsetTimeOriginal), camera make and
 * model, and the image size of a TIFF file.
 */

const TAG = {
  imageWidth: 0x0100,
  imageLength: 0x0101,
  make: 0x010f,
  model: 0x0110,
  exifIfd: 0x8769,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
} as const;

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

type IfdValue = number | string;

export interface TiffFacts {
  width?: number;
  height?: number;
  cameraMake?: string;
  cameraModel?: string;
  /** Epoch ms of DateTimeOriginal; taken as UTC when no OffsetTimeOriginal says otherwise. */
  capturedAt?: number;
}

export function isTiffHeader(bytes: Buffer, at = 0): boolean {
  if (at + 8 > bytes.length) return false;
  const order = bytes.toString('latin1', at, at + 2);
  if (order === 'II') return bytes.readUInt16LE(at + 2) === 42;
  if (order === 'MM') return bytes.readUInt16BE(at + 2) === 42;
  return false;
}

class TiffReader {
  private readonly little: boolean;

  constructor(
    private readonly bytes: Buffer,
    private readonly base: number,
  ) {
    this.little = bytes.toString('latin1', base, base + 2) === 'II';
  }

  u16(offset: number): number {
    const at = this.base + offset;
    return this.little ? this.bytes.readUInt16LE(at) : this.bytes.readUInt16BE(at);
  }

  u32(offset: number): number {
    const at = this.base + offset;
    return this.little ? this.bytes.readUInt32LE(at) : this.bytes.readUInt32BE(at);
  }

  fits(offset: number, length: number): boolean {
    return offset >= 0 && this.base + offset + length <= this.bytes.length;
  }

  /** The entries of the IFD at `offset` that hold a SHORT, LONG or ASCII value. */
  ifd(offset: number): Map<number, IfdValue> {
    const entries = new Map<number, IfdValue>();
    if (!this.fits(offset, 2)) return entries;
    const count = this.u16(offset);
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      if (!this.fits(entry, 12)) break;
      const value = this.value(entry);
      if (value !== undefined) entries.set(this.u16(entry), value);
    }
    return entries;
  }

  private value(entry: number): IfdValue | undefined {
    const type = this.u16(entry + 2);
    const count = this.u32(entry + 4);
    const length = (TYPE_SIZES[type] ?? 0) * count;
    const dataOffset = length <= 4 ? entry + 8 : this.u32(entry + 8);
    if (!this.fits(dataOffset, length)) return undefined;
    if (type === 3) return this.u16(dataOffset);
    if (type === 4) return this.u32(dataOffset);
    if (type === 2) {
      const start = this.base + dataOffset;
      return this.bytes.toString('latin1', start, start + length).replace(/\0+$/, '');
    }
    return undefined;
  }
}

/** "2024:07:14 18:21:08" plus "+08:00" → epoch ms; undefined for blank or malformed dates. */
export function exifDateToEpoch(dateTime: string, offset?: string): number | undefined {
  const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(dateTime);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year === 0 || month === 0 || day === 0) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = offset ? /^([+-])(\d{2}):(\d{2})$/.exec(offset) : null;
  if (!zone) return asUtc;
  const sign = zone[1] === '-' ? -1 : 1;
  const offsetMs = sign * (Number(zone[2]) * 60 + Number(zone[3])) * 60_000;
  return asUtc - offsetMs;
}

/** Reads the TIFF structure starting at `base` (the "II*\0" / "MM\0*" header). */
export function readTiff(bytes: Buffer, base = 0): TiffFacts {
  if (!isTiffHeader(bytes, base)) return {};
  const reader = new TiffReader(bytes, base);
  const ifd0 = reader.ifd(reader.u32(4));
  const facts: TiffFacts = {};
  const width = ifd0.get(TAG.imageWidth);
  const height = ifd0.get(TAG.imageLength);
  if (typeof width === 'number' && typeof height === 'number') Object.assign(facts, { width, height });
  const make = ifd0.get(TAG.make);
  const model = ifd0.get(TAG.model);
  if (typeof make === 'string' && make) facts.cameraMake = make.trim();
  if (typeof model === 'string' && model) facts.cameraModel = model.trim();
  const exifPointer = ifd0.get(TAG.exifIfd);
  if (typeof exifPointer === 'number') {
    const exif = reader.ifd(exifPointer);
    const original = exif.get(TAG.dateTimeOriginal);
    const offset = exif.get(TAG.offsetTimeOriginal);
    if (typeof original === 'string') {
      const capturedAt = exifDateToEpoch(original, typeof offset === 'string' ? offset : undefined);
      if (capturedAt !== undefined) facts.capturedAt = capturedAt;
    }
  }
  return facts;
}

const EXIF_MARKER = Buffer.from('Exif\0\0', 'latin1');

/**
 * Finds an "Exif\0\0" block followed by a TIFF header anywhere in the file: how HEIC and AVIF store
 * their EXIF item, without walking the HEIF item tables.
 */
export function findEmbeddedExif(bytes: Buffer): TiffFacts {
  let at = bytes.indexOf(EXIF_MARKER);
  while (at !== -1) {
    if (isTiffHeader(bytes, at + EXIF_MARKER.length)) return readTiff(bytes, at + EXIF_MARKER.length);
    at = bytes.indexOf(EXIF_MARKER, at + 1);
  }
  return {};
}
