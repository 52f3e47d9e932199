/**
 * Writes a capture date into a JPEG that has none, because Google Photos dates an item only from
 * the file (google-photos-api.md §E8) and Xiaomi's listing knows the date (xiaomi-api.md §5.1).
 *
 * Only the Exif APP1 changes. The edit is append-only inside the TIFF data: new IFDs and values go
 * after everything that is already there, and the only existing bytes rewritten are one 4-byte
 * pointer (to the Exif IFD, or to IFD0). Nothing that is already in the segment moves, so every
 * offset stays right, including ones no general writer understands (maker notes that count from
 * the TIFF header, IFD1's thumbnail). Libraries that re-serialise the whole block (piexifjs) drop
 * tags they do not know, turn little-endian files big-endian and move maker notes.
 */
import {
  EXIF_HEADER,
  entryAscii,
  type IfdEntry,
  isExifSegment,
  isJfifSegment,
  isMpfSegment,
  isUsableExifDate,
  parseTiff,
  readIfd,
  scanJpeg,
  subIfdPointer,
  TAG_DATE_TIME_ORIGINAL,
  TAG_EXIF_IFD,
  TAG_EXIF_VERSION,
  TAG_OFFSET_TIME_ORIGINAL,
  type Tiff,
  TYPE_ASCII,
  TYPE_LONG,
  TYPE_UNDEFINED,
} from './exif.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A JPEG segment's length field is 16 bits and counts itself: 65535 − 2 − "Exif\0\0". */
const MAX_TIFF_BYTES = 0xffff - 2 - EXIF_HEADER.length;

export interface ExifLocalTime {
  /** "YYYY:MM:DD HH:MM:SS", wall-clock time in the zone. */
  dateTime: string;
  /** "+08:00": lets readers recover the UTC instant from the wall-clock time. */
  offset: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The Exif wall-clock time and offset of an instant in a time zone. Exif has whole seconds and
 * whole-minute offsets; an instant whose offset has seconds (local mean time before ~1900) or whose
 * year does not fit four digits gets undefined rather than a date that means something else.
 */
export function exifLocalTime(
  epochMs: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): ExifLocalTime | undefined {
  if (!Number.isFinite(epochMs)) return undefined;
  const instant = Math.floor(epochMs / 1000) * 1000;
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = parts;
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    return undefined;
  }
  if (year < 1900 || year > 9999) return undefined;
  const offsetSeconds = (Date.UTC(year, month - 1, day, hour, minute, second) - instant) / 1000;
  if (offsetSeconds % 60 !== 0) return undefined;
  const offsetMinutes = Math.abs(offsetSeconds / 60);
  const sign = offsetSeconds < 0 ? '-' : '+';
  return {
    dateTime: `${pad(year, 4)}:${pad(month)}:${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`,
    offset: `${sign}${pad(Math.floor(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`,
  };
}

/** An IFD entry to write: either copied verbatim (raw 4-byte field) or new with its value bytes. */
type OutEntry =
  | { tag: number; type: number; count: number; raw: Uint8Array }
  | { tag: number; type: number; count: number; value: Uint8Array };

function ascii(tag: number, text: string): OutEntry {
  const value = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) value[i] = text.charCodeAt(i);
  return { tag, type: TYPE_ASCII, count: value.length, value };
}

function copied(tiff: Tiff, entry: IfdEntry): OutEntry {
  return {
    tag: entry.tag,
    type: entry.type,
    count: entry.count,
    raw: tiff.data.slice(entry.valueAt, entry.valueAt + 4),
  };
}

/** Appends IFDs to a copy of TIFF data, in its byte order. */
class TiffAppender {
  private chunks: Uint8Array[] = [];
  private length: number;

