import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, movieFile } from './index.ts';
import { postJson, serveFakeGoogle } from './test-servers.ts';

const GRANULE = 262_144;
const FINAL_SESSION_MESSAGE = 'The upload url is either finalized or rejected by the server.';

const { google, clock, servers } = serveFakeGoogle();
let token: string;

beforeEach(() => {
  google.configure({
    chunkGranularity: DEFAULT_CONFIG.chunkGranularity,
    partialChunkPolicy: 'discard',
    resumableSessionAuth: 'bearer',
  });
  token = google.issueAccessToken();
});

/** A movie padded to `size` bytes, so it is a real, accepted video of a chosen length. */
function movieOfSize(size: number, salt: string): Buffer {
  const movie = movieFile({ salt, createdAt: new Date('2021-03-04T05:06:07Z') });
  return Buffer.concat([movie, Buffer.alloc(size - movie.length, 0x5a)]);
}

function auth(): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function start(rawSize: number, extra: Record<string, string> = {}) {
  return servers.photos.request({
    method: 'POST',
    path: '/v1/uploads',
    headers: {
      ...auth(),
      'content-length': '0',
      'x-goog-upload-command': 'start',
      'x-goog-upload-content-type': 'video/mp4',
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-raw-size': String(rawSize),
      'x-goog-upload-file-name': 'clip.mp4',
      ...extra,
    },
  });
}

async function startSession(rawSize: number, extra?: Record<string, string>): Promise<string> {
  const response = await start(rawSize, extra);
  expect(response.status).toBe(200);
  const url = new URL(response.headers['x-goog-upload-url']!);
  return `${url.pathname}${url.search}`;
}

function send(
  session: string,
  command: string,
  offset: number | undefined,
  body: Buffer,
  extra: Record<string, string> = {},
) {
  return servers.photos.request({
    method: 'POST',
    path: session,
    headers: {
      ...auth(),
      'x-goog-upload-command': command,
      ...(offset === undefined ? {} : { 'x-goog-upload-offset': String(offset) }),
      ...extra,
    },
    body,
  });
}

function query(session: string, headers: Record<string, string> = auth()) {
  return servers.photos.request({
    method: 'POST',
    path: session,
    headers: { ...headers, 'x-goog-upload-command': 'query', 'content-length': '0' },
  });
}

async function receivedBytes(session: string): Promise<number> {
  const answer = await query(session);
  expect(answer.headers['x-goog-upload-status']).toBe('active');
  return Number(answer.headers['x-goog-upload-size-received']);
}

describe('resumable start (§I2)', () => {
  it('opens an active session with its URL and granularity', async () => {
    const response = await start(3 * GRANULE);
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers['x-goog-upload-status']).toBe('active');
    expect(response.headers['x-goog-upload-chunk-granularity']).toBe('262144');
    expect(response.headers['x-goog-upload-url']).toMatch(
      /^https:\/\/photoslibrary\.googleapis\.com\/v1\/uploads\?upload_id=AEnB2Uo[\w-]+&upload_protocol=resumable$/,
    );
  });

  it('refuses a start without X-Goog-Upload-Raw-Size', async () => {
    const response = await servers.photos.request({
      method: 'POST',
      path: '/v1/uploads',
      headers: { ...auth(), 'x-goog-upload-command': 'start', 'x-goog-upload-protocol': 'resumable' },
    });
    expect(response.status).toBe(400);
    expect(response.json().error.status).toBe('INVALID_ARGUMENT');
  });

  it('answers the granularity it is configured with', async () => {
    google.configure({ chunkGranularity: 1024 });
    expect((await start(4096)).headers['x-goog-upload-chunk-granularity']).toBe('1024');
  });
});

