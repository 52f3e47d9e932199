/**
 * Bytes to upload tokens (google-photos-api.md §B). Small files go in one raw request; large ones
 * through a resumable session whose state the ENGINE keeps: it persists the session from
 * `startSession` and the acknowledged offset after every `uploadChunk`, and after any stop calls
 * `resumeSession` to learn whether to go on (and from which byte) or to start again. Bodies are
 * Blobs or byte arrays of one chunk at a time: Chromium cannot stream request bodies over HTTP/1.1,
 * and a whole video must never be one buffer.
 *
 * Integrity: the source SHA-1 travels as `X-Goog-Hash: sha1=<base64>` (§B5) on a raw upload and on
 * the request that finalizes a resumable session, where it covers the whole file as in Google's
 * other uses of this protocol; intermediate chunks carry none (a per-chunk hash would need hashing
 * every chunk separately and Google documents no such check).
 */
import type { Clock } from '../shared/clock.ts';
import { type ErrorKind, MigrationError } from '../shared/errors.ts';
import type { SourceItem } from '../shared/model.ts';
import { malformedSuccess } from './errors.ts';
import { bodyText, PHOTOS_API, type PhotosHttp } from './http.ts';
import { fileNameHeader } from './names.ts';
import { SCOPE_APPEND_ONLY } from './oauth.ts';

export const UPLOADS_URL = `${PHOTOS_API}/uploads`;

/** §E1: the current limits. Decimal units, the smaller reading of "MB" and "GB". */
export const MAX_PHOTO_BYTES = 200 * 1000 * 1000;
export const MAX_VIDEO_BYTES = 20 * 1000 * 1000 * 1000;

/** §B3: seen on Google's sibling upload endpoints; assumed when a start answer names none. */
const DEFAULT_GRANULARITY = 256 * 1024;

export interface UploadMeta {
  fileName: string;
  mimeType: string;
  size: number;
  /** 40 hex digits: SHA-1 of the whole file, sent for Google to check (§B5). */
  sha1?: string;
}

/** What the engine persists to resume a session; plain JSON. */
export interface ResumableSession {
  sessionUrl: string;
  granularity: number;
  /** Epoch ms, by the injected clock. */
  createdAt: number;
}

export type ChunkResult = { kind: 'active'; received: number } | { kind: 'final'; uploadToken: string };

export type SessionStatus =
  | { kind: 'active'; received: number }
  /** Finished: its token cannot be read back (§B3 step 4), so the upload starts again. */
  | { kind: 'final' }
  /** Expired, cancelled or unknown to Google. */
  | { kind: 'gone'; reason: string };

export type ResumeDecision = { action: 'continue'; offset: number } | { action: 'restart'; reason: string };

export interface ChunkPlan {
  offset: number;
  length: number;
  isLast: boolean;
}

export interface UploadOptions {
  /** Files up to this size go raw in one request (§B2: Google suggests resumable above 50 MB). */
  rawUploadLimit: number;
  /** Wanted chunk size; rounded down to the session's granularity (§B3). */
  chunkTargetBytes: number;
  /** Sessions older than this are restarted: the upload token they yield lives one day (§B4). */
  sessionMaxAgeMs: number;
}

/** Why an item is never sent (§E1, §E11), or undefined when it may go. */
export function preflight(item: Pick<SourceItem, 'type' | 'size' | 'fileName'>): MigrationError | undefined {
  if (item.size === 0) return new MigrationError('empty-file', `${item.fileName} is empty`, { bytes: 0 });
  if (item.type === 'image' && item.size > MAX_PHOTO_BYTES) {
    return new MigrationError(
      'photo-too-large',
      `${item.fileName} is larger than Google's 200 MB for photos`,
      {
        bytes: item.size,
      },
    );
  }
  if (item.type === 'video' && item.size > MAX_VIDEO_BYTES) {
    return new MigrationError(
      'video-too-large',
      `${item.fileName} is larger than Google's 20 GB for videos`,
      {
        bytes: item.size,
      },
    );
  }
  return undefined;
}

/** The largest multiple of `granularity` not above `targetBytes`, and at least one granule. */
export function chunkSizeFor(granularity: number, targetBytes: number): number {
  return Math.max(granularity, Math.floor(targetBytes / granularity) * granularity);
}

/**
 * The next chunk from `offset`. Every chunk but the last is a whole number of granules (§B3, §I3).
 * After a resume at an unaligned count only that rule can still hold, so offsets follow from it.
 */