  constructor(
    private readonly base: Uint8Array,
    private readonly little: boolean,
  ) {
    this.length = base.length;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** TIFF wants IFDs and values on word boundaries. */
  private align(): void {
    if (this.length % 2 === 1) this.push(new Uint8Array(1));
  }

  appendIfd(entries: OutEntry[], next: number): number {
    this.align();
    const sorted = [...entries].sort((a, b) => a.tag - b.tag);
    const at = this.length;
    const ifd = new Uint8Array(2 + 12 * sorted.length + 4);
    const view = new DataView(ifd.buffer);
    view.setUint16(0, sorted.length, this.little);
    let valuesAt = at + ifd.length;
    const values: Uint8Array[] = [];
    sorted.forEach((entry, i) => {
      const e = 2 + 12 * i;
      view.setUint16(e, entry.tag, this.little);
      view.setUint16(e + 2, entry.type, this.little);
      view.setUint32(e + 4, entry.count, this.little);
      if ('raw' in entry) ifd.set(entry.raw, e + 8);
      else if (entry.value.length <= 4) ifd.set(entry.value, e + 8);
      else {
        view.setUint32(e + 8, valuesAt, this.little);
        values.push(entry.value);
        valuesAt += entry.value.length + (entry.value.length % 2);
      }
    });
    view.setUint32(2 + 12 * sorted.length, next, this.little);
    this.push(ifd);
    for (const value of values) {
      this.push(value);
      this.align();
    }
    return at;
  }

  /** The new TIFF data with `patches` (offset → uint32) applied to the original part. */
  build(patches: Array<[at: number, value: number]>): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.base, 0);
    let at = this.base.length;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    const view = new DataView(out.buffer);
    for (const [offset, value] of patches) view.setUint32(offset, value, this.little);
    return out;
  }
}

function dateEntries(local: ExifLocalTime): OutEntry[] {
  return [ascii(TAG_DATE_TIME_ORIGINAL, local.dateTime), ascii(TAG_OFFSET_TIME_ORIGINAL, local.offset)];
}

/** Exif 2.32: the version the written tags (OffsetTimeOriginal is 2.31+) belong to. */
const EXIF_VERSION: OutEntry = {
  tag: TAG_EXIF_VERSION,
  type: TYPE_UNDEFINED,
  count: 4,
  value: new Uint8Array([0x30, 0x32, 0x33, 0x32]),
};

/**
 * New TIFF data with the date added, or undefined when it already has a usable
 * DateTimeOriginal or its structure cannot be followed safely.
 */
function addDateToTiff(tiff: Tiff, local: ExifLocalTime): Uint8Array | undefined {
  const ifd0 = readIfd(tiff, tiff.ifd0);
  if (!ifd0) return undefined;
  const misplaced = ifd0.entries.find((e) => e.tag === TAG_DATE_TIME_ORIGINAL);
  if (misplaced && isUsableExifDate(entryAscii(tiff, misplaced))) return undefined;
  const pointer = ifd0.entries.find((e) => e.tag === TAG_EXIF_IFD);
  const writer = new TiffAppender(tiff.data, tiff.little);
  const added = dateEntries(local);
  if (pointer) {
    const at = subIfdPointer(tiff, pointer);
    const exif = at === undefined ? undefined : readIfd(tiff, at);
    if (!exif) return undefined;
    const original = exif.entries.find((e) => e.tag === TAG_DATE_TIME_ORIGINAL);
    if (original && isUsableExifDate(entryAscii(tiff, original))) return undefined;
    const kept = exif.entries.filter((e) => !added.some((a) => a.tag === e.tag)).map((e) => copied(tiff, e));
    const exifAt = writer.appendIfd([...kept, ...added], exif.next);
    return writer.build([[pointer.valueAt, exifAt]]);
  }
  const exifAt = writer.appendIfd([EXIF_VERSION, ...added], 0);
  const exifPointer: OutEntry = { tag: TAG_EXIF_IFD, type: TYPE_LONG, count: 1, raw: new Uint8Array(4) };
  new DataView(exifPointer.raw.buffer).setUint32(0, exifAt, tiff.little);
  // IFD0 is copied rather than grown in place: growing it would move whatever follows it.
  const ifd0At = writer.appendIfd([...ifd0.entries.map((e) => copied(tiff, e)), exifPointer], ifd0.next);
  return writer.build([[4, ifd0At]]);
}

