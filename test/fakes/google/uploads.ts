/**
 * `POST /v1/uploads`: the raw protocol and the resumable "X-Goog-Upload" protocol, exactly per
 * google-photos-api.md §B2–§B5 and the rule table of §I3. A body counts only when it arrived whole.
 */
import { createHash } from 'node:crypto';
import { randomId } from '../random.ts';
import { header, type Reply, readBody } from './http.ts';
import { inspectMedia } from './media/inspect.ts';
import type { PhotosContext } from './photos-context.ts';
import type { ReceivedFile, UploadSessionRecord, UploadSessionStatus } from './state.ts';

function receiveFile(ctx: PhotosContext, bytes: Buffer): ReceivedFile {
  return {
    byteLength: bytes.length,
    sha1: createHash('sha1').update(bytes).digest('hex'),
    bytes: bytes.length <= ctx.deps.config.retainBytesUpTo ? bytes : undefined,
    media: bytes.length > 0 ? inspectMedia(bytes) : undefined,
  };
}

/** The base64 SHA-1 of an `X-Goog-Hash` header such as `sha1=…` or `crc32c=…, sha1=…` (§B5). */
function declaredSha1(ctx: PhotosContext): string | undefined {
  const value = header(ctx.req, 'x-goog-hash');
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const [algorithm, ...digest] = part.trim().split('=');
    if (algorithm?.toLowerCase() === 'sha1') return digest.join('=');
  }
  return undefined;
}

function sha1Matches(file: ReceivedFile, expectedBase64: string | undefined): boolean {
  return expectedBase64 === undefined || Buffer.from(file.sha1, 'hex').toString('base64') === expectedBase64;
}

/** `upload, finalize` / `upload,finalize` / `UPLOAD` … as a set of lower-case words (§I3). */
function commandWords(ctx: PhotosContext): Set<string> {
  const command = header(ctx.req, 'x-goog-upload-command') ?? '';
  return new Set(
    command
      .split(',')
      .map((word) => word.trim().toLowerCase())
      .filter(Boolean),
  );
}

function sameWords(words: Set<string>, expected: readonly string[]): boolean {
  return words.size === expected.length && expected.every((word) => words.has(word));
}

function issueUploadToken(
  ctx: PhotosContext,
  file: ReceivedFile,
  protocol: 'raw' | 'resumable',
  names: { fileNameHeader: string | undefined; contentTypeHeader: string | undefined },
): string {
  const { state, clock, random } = ctx.deps;
  const token = `CAIS${randomId(random, 96)}`;
  state.uploadTokens.set(token, {
    token,
    clientId: ctx.caller.clientId,
    createdAt: clock.now(),
    protocol,
    file,
    ...names,
    consumedByItemId: undefined,
  });
  return token;
}

/** §I1: one request, the whole file; answers the token as text (an empty token for an empty body). */
export async function rawUpload(ctx: PhotosContext): Promise<Reply> {
  const protocol = header(ctx.req, 'x-goog-upload-protocol')?.toLowerCase();
  const body = await readBody(ctx.req, ctx.deps.faults.takeCut());
  ctx.log.bodyBytes = body.bytes.length;
  ctx.log.bodyComplete = body.complete;
  if (!body.complete) return ctx.error('invalid-argument', 'upload body cut short');
  if (protocol !== undefined && protocol !== 'raw') {
    return ctx.error('invalid-argument', `unsupported upload protocol ${protocol}`);
  }
  const file = receiveFile(ctx, body.bytes);
  if (!sha1Matches(file, declaredSha1(ctx))) return ctx.error('checksum-mismatch');
  if (file.byteLength === 0) return tokenReply(ctx, '');
  const token = issueUploadToken(ctx, file, 'raw', {
    // Without the protocol header Google ignored the file-name header (§B2, §E9).
    fileNameHeader: protocol === 'raw' ? header(ctx.req, 'x-goog-upload-file-name') : undefined,
    contentTypeHeader: header(ctx.req, 'x-goog-upload-content-type'),
  });
  return tokenReply(ctx, token);
}