export function planChunk(
  session: ResumableSession,
  offset: number,
  totalSize: number,
  targetBytes: number,
): ChunkPlan {
  const length = Math.min(chunkSizeFor(session.granularity, targetBytes), totalSize - offset);
  return { offset, length, isLast: offset + length === totalSize };
}

function hashHeader(sha1: string | undefined): Record<string, string> {
  if (sha1 === undefined) return {};
  if (!/^[0-9a-f]{40}$/i.test(sha1)) throw new RangeError(`not a SHA-1: ${sha1}`);
  const bytes = sha1.match(/../g)?.map((pair) => Number.parseInt(pair, 16)) ?? [];
  return { 'X-Goog-Hash': `sha1=${btoa(String.fromCharCode(...bytes))}` };
}

function describingHeaders(meta: UploadMeta): Record<string, string> {
  const name = fileNameHeader(meta.fileName);
  return {
    'X-Goog-Upload-Content-Type': meta.mimeType || 'application/octet-stream',
    ...(name === undefined ? {} : { 'X-Goog-Upload-File-Name': name }),
  };
}

function sizeOf(body: Blob | Uint8Array): number {
  return body instanceof Blob ? body.size : body.byteLength;
}

function asBlob(body: Blob | Uint8Array): Blob {
  return body instanceof Blob ? body : new Blob([body as Uint8Array<ArrayBuffer>]);
}

