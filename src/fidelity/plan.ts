/**
 * What the transfer can do about capture dates, decided from the listing alone, so the pre-flight
 * plan can tell the person which photos and videos may arrive in Google Photos dated by upload
 * day (google-photos-api.md §E8) and which of them the transfer will repair.
 *
 * Whether a given file lacks a date is only known from its bytes (capture-date.ts), so this is a
 * forecast: 'jpeg-repairable' JPEGs get a date written if they turn out to lack one;
 * 'mp4-maybe' videos only when their times are zero and their `moov` can be edited; the rest
 * ('no-date-repair': PNG, HEIC, GIF, …) are sent as they are.
 */

export type Fidelity = 'jpeg-repairable' | 'mp4-maybe' | 'no-date-repair';

export interface FidelitySubject {
  mimeType: string;
  type: 'image' | 'video';
  fileName: string;
  size: number;
}

export interface FidelityOptions {
  /**
   * Largest file the engine holds whole (and verifies) before sending: the raw upload limit.
   * A JPEG is edited only as a whole, verified file.
   */
  wholeFileLimit?: number;
}

/** The engine gathers files up to Google's raw upload size whole (src/google/index.ts). */
export const DEFAULT_WHOLE_FILE_LIMIT = 50 * 1024 * 1024;

const JPEG_MIME = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg']);
const JPEG_EXT = new Set(['jpg', 'jpeg', 'jpe', 'jfif']);
const MP4_MIME = new Set(['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/3gpp', 'video/3gpp2']);
const MP4_EXT = new Set(['mp4', 'mov', 'm4v', '3gp', '3g2']);
/** Listings sometimes give no useful type; then the extension decides. */
const VAGUE_MIME = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export function fidelityFor(item: FidelitySubject, options: FidelityOptions = {}): Fidelity {
  const mime = item.mimeType.trim().toLowerCase();
  const ext = extensionOf(item.fileName);
  const vague = VAGUE_MIME.has(mime);
  if (item.type === 'image' && (JPEG_MIME.has(mime) || (vague && JPEG_EXT.has(ext)))) {
    return item.size <= (options.wholeFileLimit ?? DEFAULT_WHOLE_FILE_LIMIT)
      ? 'jpeg-repairable'
      : 'no-date-repair';
  }
  if (item.type === 'video' && (MP4_MIME.has(mime) || (vague && MP4_EXT.has(ext)))) return 'mp4-maybe';
  return 'no-date-repair';
}

const FORMAT_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/jpg': 'JPEG',
  'image/png': 'PNG',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/avif': 'AVIF',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/bmp': 'BMP',
  'image/x-adobe-dng': 'DNG',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'video/3gpp': '3GP',
  'video/x-matroska': 'MKV',
  'video/webm': 'WebM',
};

/** A short format name for the plan ("PNG", "HEIC"), from the MIME type or else the extension. */
export function formatName(item: Pick<FidelitySubject, 'mimeType' | 'fileName'>): string {
  const known = FORMAT_NAMES[item.mimeType.trim().toLowerCase()];
  if (known) return known;
  const ext = extensionOf(item.fileName);
  return ext ? ext.toUpperCase() : 'other';
}

export interface FidelityPlanItem extends FidelitySubject {
  albumId: string;
  /**
   * The listing's `exifInfo` (xiaomi-api.md §5.1), when given. Xiaomi reads it from the file, so a
   * photo whose exifInfo has no `dateTime` very likely has no date in the file either.
   */
  exifInfo?: { dateTime?: string | null } | null;
}

export interface FidelityCounts {
  total: number;
  byFidelity: Record<Fidelity, number>;
  /** Photos whose listing shows Exif without a date: probably dateless, by what happens to them. */
  listedUndated: Record<Fidelity, number>;
  /** 'no-date-repair' items by format name: the kinds the transfer leaves as they are. */
  leftByFormat: Record<string, number>;
  /** Items the transfer will check and repair if dateless: 0 when the setting is off. */
  willTryRepair: number;
}

export interface FidelitySummary {
  repairEnabled: boolean;
  albums: Array<FidelityCounts & { albumId: string }>;
  total: FidelityCounts;
}

function emptyCounts(): FidelityCounts {
  return {
    total: 0,
    byFidelity: { 'jpeg-repairable': 0, 'mp4-maybe': 0, 'no-date-repair': 0 },
    listedUndated: { 'jpeg-repairable': 0, 'mp4-maybe': 0, 'no-date-repair': 0 },
    leftByFormat: {},
    willTryRepair: 0,
  };
}

/** Xiaomi's exifInfo.dateTime is EXIF-style; a zeroed or blank one is no date. */
function listedUndated(item: FidelityPlanItem): boolean {
  // Video listings carry exifInfo without dates as a rule; only photos say something by its absence.
  if (item.type !== 'image' || !item.exifInfo) return false;
  const value = item.exifInfo.dateTime?.trim() ?? '';
  return value === '' || /^0{4}\D0{2}\D0{2}/.test(value);
}

function add(counts: FidelityCounts, item: FidelityPlanItem, fidelity: Fidelity, repair: boolean): void {
  counts.total += 1;
  counts.byFidelity[fidelity] += 1;
  if (listedUndated(item)) counts.listedUndated[fidelity] += 1;
  if (fidelity === 'no-date-repair') {
    const name = formatName(item);
    counts.leftByFormat[name] = (counts.leftByFormat[name] ?? 0) + 1;
  } else if (repair) {
    counts.willTryRepair += 1;
  }
}

/** Per-album and overall counts for the pre-flight plan; albums in the order first seen. */
export function describeFidelity(
  items: Iterable<FidelityPlanItem>,
  options: FidelityOptions & { repairEnabled: boolean },
): FidelitySummary {
  const albums = new Map<string, FidelityCounts & { albumId: string }>();
  const total = emptyCounts();
  for (const item of items) {
    const fidelity = fidelityFor(item, options);
    let album = albums.get(item.albumId);
    if (!album) {
      album = { albumId: item.albumId, ...emptyCounts() };
      albums.set(item.albumId, album);
    }
    add(album, item, fidelity, options.repairEnabled);
    add(total, item, fidelity, options.repairEnabled);
  }
  return { repairEnabled: options.repairEnabled, albums: [...albums.values()], total };
}
