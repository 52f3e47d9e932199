/**
 * Capture time for MP4/MOV (ISO BMFF / QuickTime): the `mvhd` creation_time, seconds since
 * 1904-01-01 UTC, with the same field in each track's `tkhd` and `mdhd`. Phones set it; editors
 * and messengers often leave it 0, which is how videos lose their date (google-photos-api.md §E8).
 *
 * The repair overwrites zero times in place: the boxes keep their size, so chunk offsets
 * (`stco`/`co64`) stay right and no other byte of the file moves. That needs the whole `moov`.
 * When `moov` sits at the end of a file that is streamed rather than held whole, the bytes that
 * would need changing arrive after the head was sent; such files are reported, not repaired.
 */

/** Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01. */
export const MP4_EPOCH_OFFSET_SECONDS = 2_082_844_800;

export interface Box {
  type: string;
  start: number;
  /** Offset of the box's content, after size, type, large size and uuid. */
  content: number;
  /** Offset just past the box; Infinity for a top-level box that runs to the end of the file. */
  end: number;
}

export type BoxHeader = Box | { truncated: number } | undefined;

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** Reads a box header at `at`; `{truncated}` says how many bytes reading it needs; undefined = malformed. */
export function readBox(bytes: Uint8Array, at: number, parentEnd: number): BoxHeader {
  if (at + 8 > bytes.length) return { truncated: at + 8 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(at);
  const type = fourcc(bytes, at + 4);
  let content = at + 8;
  let end: number;
  if (size === 1) {
    if (at + 16 > bytes.length) return { truncated: at + 16 };
    const large = view.getBigUint64(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    content = at + 16;
    end = at + Number(large);
  } else if (size === 0) {
    end = parentEnd;
  } else {
    end = at + size;
  }
  if (type === 'uuid') content += 16;
  if (end < content || end > parentEnd) return undefined;
  return { type, start: at, content, end };
}

/** Child boxes of [from, to) that lie wholly within `bytes`. */
function* children(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  let at = from;
  while (at < to) {
    const box = readBox(bytes, at, to);
    if (!box || 'truncated' in box || box.end > bytes.length) return;
    yield box;
    at = box.end;
  }
}

function child(bytes: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of children(bytes, parent.content, parent.end)) if (box.type === type) return box;
  return undefined;
}

export type MoovLocation =
  | { status: 'found'; moov: Box }
  /** The top-level walk stepped past the bytes given before meeting moov; needBytes to go on. */
  | { status: 'not-in-bytes'; needBytes: number }
  | { status: 'absent' | 'malformed' };

/** Finds the top-level `moov` box by walking box headers; its content may extend past the bytes. */
export function locateMoov(bytes: Uint8Array): MoovLocation {
  let at = 0;
  for (;;) {
    const box = readBox(bytes, at, Number.POSITIVE_INFINITY);
    if (!box) return { status: 'malformed' };
    if ('truncated' in box) return { status: 'not-in-bytes', needBytes: box.truncated };
    if (box.type === 'moov') return { status: 'found', moov: box };
    if (box.end === Number.POSITIVE_INFINITY) return { status: 'absent' };
    at = box.end;
  }
}

/** The byte count a caller must hold for `withMp4CreationTime`: the end of `moov`, when it is known. */
export function moovEnd(bytes: Uint8Array): number | undefined {
  const found = locateMoov(bytes);
  return found.status === 'found' && Number.isFinite(found.moov.end) ? found.moov.end : undefined;
}

/** A full box whose content starts with version, flags, creation_time, modification_time. */
interface TimeFields {
  version: number;
  creationAt: number;
  modificationAt: number;
  creation: number;
  modification: number;
}

function timeFields(bytes: Uint8Array, box: Box): TimeFields | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[box.content];
  if (version === 0) {
    if (box.content + 12 > box.end) return undefined;
    return {
      version,
      creationAt: box.content + 4,
      modificationAt: box.content + 8,
      creation: view.getUint32(box.content + 4),
      modification: view.getUint32(box.content + 8),
    };
  }
  if (version === 1) {
    if (box.content + 20 > box.end) return undefined;
    return {
      version,
      creationAt: box.content + 4,
      modificationAt: box.content + 12,
      creation: Number(view.getBigUint64(box.content + 4)),
      modification: Number(view.getBigUint64(box.content + 12)),
    };
  }
  return undefined;
}

export type MvhdTime =
  | { status: 'found'; version: number; creation: number }
  | { status: 'truncated'; needBytes: number }
  | { status: 'absent' | 'malformed' };

/** mvhd creation_time (seconds since 1904) from bytes holding at least the start of moov. */
export function readMvhdCreation(bytes: Uint8Array, moov: Box): MvhdTime {
  let at = moov.content;
  while (at < moov.end) {
    const box = readBox(bytes, at, moov.end);
    if (!box) return { status: 'malformed' };
    if ('truncated' in box) return { status: 'truncated', needBytes: box.truncated };
    if (box.type === 'mvhd') {
      if (box.end > bytes.length) return { status: 'truncated', needBytes: box.end };
      const fields = timeFields(bytes, box);
      return fields
        ? { status: 'found', version: fields.version, creation: fields.creation }
        : { status: 'malformed' };
    }
    at = box.end;
  }
  return { status: 'absent' };
}

function write(view: DataView, fields: TimeFields, at: number, seconds: number): void {
  if (fields.version === 0) view.setUint32(at, seconds);
  else view.setBigUint64(at, BigInt(seconds));
}

/** Sets zero times in one box; false when the value does not fit a version-0 (32-bit) field. */
function patchTimes(view: DataView, bytes: Uint8Array, box: Box, seconds: number): boolean {
  const fields = timeFields(bytes, box);
  if (!fields) return false;
  if (fields.version === 0 && seconds > 0xffffffff) return false;
  if (fields.creation === 0) write(view, fields, fields.creationAt, seconds);
  if (fields.modification === 0) write(view, fields, fields.modificationAt, seconds);
  return true;
}

/**
 * A copy of `head` with zero creation/modification times in mvhd, and in every track's tkhd and
 * mdhd, set to `dateTaken` — or undefined when `moov` is not wholly within `head`, mvhd already
 * has a creation time, or the date cannot be stored. Same length as `head`: the caller puts it
 * back in place of those bytes; the rest of the file is unchanged.
 */
export function withMp4CreationTime(head: Uint8Array, dateTaken: number): Uint8Array | undefined {
  if (!Number.isFinite(dateTaken)) return undefined;
  const seconds = Math.floor(dateTaken / 1000) + MP4_EPOCH_OFFSET_SECONDS;
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) return undefined;
  const found = locateMoov(head);
  if (found.status !== 'found' || found.moov.end > head.length) return undefined;
  const { moov } = found;
  const mvhd = child(head, moov, 'mvhd');
  const mvhdTimes = mvhd && timeFields(head, mvhd);
  if (!mvhd || !mvhdTimes || mvhdTimes.creation !== 0) return undefined;
  const out = head.slice();
  const view = new DataView(out.buffer);
  if (!patchTimes(view, out, mvhd, seconds)) return undefined;
  for (const trak of children(out, moov.content, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(out, trak, 'tkhd');
    if (tkhd) patchTimes(view, out, tkhd, seconds);
    const mdia = child(out, trak, 'mdia');
    const mdhd = mdia && child(out, mdia, 'mdhd');
    if (mdhd) patchTimes(view, out, mdhd, seconds);
  }
  return out;
}