describe('chunks, query and finalize (§I3)', () => {
  it('takes chunks, reports the received size and answers the token at finalize', async () => {
    const file = movieOfSize(2 * GRANULE + 1000, 'chunks');
    const session = await startSession(file.length);
    const first = await send(session, 'upload', 0, file.subarray(0, GRANULE));
    expect(first.status).toBe(200);
    expect(first.headers['x-goog-upload-status']).toBe('active');
    expect(first.text).toBe('');
    expect(await receivedBytes(session)).toBe(GRANULE);
    const second = await send(session, 'UPLOAD', GRANULE, file.subarray(GRANULE, 2 * GRANULE));
    expect(second.status).toBe(200);
    const last = await send(session, 'upload,finalize', 2 * GRANULE, file.subarray(2 * GRANULE));
    expect(last.status).toBe(200);
    expect(last.headers['x-goog-upload-status']).toBe('final');
    expect(last.text).toMatch(/^CAIS[\w-]+$/);
    const record = google.state.uploadTokens.get(last.text)!;
    expect(record.protocol).toBe('resumable');
    expect(record.fileNameHeader).toBe('clip.mp4');
    expect(record.file.bytes?.equals(file)).toBe(true);
  });

  it('accepts "upload, finalize" in any case, with or without the protocol header', async () => {
    for (const [command, extra] of [
      ['upload, finalize', { 'x-goog-upload-protocol': 'resumable' }],
      ['Upload, Finalize', {}],
    ] as const) {
      const file = movieOfSize(5000, `variant-${command}`);
      const session = await startSession(file.length);
      const answer = await send(session, command, 0, file, extra);
      expect(answer.status).toBe(200);
      expect(answer.headers['x-goog-upload-status']).toBe('final');
    }
  });

  it('accepts a body-less finalize once all bytes are there', async () => {
    const file = movieOfSize(GRANULE, 'finalize-only');
    const session = await startSession(file.length);
    expect((await send(session, 'upload', 0, file)).status).toBe(200);
    const answer = await send(session, 'finalize', GRANULE, Buffer.alloc(0));
    expect(answer.headers['x-goog-upload-status']).toBe('final');
    expect(google.state.uploadTokens.get(answer.text)?.file.byteLength).toBe(GRANULE);
  });

  it('refuses an intermediate chunk that is not a multiple of the granularity', async () => {
    const file = movieOfSize(2 * GRANULE, 'unaligned');
    const session = await startSession(file.length);
    const answer = await send(session, 'upload', 0, file.subarray(0, GRANULE + 1));
    expect(answer.status).toBe(400);
    expect(await receivedBytes(session)).toBe(0);
  });

  it('refuses a wrong offset but keeps the session, so a query realigns the client', async () => {
    const file = movieOfSize(2 * GRANULE, 'offset');
    const session = await startSession(file.length);
    await send(session, 'upload', 0, file.subarray(0, GRANULE));
    const wrong = await send(session, 'upload', 0, file.subarray(0, GRANULE));
    expect(wrong.status).toBe(400);
    expect(wrong.headers['x-goog-upload-status']).toBe('active');
    const offset = await receivedBytes(session);
    expect(offset).toBe(GRANULE);
    const resumed = await send(session, 'upload, finalize', offset, file.subarray(offset));
    expect(resumed.headers['x-goog-upload-status']).toBe('final');
    expect(google.state.uploadTokens.get(resumed.text)?.file.bytes?.equals(file)).toBe(true);
  });

  it('refuses bytes beyond the declared raw size, and a finalize short of it', async () => {
    const file = movieOfSize(GRANULE, 'size');
    const session = await startSession(file.length);
    expect((await send(session, 'upload, finalize', 0, Buffer.concat([file, Buffer.alloc(10)]))).status).toBe(
      400,
    );
    expect((await send(session, 'upload, finalize', 0, file.subarray(0, 100))).status).toBe(400);
    expect(await receivedBytes(session)).toBe(0);
  });

  it('checks an X-Goog-Hash sent on a chunk against the whole file at finalize', async () => {
    const file = movieOfSize(GRANULE + 10, 'hash');
    const wrongSha1 = createHash('sha1').update('not the file').digest('base64');
    const session = await startSession(file.length);
    await send(session, 'upload', 0, file.subarray(0, GRANULE), { 'x-goog-hash': `sha1=${wrongSha1}` });
    const last = await send(session, 'upload, finalize', GRANULE, file.subarray(GRANULE));
    expect(last.status).toBe(400);
    expect(last.json().error.message).toBe('User-provided checksum does not match received payload content.');

    const rightSha1 = createHash('sha1').update(file).digest('base64');
    const good = await startSession(file.length, { 'x-goog-hash': `sha1=${rightSha1}` });
    expect((await send(good, 'upload, finalize', 0, file)).status).toBe(200);
  });
});

describe('cut chunks', () => {
  it('keeps nothing of a cut chunk; query shows only whole chunks and the upload can resume', async () => {
    const file = movieOfSize(3 * GRANULE, 'cut');
    const session = await startSession(file.length);
    await send(session, 'upload', 0, file.subarray(0, GRANULE));
    google.cutNextUploadAfter(GRANULE + 100_000);
    await expect(send(session, 'upload', GRANULE, file.subarray(GRANULE, 3 * GRANULE))).rejects.toThrow();
    const offset = await receivedBytes(session);
    expect(offset).toBe(GRANULE);
    const resumed = await send(session, 'upload, finalize', offset, file.subarray(offset));
    expect(resumed.headers['x-goog-upload-status']).toBe('final');
    const record = google.state.uploadTokens.get(resumed.text)!;
    expect(record.file.sha1).toBe(createHash('sha1').update(file).digest('hex'));
  });

  it("with 'keep-aligned', keeps the cut chunk's whole granules", async () => {
    google.configure({ partialChunkPolicy: 'keep-aligned' });
    const file = movieOfSize(4 * GRANULE, 'aligned');
    const session = await startSession(file.length);
    google.cutNextUploadAfter(GRANULE + GRANULE / 2, 'stream');
    await expect(send(session, 'upload', 0, file.subarray(0, 4 * GRANULE - GRANULE))).rejects.toThrow();
    const offset = await receivedBytes(session);
    expect(offset).toBe(GRANULE);
    const stale = await send(session, 'upload', 0, file.subarray(0, GRANULE));
    expect(stale.status).toBe(400);
    const resumed = await send(session, 'upload, finalize', offset, file.subarray(offset));
    expect(google.state.uploadTokens.get(resumed.text)?.file.bytes?.equals(file)).toBe(true);
  });
});

