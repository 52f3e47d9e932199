/**
 * ISO base media file format (MP4, MOV, 3GP, HEIC, AVIF) box walking: just enough to read the brand,
 * the movie header date, the video track size and HEIF image sizes.
 */

export interface Box {
  type: string;
  /** Offset of the payload (after the size/type header). */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/** The boxes laid end to end in `bytes[from, to)`; stops at the first malformed header. */
export function childBoxes(bytes: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let offset = from;
  while (offset + 8 <= to) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let headerLength = 8;
    if (size === 1) {
      if (offset + 16 > to) break;
      size = Number(bytes.readBigUInt64BE(offset + 8));
      headerLength = 16;
    } else if (size === 0) {
      size = to - offset;
    }
    if (size < headerLength) break;
    const end = Math.min(offset + size, to);
    boxes.push({ type, start: offset + headerLength, end });
    offset += size;
  }
  return boxes;
}

/** The first box along `path` (e.g. ['moov', 'mvhd']), searching only the given containers. */
export function findBox(bytes: Buffer, path: readonly string[], within?: Box): Box | undefined {
  let scope: Box = within ?? { type: '', start: 0, end: bytes.length };
  for (const type of path) {
    const found = childBoxes(bytes, scope.start, scope.end).find((box) => box.type === type);
    if (!found) return undefined;
    scope = found;
  }
  return scope;
}

export interface FileType {
  majorBrand: string;
  brands: string[];
}

export function readFileType(bytes: Buffer): FileType | undefined {
  if (bytes.length < 12 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
  const ftyp = childBoxes(bytes, 0, bytes.length)[0];
  if (!ftyp) return undefined;
  const majorBrand = bytes.toString('latin1', ftyp.start, ftyp.start + 4);
  const brands = [majorBrand];
  for (let offset = ftyp.start + 8; offset + 4 <= ftyp.end; offset += 4) {
    brands.push(bytes.toString('latin1', offset, offset + 4));
  }
  return { majorBrand, brands };
}

/** Seconds between 1904-01-01 (the QuickTime epoch) and 1970-01-01. */
const QUICKTIME_EPOCH_OFFSET_S = 2_082_844_800;

/** `moov/mvhd` creation_time as epoch ms; undefined when absent or zero (no date recorded). */
export function movieCreationTime(bytes: Buffer): number | undefined {
  const mvhd = findBox(bytes, ['moov', 'mvhd']);
  if (!mvhd || mvhd.end - mvhd.start < 12) return undefined;
  const version = bytes[mvhd.start];
  const seconds =
    version === 1 ? Number(bytes.readBigUInt64BE(mvhd.start + 4)) : bytes.readUInt32BE(mvhd.start + 4);
  if (seconds === 0) return undefined;
  return (seconds - QUICKTIME_EPOCH_OFFSET_S) * 1000;
}

export interface Size {
  width: number;
  height: number;
}

/** The first track with a visual size, from `moov/trak/tkhd` (16.16 fixed-point width and height). */
export function videoTrackSize(bytes: Buffer): Size | undefined {
  const moov = findBox(bytes, ['moov']);
  if (!moov) return undefined;
  for (const trak of childBoxes(bytes, moov.start, moov.end).filter((box) => box.type === 'trak')) {
    const tkhd = findBox(bytes, ['tkhd'], trak);
    if (!tkhd) continue;
    const sizeOffset = tkhd.start + (bytes[tkhd.start] === 1 ? 88 : 76);
    if (sizeOffset + 8 > tkhd.end) continue;
    const width = bytes.readUInt32BE(sizeOffset) >>> 16;
    const height = bytes.readUInt32BE(sizeOffset + 4) >>> 16;
    if (width > 0 && height > 0) return { width, height };
  }
  return undefined;
}

/** The largest `ispe` property of a HEIF image (the primary image or its grid, not a thumbnail). */
export function heifImageSize(bytes: Buffer): Size | undefined {
  const meta = findBox(bytes, ['meta']);
  if (!meta) return undefined;
  // `meta` is a FullBox: 4 bytes of version and flags come before its children.
  const ipco = findBox(bytes, ['iprp', 'ipco'], { type: 'meta', start: meta.start + 4, end: meta.end });
  if (!ipco) return undefined;
  let largest: Size | undefined;
  for (const ispe of childBoxes(bytes, ipco.start, ipco.end).filter((box) => box.type === 'ispe')) {
    if (ispe.start + 12 > ispe.end) continue;
    const size = { width: bytes.readUInt32BE(ispe.start + 4), height: bytes.readUInt32BE(ispe.start + 8) };
    if (!largest || size.width * size.height > largest.width * largest.height) largest = size;
  }
  return largest;
}