function freshTiff(local: ExifLocalTime): Uint8Array {
  // Little-endian, like the phones this library comes from.
  const header = new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0]);
  const writer = new TiffAppender(header, true);
  const exifAt = writer.appendIfd([EXIF_VERSION, ...dateEntries(local)], 0);
  const pointer = new Uint8Array(4);
  new DataView(pointer.buffer).setUint32(0, exifAt, true);
  const ifd0At = writer.appendIfd([{ tag: TAG_EXIF_IFD, type: TYPE_LONG, count: 1, raw: pointer }], 0);
  return writer.build([[4, ifd0At]]);
}

function app1(tiff: Uint8Array): Uint8Array | undefined {
  if (tiff.length > MAX_TIFF_BYTES) return undefined;
  const segment = new Uint8Array(4 + EXIF_HEADER.length + tiff.length);
  const length = 2 + EXIF_HEADER.length + tiff.length;
  segment.set([0xff, 0xe1, length >> 8, length & 0xff, ...EXIF_HEADER]);
  segment.set(tiff, 4 + EXIF_HEADER.length);
  return segment;
}

function splice(bytes: Uint8Array, from: number, to: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - (to - from) + insert.length);
  out.set(bytes.subarray(0, from), 0);
  out.set(insert, from);
  out.set(bytes.subarray(to), from + insert.length);
  return out;
}

/**
 * A copy of `jpeg` with DateTimeOriginal and OffsetTimeOriginal set from `dateTaken` (epoch ms)
 * as wall-clock time in `timeZone`, or undefined when the file already has a usable
 * DateTimeOriginal or is not a JPEG this can edit without risk.
 *
 * Only the leading APPn block changes; every byte from the first other segment (DQT, SOF, …)
 * to the end of the file, including data after EOI, is kept as it is. Needs the bytes up to the
 * SOS marker at least; bytes after it are carried over untouched, so a prefix that reaches past
 * SOS gives a prefix of the repaired file.
 */
export function withCaptureDate(
  jpeg: Uint8Array,
  dateTaken: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): Uint8Array | undefined {
  const local = exifLocalTime(dateTaken, timeZone);
  if (!local) return undefined;
  const scan = scanJpeg(jpeg);
  if (scan.status !== 'complete') return undefined;
  const index = scan.segments.findIndex((s) => isExifSegment(jpeg, s));
  if (index === -1) {
    // JFIF wants its APP0 first and Exif wants APP1 first; readers accept APP1 right after APP0.
    let at = 2;
    for (const segment of scan.segments.slice(0, scan.metadataCount)) {
      if (!isJfifSegment(jpeg, segment)) break;
      at = segment.end;
    }
    const segment = app1(freshTiff(local));
    return segment && splice(jpeg, at, at, segment);
  }
  // An Exif block among the image segments is too odd to edit: the image part must stay as it is.
  if (index >= scan.metadataCount) return undefined;
  const existing = scan.segments[index]!;
  // MPF image offsets count from the MPF segment: growing a segment before it would shift only them.
  if (scan.segments.slice(0, index).some((s) => isMpfSegment(jpeg, s))) return undefined;
  const tiff = parseTiff(jpeg.subarray(existing.payload + EXIF_HEADER.length, existing.end));
  if (!tiff) return undefined;
  const updated = addDateToTiff(tiff, local);
  if (!updated) return undefined;
  const header = jpeg.subarray(existing.payload, existing.payload + EXIF_HEADER.length);
  const segment = app1(updated);
  if (!segment) return undefined;
  segment.set(header, 4);
  return splice(jpeg, existing.start, existing.end, segment);
}