describe('finished, cancelled and old sessions', () => {
  it('answers query on a final session with only the final status, and refuses more uploads', async () => {
    const file = movieOfSize(1000, 'final');
    const session = await startSession(file.length);
    await send(session, 'upload, finalize', 0, file);
    const answer = await query(session);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-goog-upload-status']).toBe('final');
    expect(answer.headers['x-goog-upload-size-received']).toBeUndefined();
    const again = await send(session, 'upload, finalize', 0, file);
    expect(again.status).toBe(400);
    expect(again.headers['x-goog-upload-status']).toBe('final');
    expect(again.json().error.message).toBe(FINAL_SESSION_MESSAGE);
  });

  it('cancels a session; later requests get a 4xx', async () => {
    const session = await startSession(GRANULE);
    const cancelled = await servers.photos.request({
      method: 'POST',
      path: session,
      headers: { ...auth(), 'x-goog-upload-command': 'cancel' },
    });
    expect(cancelled.headers['x-goog-upload-status']).toBe('cancelled');
    expect((await query(session)).status).toBeGreaterThanOrEqual(400);
    expect((await send(session, 'upload', 0, Buffer.alloc(GRANULE))).status).toBeGreaterThanOrEqual(400);
  });

  it('forgets a session older than its maximum age (default 7 days)', async () => {
    token = google.issueAccessToken({ lifetimeSeconds: 30 * 24 * 3600 });
    const session = await startSession(GRANULE);
    clock.advance(6 * 24 * 3600_000);
    expect((await query(session)).status).toBe(200);
    clock.advance(2 * 24 * 3600_000);
    expect((await query(session)).status).toBe(404);
  });

  it('issues tokens that batchCreate accepts for 24 hours only', async () => {
    const file = movieOfSize(1000, 'token-age');
    const session = await startSession(file.length);
    const uploadToken = (await send(session, 'upload, finalize', 0, file)).text;
    clock.advance(24 * 3600_000);
    token = google.issueAccessToken();
    const created = await postJson(servers, token, '/v1/mediaItems:batchCreate', {
      newMediaItems: [{ simpleMediaItem: { uploadToken, fileName: 'late.mp4' } }],
    });
    expect(created.status).toBe(400);
    expect(created.json().error.message).toBe('Request must contain a valid upload token.');
  });
});

describe('session authentication', () => {
  it('needs the bearer token on session requests by default (flat 401)', async () => {
    const session = await startSession(GRANULE);
    const anonymous = await query(session, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toEqual({ code: 16, message: 'Authentication session is not defined.' });
  });

  it("treats the session URL as the credential in 'capability' mode", async () => {
    google.configure({ resumableSessionAuth: 'capability' });
    const session = await startSession(GRANULE);
    const anonymous = await query(session, {});
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['x-goog-upload-size-received']).toBe('0');
  });
});

describe('quota accounting (§I8)', () => {
  it('charges every start, chunk and query against the daily quota', async () => {
    const before = google.dailyRequestsUsed();
    const file = movieOfSize(GRANULE + 5, 'quota');
    const session = await startSession(file.length);
    await send(session, 'upload', 0, file.subarray(0, GRANULE));
    await query(session);
    await send(session, 'upload, finalize', GRANULE, file.subarray(GRANULE));
    expect(google.dailyRequestsUsed() - before).toBe(4);
  });

  it('charges only the start when session requests are configured not to count', async () => {
    google.configure({ quotaChargesSessionRequests: false });
    try {
      const before = google.dailyRequestsUsed();
      const file = movieOfSize(1000, 'quota-free');
      const session = await startSession(file.length);
      await query(session);
      await send(session, 'upload, finalize', 0, file);
      expect(google.dailyRequestsUsed() - before).toBe(1);
    } finally {
      google.configure({ quotaChargesSessionRequests: true });
    }
  });
});
