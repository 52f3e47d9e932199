/**
 * Moves one item's bytes from Xiaomi to a Google upload token, streaming: a photo below the raw
 * limit is gathered (bounded by that limit) and verified before it is sent; anything larger goes
 * in granularity-aligned chunks whose acknowledged offset and SHA-1 state are written after each
 * one, so a stop at any byte resumes where Google's count says (google-photos-api.md §B3).
 */
import type { Clock } from '../shared/clock.ts';
import { MigrationError } from '../shared/errors.ts';
import { type EngineDb, type ItemRecord, type UploadProgress, updateItem } from './db.ts';
import { createResumableSha1, type ResumableSha1 } from './hash.ts';
import type { DestinationPort, ResumableSession, SourcePort, UploadMeta } from './ports.ts';

/** Google documents upload tokens and sessions for a day; restart a little before (§B4, §C4). */
export const SESSION_MAX_AGE_MS = 23 * 60 * 60 * 1000;

export interface TransferContext {
  db: EngineDb;
  source: SourcePort;
  destination: DestinationPort;
  clock: Clock;
  /** Called with every byte count Google acknowledged, for the rate shown to the person. */
  onBytesSent(bytes: number): void;
  /**
   * Writes a missing capture date into a verified small file (src/fidelity), or leaves it
   * unchanged (undefined). Absent when the person switched the repair off.
   */
  repairCaptureDate?(
    verified: Uint8Array,
    item: ItemRecord,
  ): { bytes: Uint8Array; sha1: string; change: string } | undefined;
}

interface Uploaded {
  uploadToken: string;
  /** Set when the bytes sent differ from Xiaomi's (capture-date repair). */
  uploadedSha1?: string;
  change?: string;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const whole = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.byteLength;
  }
  return whole;
}

function metaOf(item: ItemRecord): UploadMeta {
  return { fileName: item.fileName, mimeType: item.mimeType, size: item.size, sha1: item.sha1 };
}

function checkDigest(item: ItemRecord, hash: ResumableSha1): void {
  const actual = hash.hex();
  if (actual !== item.sha1) {
    throw new MigrationError(
      'sha1-mismatch',
      `SHA-1 ${actual} of the downloaded bytes is not Xiaomi's ${item.sha1}`,
    );
  }
}

/**
 * Reads exactly `length` bytes (or to the end) from a reader that may return larger pieces,
 * keeping the excess for the next call, so chunk edges and saved hash states line up exactly.
 */
class ExactReader {
  private leftover: Uint8Array | undefined;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async read(length: number): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    let missing = length;
    while (missing > 0) {
      let piece = this.leftover;
      this.leftover = undefined;
      if (!piece) {
        const { done, value } = await this.reader.read();
        if (done) break;
        piece = value;
      }
      if (piece.byteLength > missing) {
        this.leftover = piece.subarray(missing);
        piece = piece.subarray(0, missing);
      }
      parts.push(piece);
      missing -= piece.byteLength;
    }
    return parts;
  }
}

function byteLength(parts: Uint8Array[]): number {
  return parts.reduce((sum, p) => sum + p.byteLength, 0);
}

function truncated(item: ItemRecord, at: number): MigrationError {
  return new MigrationError(
    'network-error',
    `download of ${item.fileName} ended at byte ${at} of ${item.size}`,
  );
}

async function transferRaw(ctx: TransferContext, item: ItemRecord, signal: AbortSignal): Promise<Uploaded> {
  const download = await ctx.source.openDownload(item, { offset: 0, signal });
  const reader = new ExactReader(download.stream.getReader());
  const hash = await createResumableSha1();
  const parts = await reader.read(item.size);
  if (byteLength(parts) !== item.size) throw truncated(item, byteLength(parts));
  for (const part of parts) hash.update(part);
  await download.cancel();
  checkDigest(item, hash);
  const repaired = ctx.repairCaptureDate?.(concat(parts, item.size), item);
  if (repaired) {
    const meta = { ...metaOf(item), size: repaired.bytes.byteLength, sha1: repaired.sha1 };
    const uploadToken = await ctx.destination.uploadRaw(meta, new Blob([repaired.bytes as BlobPart]), signal);
    ctx.onBytesSent(repaired.bytes.byteLength);
    return { uploadToken, uploadedSha1: repaired.sha1, change: repaired.change };
  }
  const uploadToken = await ctx.destination.uploadRaw(metaOf(item), new Blob(parts as BlobPart[]), signal);
  ctx.onBytesSent(item.size);
  return { uploadToken };
}

interface ResumePoint {
  upload: UploadProgress;
  /** What Google holds; more than `upload.offset` when a chunk landed but the stop came before its record. */
  received: number;
}

