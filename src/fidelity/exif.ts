/**
 * The small part of JPEG and TIFF/Exif structure that capture-date detection and repair need:
 * walking a JPEG's marker segments up to the scan, and reading IFD entries. Shared by the reader
 * (capture-date.ts) and the writer (jpeg-date.ts) so both agree on what "has a date" means.
 */

export const TAG_DATE_TIME = 0x0132;
export const TAG_EXIF_IFD = 0x8769;
export const TAG_EXIF_VERSION = 0x9000;
export const TAG_DATE_TIME_ORIGINAL = 0x9003;
export const TAG_DATE_TIME_DIGITIZED = 0x9004;
export const TAG_OFFSET_TIME_ORIGINAL = 0x9011;

export const TYPE_ASCII = 2;
export const TYPE_LONG = 4;
export const TYPE_UNDEFINED = 7;
const TYPE_IFD = 13;

/** Bytes per value of each TIFF field type (TIFF 6.0 §2 plus Exif's IFD type 13). */
const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

export const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

export interface JpegSegment {
  marker: number;
  /** Offset of the segment's 0xFF (including any fill bytes before the marker). */
  start: number;
  /** Offset just past the segment. */
  end: number;
  /** Offset of the payload, after the two length bytes. */
  payload: number;
}

export type JpegScan =
  | {
      status: 'complete';
      segments: JpegSegment[];
      /** How many leading segments are APPn/COM: the metadata block a writer may touch. */
      metadataCount: number;
      /** Offset of the SOS marker. */
      sos: number;
    }
  | { status: 'truncated'; segments: JpegSegment[]; metadataCount: number; needBytes: number }
  | { status: 'not-jpeg' }
  | { status: 'malformed' };

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isMetadataMarker(marker: number): boolean {
  return (marker >= 0xe0 && marker <= 0xef) || marker === 0xfe;
}

/**
 * Walks the segments from SOI to SOS. Works on a prefix: a segment whose end lies past the
 * given bytes ends the walk with 'truncated' and the byte count that would let it go on.
 */
export function scanJpeg(bytes: Uint8Array): JpegScan {
  if (!isJpeg(bytes)) return bytes.length < 3 ? { status: 'malformed' } : { status: 'not-jpeg' };
  const segments: JpegSegment[] = [];
  let metadataCount = 0;
  let inMetadata = true;
  let pos = 2;
  for (;;) {
    const start = pos;
    if (pos >= bytes.length) return { status: 'truncated', segments, metadataCount, needBytes: pos + 4 };
    if (bytes[pos] !== 0xff) return { status: 'malformed' };
    while (pos < bytes.length && bytes[pos] === 0xff) pos += 1;
    if (pos >= bytes.length) return { status: 'truncated', segments, metadataCount, needBytes: pos + 3 };
    const marker = bytes[pos]!;
    pos += 1;
    if (marker === 0xda) return { status: 'complete', segments, metadataCount, sos: start };
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9) return { status: 'malformed' };
    // RSTn and TEM carry no length; they do not belong before a scan but cost nothing to step over.
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      segments.push({ marker, start, end: pos, payload: pos });
      inMetadata = false;
      continue;
    }
    if (pos + 2 > bytes.length) return { status: 'truncated', segments, metadataCount, needBytes: pos + 2 };
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return { status: 'malformed' };
    const end = pos + length;
    if (end > bytes.length) return { status: 'truncated', segments, metadataCount, needBytes: end + 4 };
    segments.push({ marker, start, end, payload: pos + 2 });
    if (inMetadata && isMetadataMarker(marker)) metadataCount += 1;
    else inMetadata = false;
    pos = end;
  }
}