/** The token as the body of a 200 (§I1); an empty body for an empty file. */
function tokenReply(ctx: PhotosContext, token: string, headers: Record<string, string> = {}): Reply {
  const { uploadTokenContentType, uploadTokenPadding } = ctx.deps.config;
  return {
    status: 200,
    headers: { 'content-type': uploadTokenContentType, ...headers },
    body: `${token}${uploadTokenPadding}`,
  };
}

function sessionHeaders(ctx: PhotosContext, session: UploadSessionRecord): Record<string, string> {
  return {
    'x-goog-upload-status': session.status,
    'x-goog-upload-chunk-granularity': String(ctx.deps.config.chunkGranularity),
  };
}

function withSessionStatus(reply: Reply, status: UploadSessionStatus): Reply {
  return { ...reply, headers: { ...reply.headers, 'x-goog-upload-status': status } };
}

/** §I2: opens a session and answers its URL. */
export async function startSession(ctx: PhotosContext): Promise<Reply> {
  const body = await readBody(ctx.req);
  ctx.log.bodyBytes = body.bytes.length;
  ctx.log.bodyComplete = body.complete;
  if (!sameWords(commandWords(ctx), ['start'])) {
    return ctx.error(
      'invalid-argument',
      'resumable request without a session needs X-Goog-Upload-Command: start',
    );
  }
  const rawSizeHeader = header(ctx.req, 'x-goog-upload-raw-size');
  const rawSize = Number(rawSizeHeader);
  if (rawSizeHeader === undefined || !/^\d+$/.test(rawSizeHeader.trim()) || !Number.isSafeInteger(rawSize)) {
    return ctx.error('invalid-argument', 'X-Goog-Upload-Raw-Size missing or invalid');
  }
  const { state, clock, random } = ctx.deps;
  const id = `AEnB2Uo${randomId(random, 64)}`;
  const session: UploadSessionRecord = {
    id,
    url: `${ctx.url.origin}/v1/uploads?upload_id=${id}&upload_protocol=resumable`,
    clientId: ctx.caller.clientId,
    createdAt: clock.now(),
    rawSize,
    fileNameHeader: header(ctx.req, 'x-goog-upload-file-name'),
    contentTypeHeader: header(ctx.req, 'x-goog-upload-content-type'),
    status: 'active',
    chunks: [],
    receivedBytes: 0,
    expectedSha1: declaredSha1(ctx),
    uploadToken: undefined,
  };
  state.uploadSessions.set(id, session);
  return {
    status: 200,
    headers: { ...sessionHeaders(ctx, session), 'x-goog-upload-url': session.url },
    body: '',
  };
}

/** The session named by `upload_id`, unless unknown or older than `uploadSessionMaxAgeMs` (§B4). */
export function findSession(ctx: PhotosContext): UploadSessionRecord | undefined {
  const { state, clock, config } = ctx.deps;
  const session = state.uploadSessions.get(ctx.url.searchParams.get('upload_id') ?? '');
  if (!session || clock.now() - session.createdAt > config.uploadSessionMaxAgeMs) return undefined;
  return session;
}

function sessionNotFound(ctx: PhotosContext): Reply {
  return ctx.error('not-found', 'unknown or expired upload session');
}

function notActive(ctx: PhotosContext, session: UploadSessionRecord): Reply {
  return withSessionStatus(ctx.error('upload-session-final', `session is ${session.status}`), session.status);
}

/** §I3 query: how many bytes the session holds; a final session reports only `final`. */
export async function querySession(ctx: PhotosContext): Promise<Reply> {
  await readBody(ctx.req);
  const session = findSession(ctx);
  if (!session) return sessionNotFound(ctx);
  if (session.status === 'cancelled') return notActive(ctx, session);
  if (session.status === 'final') {
    return { status: 200, headers: { 'x-goog-upload-status': 'final' }, body: '' };
  }
  return {
    status: 200,
    headers: {
      ...sessionHeaders(ctx, session),
      'x-goog-upload-size-received': String(session.receivedBytes),
    },
    body: '',
  };
}

