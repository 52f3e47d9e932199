/**
 * Does a file carry its own capture date? Google Photos takes the date only from inside the file
 * and the API cannot set it (google-photos-api.md §E8), so a file without one lands on the upload
 * day. Answers from a prefix of the file, because the engine sees the bytes as they stream.
 *
 * How many bytes answer:
 * - JPEG: up to the end of the Exif APP1 when there is one (it comes first; ≤ 64 KiB + a JFIF
 *   APP0), otherwise up to the SOS marker. `JPEG_PROBE_BYTES` covers phone JPEGs; when a prefix
 *   falls short the answer is 'unknown' with `needBytes`.
 * - MP4/MOV: up to the end of `mvhd`, which is a few hundred bytes when `moov` comes first. When
 *   `mdat` comes first (moov at the end) no prefix short of the file answers: 'unknown'.
 * - PNG: up to the first IDAT (an eXIf chunk before it is read like JPEG's Exif).
 * - HEIC/HEIF: 'unknown'. Its Exif is an item found through `iloc`, often at the end of the file,
 *   and nothing here writes it.
 *
 * What counts as a date: EXIF DateTimeOriginal with a real value. DateTimeDigitized and DateTime
 * (which is the last edit time) do not count, since DateTimeOriginal is the field photo tools agree
 * to read as the capture time; their presence is noted in `reason`. A zeroed placeholder
 * ("0000:00:00 00:00:00") counts as no date.
 */
import { EXIF_HEADER, exifDateState, isExifSegment, isJpeg, parseTiff, scanJpeg } from './exif.ts';
import { locateMoov, readMvhdCreation } from './mp4-date.ts';

/** A prefix that holds the Exif APP1 of a phone JPEG: 64 KiB APP1 plus room for APP0 and friends. */
export const JPEG_PROBE_BYTES = 128 * 1024;

export type CaptureDateKind = 'exif' | 'mp4' | 'none' | 'unknown';

export interface CaptureDateProbe {
  /** True only when the file certainly carries a capture date. */
  has: boolean;
  /**
   * Where the date lives or would live: 'exif' and 'mp4' when that structure was read (then
   * `has` says whether it holds a date); 'none' when the format was read and has no place holding
   * a date; 'unknown' when these bytes cannot tell.
   */
  kind: CaptureDateKind;
  /** Why, for the plan and the log, when there is no date or no answer. */
  reason?: string;
  /** Set when a longer prefix would answer: how many bytes from the start. */
  needBytes?: number;
}

export type SniffedFormat = 'jpeg' | 'png' | 'video' | 'heif' | 'other' | 'too-short';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis']);
/** First boxes of QuickTime files that predate `ftyp`. */
const QUICKTIME_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/** What the bytes are, whatever the listing's mimeType says. */
export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length < 12) return 'too-short';
  if (isJpeg(bytes)) return 'jpeg';
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  const type = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (type === 'ftyp') {
    const brand = String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!);
    return HEIF_BRANDS.has(brand) ? 'heif' : 'video';
  }
  return QUICKTIME_FIRST_BOXES.has(type) ? 'video' : 'other';
}

function fromTiff(data: Uint8Array): CaptureDateProbe {
  const tiff = parseTiff(data);
  if (!tiff) return { has: false, kind: 'unknown', reason: 'Exif block is malformed' };
  const state = exifDateState(tiff);
  switch (state.state) {
    case 'present':
      return { has: true, kind: 'exif' };
    case 'placeholder':
      return { has: false, kind: 'exif', reason: `DateTimeOriginal is a placeholder "${state.value}"` };
    case 'absent':
      return {
        has: false,
        kind: 'exif',
        reason: state.fallback
          ? `no DateTimeOriginal (has ${state.fallback})`
          : 'Exif has no DateTimeOriginal',
      };
    case 'malformed':
      return { has: false, kind: 'unknown', reason: 'Exif IFDs are malformed' };
  }
}

function jpegProbe(bytes: Uint8Array): CaptureDateProbe {
  const scan = scanJpeg(bytes);
  if (scan.status === 'not-jpeg' || scan.status === 'malformed') {
    return { has: false, kind: 'unknown', reason: 'JPEG structure is malformed' };
  }
  // Readers take the first Exif APP1; one found in the prefix answers without reading further.
  const exif = scan.segments.find((s) => isExifSegment(bytes, s));
  if (exif) return fromTiff(bytes.subarray(exif.payload + EXIF_HEADER.length, exif.end));
  if (scan.status === 'truncated') {
    return { has: false, kind: 'unknown', reason: 'prefix ends before the scan', needBytes: scan.needBytes };
  }
  return { has: false, kind: 'none', reason: 'JPEG has no Exif block' };
}

function pngProbe(bytes: Uint8Array): CaptureDateProbe {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  for (;;) {
    if (at + 8 > bytes.length) {
      return { has: false, kind: 'unknown', reason: 'prefix ends before IDAT', needBytes: at + 8 };
    }
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const end = at + 12 + length;
    if (type === 'IDAT' || type === 'IEND') {
      return { has: false, kind: 'none', reason: 'PNG has no eXIf chunk before its image data' };
    }
    if (type === 'eXIf') {
      if (end > bytes.length) {
        return { has: false, kind: 'unknown', reason: 'prefix ends inside eXIf', needBytes: end };
      }
      return fromTiff(bytes.subarray(at + 8, at + 8 + length));
    }
    at = end;
  }
}

function videoProbe(bytes: Uint8Array): CaptureDateProbe {
  const found = locateMoov(bytes);
  if (found.status === 'not-in-bytes') {
    return {
      has: false,
      kind: 'unknown',
      reason: 'moov is not in these bytes (it may be at the end of the file)',
      needBytes: found.needBytes,
    };
  }
  if (found.status !== 'found') return { has: false, kind: 'unknown', reason: `moov is ${found.status}` };
  const mvhd = readMvhdCreation(bytes, found.moov);
  switch (mvhd.status) {
    case 'found':
      return mvhd.creation !== 0
        ? { has: true, kind: 'mp4' }
        : { has: false, kind: 'mp4', reason: 'mvhd creation_time is 0' };
    case 'truncated':
      return { has: false, kind: 'unknown', reason: 'prefix ends inside moov', needBytes: mvhd.needBytes };
    default:
      return { has: false, kind: 'unknown', reason: `mvhd is ${mvhd.status}` };
  }
}

/**
 * Whether `bytes` (the whole file or a prefix of it) carry a capture date. The format is taken
 * from the bytes; `mimeType` (the listing's) only explains an answer when the bytes are too few.
 */
export function readCaptureDate(bytes: Uint8Array, mimeType: string): CaptureDateProbe {
  switch (sniffFormat(bytes)) {
    case 'jpeg':
      return jpegProbe(bytes);
    case 'png':
      return pngProbe(bytes);
    case 'video':
      return videoProbe(bytes);
    case 'heif':
      return { has: false, kind: 'unknown', reason: 'HEIF/HEIC metadata is not inspected' };
    case 'too-short':
      return { has: false, kind: 'unknown', reason: `too few bytes to recognise ${mimeType}`, needBytes: 12 };
    case 'other':
      return { has: false, kind: 'unknown', reason: `format of ${mimeType} is not inspected` };
  }
}