/** Where to go on from: a live session and Google's own count of what it holds. */
async function resumePoint(ctx: TransferContext, item: ItemRecord): Promise<ResumePoint | undefined> {
  const saved = item.upload;
  if (!saved || ctx.clock.now() - saved.createdAt > SESSION_MAX_AGE_MS) return undefined;
  const session: ResumableSession = saved;
  const status = await ctx.destination.querySession(session);
  // A final session's token cannot be read back (§B3 step 4): start again.
  if (status.kind !== 'active' || status.received < saved.offset) return undefined;
  if (saved.offset > 0 && !saved.hashState) return undefined;
  return { upload: saved, received: status.received };
}

async function startFresh(ctx: TransferContext, item: ItemRecord): Promise<ResumePoint> {
  const session = await ctx.destination.startSession(metaOf(item));
  const upload: UploadProgress = { ...session, offset: 0 };
  await updateItem(ctx.db, item.jobId, item.id, (it) => ({ ...it, state: 'transferring', upload }));
  return { upload, received: 0 };
}

async function transferResumable(
  ctx: TransferContext,
  item: ItemRecord,
  signal: AbortSignal,
): Promise<Uploaded> {
  const { upload, received } = (await resumePoint(ctx, item)) ?? (await startFresh(ctx, item));
  const hash = await createResumableSha1(upload.offset > 0 ? upload.hashState : undefined);
  const download = await ctx.source.openDownload(item, { offset: upload.offset, signal });
  const reader = new ExactReader(download.stream.getReader());
  const chunkSize = ctx.destination.chunkSize;
  let offset = upload.offset;
  try {
    if (received > offset) {
      // Google already has these bytes: hash them so the final digest still covers the file.
      const parts = await reader.read(received - offset);
      if (byteLength(parts) !== received - offset) throw truncated(item, offset + byteLength(parts));
      for (const part of parts) hash.update(part);
      offset = received;
    }
    /** The chunk at `at`, hashed; its hash state (or, for the last one, the digest check) taken at once. */
    const readChunk = async (at: number): Promise<Chunk> => {
      const parts = await reader.read(Math.min(chunkSize, item.size - at));
      const length = byteLength(parts);
      const isLast = at + length === item.size;
      if (length === 0 || (!isLast && length < chunkSize)) throw truncated(item, at + length);
      for (const part of parts) hash.update(part);
      // Never finalize bytes that do not hash to Xiaomi's SHA-1: the session is simply dropped.
      if (isLast) checkDigest(item, hash);
      return {
        body: new Blob(parts as BlobPart[]),
        length,
        isLast,
        hashState: isLast ? undefined : hash.save(),
      };
    };
    let next: Promise<Chunk> | undefined = readChunk(offset);
    for (;;) {
      signal.throwIfAborted();
      const chunk: Chunk = await next!;
      const sending = ctx.destination.uploadChunk(
        upload,
        offset,
        chunk.body,
        chunk.isLast,
        metaOf(item),
        signal,
      );
      // The next chunk is downloaded and hashed while this one goes up, so the uplink does not wait
      // for the download between chunks (one more chunk in memory); its failure counts only after.
      next = chunk.isLast ? undefined : readChunk(offset + chunk.length);
      next?.catch(() => undefined);
      const result = await sending;
      ctx.onBytesSent(chunk.length);
      if (result.kind === 'final') return { uploadToken: result.uploadToken };
      if (result.received !== offset + chunk.length) {
        throw new MigrationError(
          'google-upload-session-lost',
          `Google holds ${result.received} bytes, expected ${offset + chunk.length}`,
        );
      }
      offset = result.received;
      const hashState = chunk.hashState;
      await updateItem(ctx.db, item.jobId, item.id, (it) => ({
        ...it,
        upload: { ...upload, offset, hashState },
      }));
    }
  } finally {
    await download.cancel();
  }
}

interface Chunk {
  body: Blob;
  length: number;
  isLast: boolean;
  /** SHA-1 state after this chunk's bytes, saved once Google acknowledged them. */
  hashState: Uint8Array | undefined;
}

/** Runs one item from `planned`/`transferring` to `uploaded`, writing each step first. */
export async function transferItem(
  ctx: TransferContext,
  item: ItemRecord,
  signal: AbortSignal,
): Promise<ItemRecord> {
  if (item.state === 'planned') {
    item = await updateItem(ctx.db, item.jobId, item.id, (it) => ({ ...it, state: 'transferring' }));
  }
  const uploaded =
    item.size <= ctx.destination.rawUploadLimit
      ? await transferRaw(ctx, item, signal)
      : await transferResumable(ctx, item, signal);
  const tokenAt = ctx.clock.now();
  return updateItem(ctx.db, item.jobId, item.id, (it) => ({
    ...it,
    state: 'uploaded',
    upload: undefined,
    uploadToken: uploaded.uploadToken,
    tokenAt,
    uploadedSha1: uploaded.uploadedSha1,
    captureDateChange: uploaded.change,
  }));
}