export async function cancelSession(ctx: PhotosContext): Promise<Reply> {
  await readBody(ctx.req);
  const session = findSession(ctx);
  if (!session) return sessionNotFound(ctx);
  if (session.status !== 'active') return notActive(ctx, session);
  session.status = 'cancelled';
  session.chunks = [];
  return { status: 200, headers: { 'x-goog-upload-status': 'cancelled' }, body: '' };
}

/**
 * A cut chunk leaves nothing behind, or with 'keep-aligned' its whole granules (§I3 test hook: only
 * whole received bytes count).
 */
function keepPartialChunk(ctx: PhotosContext, session: UploadSessionRecord, partial: Buffer): void {
  const { partialChunkPolicy, chunkGranularity } = ctx.deps.config;
  if (partialChunkPolicy === 'discard') return;
  const room = session.rawSize - session.receivedBytes;
  const kept = Math.min(Math.floor(partial.length / chunkGranularity) * chunkGranularity, room);
  if (kept <= 0) return;
  session.chunks.push(partial.subarray(0, kept));
  session.receivedBytes += kept;
}

function finalize(ctx: PhotosContext, session: UploadSessionRecord): Reply {
  const file = receiveFile(ctx, Buffer.concat(session.chunks, session.receivedBytes));
  session.chunks = [];
  session.status = 'final';
  // A checksum mismatch rejects the session; the client has to start over (§B5, §I3).
  if (!sha1Matches(file, session.expectedSha1)) {
    return withSessionStatus(ctx.error('checksum-mismatch'), 'final');
  }
  const token =
    file.byteLength === 0
      ? ''
      : issueUploadToken(ctx, file, 'resumable', {
          fileNameHeader: session.fileNameHeader,
          contentTypeHeader: session.contentTypeHeader,
        });
  session.uploadToken = token;
  return tokenReply(ctx, token, { 'x-goog-upload-status': 'final' });
}

/** §I3 `upload`, `upload, finalize` and the body-less `finalize`. */
export async function sessionChunk(ctx: PhotosContext): Promise<Reply> {
  const body = await readBody(ctx.req, ctx.deps.faults.takeCut());
  ctx.log.bodyBytes = body.bytes.length;
  ctx.log.bodyComplete = body.complete;
  const session = findSession(ctx);
  if (!session) return sessionNotFound(ctx);
  if (session.status !== 'active') return notActive(ctx, session);

  // Every refusal below leaves the session active, so the client can `query` and realign (§I3).
  const refuse = (note: string) => withSessionStatus(ctx.error('invalid-argument', note), 'active');
  const words = commandWords(ctx);
  const finalizing = words.has('finalize');
  const known = [['upload'], ['upload', 'finalize'], ['finalize']].some((command) =>
    sameWords(words, command),
  );
  if (!known) return refuse(`unknown command ${[...words].join(',')}`);
  const offsetHeader = header(ctx.req, 'x-goog-upload-offset');
  const offset =
    offsetHeader === undefined && sameWords(words, ['finalize'])
      ? session.receivedBytes
      : Number(offsetHeader);
  if (!Number.isSafeInteger(offset) || offset < 0) return refuse('X-Goog-Upload-Offset missing or invalid');
  if (offset !== session.receivedBytes) {
    return refuse(`offset ${offset} but ${session.receivedBytes} bytes received`);
  }
  if (!body.complete) {
    keepPartialChunk(ctx, session, body.bytes);
    return refuse('chunk cut short');
  }
  const chunk = body.bytes;
  const { chunkGranularity } = ctx.deps.config;
  if (!finalizing && chunk.length % chunkGranularity !== 0) {
    return refuse(`chunk of ${chunk.length} bytes is not a multiple of ${chunkGranularity}`);
  }
  const total = session.receivedBytes + chunk.length;
  if (total > session.rawSize || (finalizing && total !== session.rawSize)) {
    return refuse(`${total} bytes do not fit the declared ${session.rawSize}`);
  }
  const checksum = declaredSha1(ctx);
  if (checksum !== undefined) session.expectedSha1 = checksum;
  session.chunks.push(chunk);
  session.receivedBytes = total;
  if (finalizing) return finalize(ctx, session);
  return { status: 200, headers: { 'x-goog-upload-status': 'active' }, body: '' };
}