/** A non-negative integer header, or undefined when absent or malformed. */
function byteCount(response: Response, name: string): number | undefined {
  const value = response.headers.get(name);
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

function uploadStatus(response: Response): string | undefined {
  return response.headers.get('x-goog-upload-status')?.trim().toLowerCase();
}

export class Uploads {
  constructor(
    private readonly http: PhotosHttp,
    private readonly clock: Clock,
    readonly options: UploadOptions,
  ) {}

  /** Whether `size` bytes go through a resumable session rather than one raw request. */
  isResumable(size: number): boolean {
    return size > this.options.rawUploadLimit;
  }

  /** One request: the bytes to an upload token (§B2). */
  async uploadRaw(meta: UploadMeta, body: Blob | Uint8Array, signal?: AbortSignal): Promise<string> {
    const response = await this.http.send({
      operation: 'upload',
      url: UPLOADS_URL,
      method: 'POST',
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-Goog-Upload-Protocol': 'raw',
        ...describingHeaders(meta),
        ...hashHeader(meta.sha1),
      },
      body: asBlob(body),
      scope: SCOPE_APPEND_ONLY,
      // A repeated upload only yields another token; the unused one expires (§B2).
      idempotent: true,
      signal,
    });
    return this.readToken(response, 'upload');
  }

  /** Opens a session (§B3 steps 1–2); the engine stores the result before sending any byte. */
  async startSession(meta: UploadMeta): Promise<ResumableSession> {
    const createdAt = this.clock.now();
    const response = await this.http.send({
      operation: 'start upload session',
      url: UPLOADS_URL,
      method: 'POST',
      headers: {
        'X-Goog-Upload-Command': 'start',
        'X-Goog-Upload-Protocol': 'resumable',
        'X-Goog-Upload-Raw-Size': String(meta.size),
        ...describingHeaders(meta),
      },
      body: '',
      scope: SCOPE_APPEND_ONLY,
      // An abandoned session costs nothing.
      idempotent: true,
    });
    const sessionUrl = response.headers.get('x-goog-upload-url');
    const status = uploadStatus(response);
    const text = await bodyText(response);
    // J-LIB refuses a session that does not start out active (§B3 step 2).
    if (!sessionUrl || (status !== undefined && status !== 'active')) {
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: text,
      };
      throw malformedSuccess('start upload session', 'it opened no active session', answer);
    }
    const granularity = byteCount(response, 'x-goog-upload-chunk-granularity');
    return {
      sessionUrl: new URL(sessionUrl, UPLOADS_URL).toString(),
      granularity: granularity ? granularity : DEFAULT_GRANULARITY,
      createdAt,
    };
  }

  /**
   * Sends the bytes from `offset`; `isLast` finalizes and yields the upload token (§B3 step 3).
   * `sha1`, when known, lets Google check the whole file on the finalizing request (§B5).
   * Not repeated on failure: the engine calls `resumeSession` to learn what Google holds.
   */
  async uploadChunk(
    session: ResumableSession,
    offset: number,
    body: Blob | Uint8Array,
    isLast: boolean,
    sha1?: string,
    signal?: AbortSignal,
  ): Promise<ChunkResult> {
    const length = sizeOf(body);
    if (!isLast && (length === 0 || length % session.granularity !== 0)) {
      throw new RangeError(`chunk of ${length} bytes is not a multiple of ${session.granularity}`);
    }
    const response = await this.http.send({
      operation: 'upload chunk',
      url: session.sessionUrl,
      method: 'POST',
      headers: {
        'X-Goog-Upload-Command': isLast ? 'upload, finalize' : 'upload',
        'X-Goog-Upload-Offset': String(offset),
        'X-Goog-Upload-Protocol': 'resumable',
        ...(isLast ? hashHeader(sha1) : {}),
      },
      body: asBlob(body),
      scope: SCOPE_APPEND_ONLY,
      idempotent: false,
      unrecognisedClientError: 'google-upload-session-lost',
      // A chunk cut short by Pause costs nothing: on resume the session says what Google holds.
      signal,
    });
    const status = uploadStatus(response);
    if (isLast && status !== 'active') {
      // A finalized session cannot hand its token out again: only a new session helps.
      return {
        kind: 'final',
        uploadToken: await this.readToken(response, 'finalize', 'google-upload-session-lost'),
      };
    }
    await bodyText(response);
    if (isLast || status === 'final') {
      throw new MigrationError(
        'google-upload-session-lost',
        `Google Photos upload chunk: session is ${status} after ${isLast ? 'the last' : 'an intermediate'} chunk`,
        { status: response.status },
      );
    }
    return {
      kind: 'active',
      received: byteCount(response, 'x-goog-upload-size-received') ?? offset + length,
    };
  }

  /** Asks Google how far a session got (§B3 step 4). */
  async querySession(session: ResumableSession): Promise<SessionStatus> {
    let response: Response;
    try {
      response = await this.http.send({
        operation: 'query upload session',
        url: session.sessionUrl,
        method: 'POST',
        headers: { 'X-Goog-Upload-Command': 'query', 'X-Goog-Upload-Protocol': 'resumable' },
        body: '',
        scope: SCOPE_APPEND_ONLY,
        idempotent: true,
        unrecognisedClientError: 'google-upload-session-lost',
      });
    } catch (e) {
      if (e instanceof MigrationError && e.kind === 'google-upload-session-lost') {
        return { kind: 'gone', reason: e.details.serverMessage ?? e.message };
      }
      throw e;
    }
    await bodyText(response);
    const status = uploadStatus(response);
    const received = byteCount(response, 'x-goog-upload-size-received');
    if (status === 'final') return { kind: 'final' };
    if (status === 'active' && received !== undefined) return { kind: 'active', received };
    return { kind: 'gone', reason: `session status ${status ?? 'missing'}` };
  }

  /**
   * What to do with a stored session after any interruption: too old to finish within the upload
   * token's day (no request spent), or final, cancelled or unknown at Google → restart; otherwise
   * continue from the byte count Google reports, which may be less than the engine acknowledged.
   */
  async resumeSession(session: ResumableSession): Promise<ResumeDecision> {
    const age = this.clock.now() - session.createdAt;
    if (age > this.options.sessionMaxAgeMs) {
      return { action: 'restart', reason: `session is ${Math.round(age / 3_600_000)} h old` };
    }
    const status = await this.querySession(session);
    if (status.kind === 'active') return { action: 'continue', offset: status.received };
    return {
      action: 'restart',
      reason: status.kind === 'final' ? 'session already finalized' : status.reason,
    };
  }

  /** The next chunk of a session, sized by this client's chunk target. */
  nextChunk(session: ResumableSession, offset: number, totalSize: number): ChunkPlan {
    return planChunk(session, offset, totalSize, this.options.chunkTargetBytes);
  }

  /** The body of a successful upload is the token as text, whatever the Content-Type (§B2, §I1). */
  private async readToken(response: Response, operation: string, kindIfMissing?: ErrorKind): Promise<string> {
    const text = await bodyText(response);
    const token = text.trim();
    if (!token || /[\s<>{}]/.test(token)) {
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: text,
      };
      throw malformedSuccess(operation, 'the body is no upload token', answer, kindIfMissing);
    }
    return token;
  }
}