function startsWith(bytes: Uint8Array, at: number, prefix: readonly number[]): boolean {
  if (at + prefix.length > bytes.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

/** An APP1 that announces Exif; writers in the wild vary the second pad byte, so only "Exif\0" is required. */
export function isExifSegment(bytes: Uint8Array, segment: JpegSegment): boolean {
  return segment.marker === 0xe1 && startsWith(bytes, segment.payload, EXIF_HEADER.slice(0, 5));
}

/** The multi-picture APP2, whose image offsets count from inside itself. */
export function isMpfSegment(bytes: Uint8Array, segment: JpegSegment): boolean {
  return segment.marker === 0xe2 && startsWith(bytes, segment.payload, [0x4d, 0x50, 0x46, 0]);
}

export function isJfifSegment(bytes: Uint8Array, segment: JpegSegment): boolean {
  return (
    segment.marker === 0xe0 &&
    (startsWith(bytes, segment.payload, [0x4a, 0x46, 0x49, 0x46, 0]) ||
      startsWith(bytes, segment.payload, [0x4a, 0x46, 0x58, 0x58, 0]))
  );
}

export interface Tiff {
  data: Uint8Array;
  view: DataView;
  little: boolean;
  ifd0: number;
}

export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Offset within the TIFF data of the entry's 4-byte value/offset field. */
  valueAt: number;
}

export interface Ifd {
  at: number;
  entries: IfdEntry[];
  /** Offset of the next IFD (IFD0 → IFD1), 0 when none. */
  next: number;
}

/** More entries than this in one IFD means the offset points at garbage, not at an IFD. */
const MAX_IFD_ENTRIES = 1000;

export function parseTiff(data: Uint8Array): Tiff | undefined {
  if (data.length < 8) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let little: boolean;
  if (data[0] === 0x49 && data[1] === 0x49) little = true;
  else if (data[0] === 0x4d && data[1] === 0x4d) little = false;
  else return undefined;
  if (view.getUint16(2, little) !== 42) return undefined;
  const ifd0 = view.getUint32(4, little);
  if (ifd0 < 8 || ifd0 >= data.length) return undefined;
  return { data, view, little, ifd0 };
}

export function readIfd(tiff: Tiff, at: number): Ifd | undefined {
  if (at < 8 || at + 2 > tiff.data.length) return undefined;
  const count = tiff.view.getUint16(at, tiff.little);
  if (count > MAX_IFD_ENTRIES || at + 2 + 12 * count > tiff.data.length) return undefined;
  const entries: IfdEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = at + 2 + 12 * i;
    entries.push({
      tag: tiff.view.getUint16(e, tiff.little),
      type: tiff.view.getUint16(e + 2, tiff.little),
      count: tiff.view.getUint32(e + 4, tiff.little),
      valueAt: e + 8,
    });
  }
  const nextAt = at + 2 + 12 * count;
  // Some writers end a sub-IFD flush with the data and leave out the next-IFD field.
  const next = nextAt + 4 <= tiff.data.length ? tiff.view.getUint32(nextAt, tiff.little) : 0;
  return { at, entries, next };
}

/** The bytes of an entry's value, inline or at its offset; undefined when they lie outside the data. */
export function entryValue(tiff: Tiff, entry: IfdEntry): Uint8Array | undefined {
  const size = TYPE_SIZES[entry.type];
  if (size === undefined) return undefined;
  const length = size * entry.count;
  if (length <= 4) return tiff.data.subarray(entry.valueAt, entry.valueAt + length);
  const offset = tiff.view.getUint32(entry.valueAt, tiff.little);
  if (offset + length > tiff.data.length) return undefined;
  return tiff.data.subarray(offset, offset + length);
}

export function entryAscii(tiff: Tiff, entry: IfdEntry): string | undefined {
  if (entry.type !== TYPE_ASCII) return undefined;
  const value = entryValue(tiff, entry);
  if (!value) return undefined;
  let text = '';
  for (const b of value) {
    if (b === 0) break;
    text += String.fromCharCode(b);
  }
  return text;
}

/** The sub-IFD an IFD0 entry points to (Exif, GPS), when the pointer is well-formed. */
export function subIfdPointer(tiff: Tiff, entry: IfdEntry): number | undefined {
  if ((entry.type !== TYPE_LONG && entry.type !== TYPE_IFD) || entry.count !== 1) return undefined;
  return tiff.view.getUint32(entry.valueAt, tiff.little);
}

/**
 * Whether an Exif date string names a real moment. Cameras with an unset clock write
 * "0000:00:00 00:00:00" or blanks; such a value is as good as none, so it may be replaced.
 */
export function isUsableExifDate(text: string | undefined): boolean {
  if (text === undefined) return false;
  const m = /^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return (
    year >= 1000 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour <= 24 &&
    minute <= 59 &&
    second <= 60
  );
}

export type ExifDateState =
  | { state: 'present'; value: string }
  | { state: 'placeholder'; value: string }
  | { state: 'absent'; fallback?: 'DateTimeDigitized' | 'DateTime' }
  | { state: 'malformed' };

/**
 * Looks for DateTimeOriginal in the Exif IFD and, because some writers put it there, in IFD0.
 * DateTimeDigitized and DateTime are only noted: DateTime is the last edit time, and neither is
 * the field every photo tool agrees to read as the capture time.
 */
export function exifDateState(tiff: Tiff): ExifDateState {
  const ifd0 = readIfd(tiff, tiff.ifd0);
  if (!ifd0) return { state: 'malformed' };
  const ifds = [ifd0];
  const pointer = ifd0.entries.find((e) => e.tag === TAG_EXIF_IFD);
  if (pointer) {
    const at = subIfdPointer(tiff, pointer);
    const exif = at === undefined ? undefined : readIfd(tiff, at);
    if (!exif) return { state: 'malformed' };
    ifds.unshift(exif);
  }
  const entries = ifds.flatMap((ifd) => ifd.entries);
  const original = entries.find((e) => e.tag === TAG_DATE_TIME_ORIGINAL);
  if (original) {
    const value = entryAscii(tiff, original);
    if (isUsableExifDate(value)) return { state: 'present', value: value! };
    return { state: 'placeholder', value: value ?? '' };
  }
  const usable = (tag: number) => {
    const entry = entries.find((e) => e.tag === tag);
    return entry !== undefined && isUsableExifDate(entryAscii(tiff, entry));
  };
  if (usable(TAG_DATE_TIME_DIGITIZED)) return { state: 'absent', fallback: 'DateTimeDigitized' };
  if (usable(TAG_DATE_TIME)) return { state: 'absent', fallback: 'DateTime' };
  return { state: 'absent' };
}
