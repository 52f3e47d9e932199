import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../shared/model.ts';
import { googleError, type RecordedRequest, signedInGoogle } from './test-support.ts';
import { chunkSizeFor, planChunk, preflight, type ResumableSession } from './uploads.ts';

const MIB = 1024 * 1024;
const GRANULE = 262_144;
const ABC_SHA1 = 'a9993e364706816aba3e25717850c26c9cd0d89d';
const ABC_SHA1_BASE64 = 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=';
const SESSION_URL =
  'https://photoslibrary.googleapis.com/v1/uploads?upload_id=AEnB2UoFAKESESSION7&upload_protocol=resumable';

function item(type: SourceItem['type'], size: number): Pick<SourceItem, 'type' | 'size' | 'fileName'> {
  return { type, size, fileName: 'x' };
}

describe('preflight', () => {
  it('never sends an empty file', () => {
    expect(preflight(item('image', 0))?.kind).toBe('empty-file');
    expect(preflight(item('video', 0))?.kind).toBe('empty-file');
  });

  it('never sends a photo over 200 MB or a video over 20 GB', () => {
    expect(preflight(item('image', 200_000_000))).toBeUndefined();
    expect(preflight(item('image', 200_000_001))).toMatchObject({
      kind: 'photo-too-large',
      details: { bytes: 200_000_001 },
    });
    expect(preflight(item('video', 20_000_000_000))).toBeUndefined();
    expect(preflight(item('video', 20_000_000_001))?.kind).toBe('video-too-large');
    expect(preflight(item('video', 300_000_000))).toBeUndefined();
  });
});

describe('chunk planning', () => {
  it('rounds the chunk target down to whole granules, at least one', () => {
    expect(chunkSizeFor(GRANULE, 8 * MIB)).toBe(8 * MIB);
    expect(chunkSizeFor(GRANULE, 8 * MIB + 1000)).toBe(8 * MIB);
    expect(chunkSizeFor(3_000_000, 8 * MIB)).toBe(6_000_000);
    expect(chunkSizeFor(16 * MIB, 8 * MIB)).toBe(16 * MIB);
  });

  const session: ResumableSession = { sessionUrl: SESSION_URL, granularity: GRANULE, createdAt: 0 };

  it('plans whole-granule chunks and a last one with the remainder', () => {
    const size = 20 * MIB + 123;
    const plans = [];
    for (let offset = 0; offset < size; ) {
      const plan = planChunk(session, offset, size, 8 * MIB);
      plans.push(plan);
      offset += plan.length;
    }
    expect(plans).toEqual([
      { offset: 0, length: 8 * MIB, isLast: false },
      { offset: 8 * MIB, length: 8 * MIB, isLast: false },
      { offset: 16 * MIB, length: 4 * MIB + 123, isLast: true },
    ]);
  });

  it('keeps chunk lengths whole granules after resuming at an unaligned count', () => {
    expect(planChunk(session, 1000, 20 * MIB, 8 * MIB)).toEqual({
      offset: 1000,
      length: 8 * MIB,
      isLast: false,
    });
  });

  it('marks a chunk that ends exactly at the end as the last', () => {
    expect(planChunk(session, 8 * MIB, 16 * MIB, 8 * MIB)).toEqual({
      offset: 8 * MIB,
      length: 8 * MIB,
      isLast: true,
    });
  });
});

function header(request: RecordedRequest | undefined, name: string): string | null {
  return request?.headers.get(name) ?? null;
}

describe('raw upload', () => {
  it('sends the bytes in one request with the documented headers, the hash and the ASCII name', async () => {
    const { google, fetch } = await signedInGoogle(
      () => new Response('  CAISiQMASxTcJwQbFAKEUPLOADTOKEN0001x9\n'),
    );
    const token = await google.uploads.uploadRaw(
      { fileName: 'IMG_0042.JPG', mimeType: 'image/jpeg', size: 3, sha1: ABC_SHA1 },
      new Blob(['abc']),
    );
    expect(token).toBe('CAISiQMASxTcJwQbFAKEUPLOADTOKEN0001x9');
    const [upload, ...others] = fetch.photosRequests();
    expect(others).toHaveLength(0);
    expect(upload?.url.toString()).toBe('https://photoslibrary.googleapis.com/v1/uploads');
    expect(upload?.method).toBe('POST');
    expect(Object.fromEntries(upload?.headers ?? [])).toEqual({
      authorization: 'Bearer ya29.token-1',
      'content-type': 'application/octet-stream',
      'x-goog-upload-protocol': 'raw',
      'x-goog-upload-content-type': 'image/jpeg',
      'x-goog-upload-file-name': 'IMG_0042.JPG',
      'x-goog-hash': `sha1=${ABC_SHA1_BASE64}`,
    });
    expect(upload?.text()).toBe('abc');
  });

  it('leaves out the name header for a non-ASCII name, and takes a byte array', async () => {
    const { google, fetch } = await signedInGoogle(() => new Response('TOKEN'));
    await google.uploads.uploadRaw(
      { fileName: '海边.jpg', mimeType: 'image/jpeg', size: 3 },
      new Uint8Array([1, 2, 3]),
    );
    const upload = fetch.photosRequests()[0];
    expect(header(upload, 'x-goog-upload-file-name')).toBeNull();
    expect(header(upload, 'x-goog-hash')).toBeNull();
    expect(upload?.body).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses a 200 whose body is no token', async () => {
    const { google } = await signedInGoogle(() => new Response(''));
    await expect(
      google.uploads.uploadRaw({ fileName: 'a.jpg', mimeType: 'image/jpeg', size: 1 }, new Blob(['a'])),
    ).rejects.toMatchObject({ kind: 'unexpected-response' });
    const html = await signedInGoogle(() => new Response('<html><title>Proxy</title></html>'));
    await expect(
      html.google.uploads.uploadRaw({ fileName: 'a.jpg', mimeType: 'image/jpeg', size: 1 }, new Blob(['a'])),
    ).rejects.toMatchObject({
      kind: 'unexpected-response',
      details: { serverMessage: 'an HTML page "Proxy"' },
    });
  });
});

const startAnswer = (headers: Record<string, string> = {}) =>
  new Response(null, {
    headers: {
      'x-goog-upload-status': 'active',
      'x-goog-upload-url': SESSION_URL,
      'x-goog-upload-chunk-granularity': String(GRANULE),
      ...headers,
    },
  });

describe('resumable session start', () => {
  it('announces the size, type and name, and returns the session with its granularity and time', async () => {
    const { google, fetch, clock } = await signedInGoogle(() => startAnswer());
    const session = await google.uploads.startSession({
      fileName: 'clip.mp4',
      mimeType: 'video/mp4',
      size: 52_428_800,
    });
    expect(session).toEqual({ sessionUrl: SESSION_URL, granularity: GRANULE, createdAt: clock.now() });
    const start = fetch.photosRequests()[0];
    expect(Object.fromEntries(start?.headers ?? [])).toEqual({
      authorization: 'Bearer ya29.token-1',
      'x-goog-upload-command': 'start',
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-raw-size': '52428800',
      'x-goog-upload-content-type': 'video/mp4',
      'x-goog-upload-file-name': 'clip.mp4',
    });
    expect(start?.body?.byteLength).toBe(0);
  });

  it('assumes 256 KiB when no granularity is announced, and resolves a relative session URL', async () => {
    const { google } = await signedInGoogle(() =>
      startAnswer({
        'x-goog-upload-url': '/v1/uploads?upload_id=REL',
        'x-goog-upload-chunk-granularity': '',
      }),
    );
    const session = await google.uploads.startSession({ fileName: 'a.mp4', mimeType: 'video/mp4', size: 1 });
    expect(session.sessionUrl).toBe('https://photoslibrary.googleapis.com/v1/uploads?upload_id=REL');
    expect(session.granularity).toBe(GRANULE);
  });

  it('refuses a start that opens no active session', async () => {
    const final = await signedInGoogle(() => startAnswer({ 'x-goog-upload-status': 'final' }));
    await expect(
      final.google.uploads.startSession({ fileName: 'a.mp4', mimeType: 'video/mp4', size: 1 }),
    ).rejects.toMatchObject({ kind: 'unexpected-response' });
    const noUrl = await signedInGoogle(
      () => new Response(null, { headers: { 'x-goog-upload-status': 'active' } }),
    );
    await expect(
      noUrl.google.uploads.startSession({ fileName: 'a.mp4', mimeType: 'video/mp4', size: 1 }),
    ).rejects.toMatchObject({ kind: 'unexpected-response' });
  });
});

describe('resumable chunks', () => {
  const session: ResumableSession = { sessionUrl: SESSION_URL, granularity: 4, createdAt: 0 };

  it('sends an intermediate chunk at its offset and reports the new count', async () => {
    const { google, fetch } = await signedInGoogle(
      () => new Response(null, { headers: { 'x-goog-upload-status': 'active' } }),
    );
    const result = await google.uploads.uploadChunk(session, 8, new Blob(['abcdefgh']), false, ABC_SHA1);
    expect(result).toEqual({ kind: 'active', received: 16 });
    const chunk = fetch.photosRequests()[0];
    expect(chunk?.url.toString()).toBe(SESSION_URL);
    expect(header(chunk, 'x-goog-upload-command')).toBe('upload');
    expect(header(chunk, 'x-goog-upload-offset')).toBe('8');
    expect(header(chunk, 'x-goog-hash')).toBeNull();
    expect(chunk?.text()).toBe('abcdefgh');
  });

  it('believes the count Google reports over its own sum', async () => {
    const { google } = await signedInGoogle(
      () =>
        new Response(null, {
          headers: { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': '12' },
        }),
    );
    expect(await google.uploads.uploadChunk(session, 8, new Blob(['abcdefgh']), false)).toEqual({
      kind: 'active',
      received: 12,
    });
  });

  it('finalizes with the last chunk, the whole-file hash, and returns the token', async () => {
    const { google, fetch } = await signedInGoogle(
      () => new Response('CAISFAKEUPLOADTOKEN0002', { headers: { 'x-goog-upload-status': 'final' } }),
    );
    const result = await google.uploads.uploadChunk(session, 16, new Blob(['abc']), true, ABC_SHA1);
    expect(result).toEqual({ kind: 'final', uploadToken: 'CAISFAKEUPLOADTOKEN0002' });
    const chunk = fetch.photosRequests()[0];
    expect(header(chunk, 'x-goog-upload-command')).toBe('upload, finalize');
    expect(header(chunk, 'x-goog-upload-offset')).toBe('16');
    expect(header(chunk, 'x-goog-hash')).toBe(`sha1=${ABC_SHA1_BASE64}`);
  });

  it('refuses to send an intermediate chunk that is not whole granules', async () => {
    const { google, fetch } = await signedInGoogle(() => new Response(null));
    await expect(google.uploads.uploadChunk(session, 0, new Blob(['abcde']), false)).rejects.toThrow(
      RangeError,
    );
    expect(fetch.photosRequests()).toHaveLength(0);
  });

  it('sends a chunk once only: a lost connection is for the engine to query', async () => {
    const { google, fetch } = await signedInGoogle(() => {
      throw new TypeError('network connection was lost');
    });
    await expect(google.uploads.uploadChunk(session, 0, new Blob(['abcd']), false)).rejects.toMatchObject({
      kind: 'network-error',
    });
    expect(fetch.photosRequests()).toHaveLength(1);
  });

  it('reports a session Google no longer takes as lost', async () => {
    const { google } = await signedInGoogle(() =>
      googleError(400, 'INVALID_ARGUMENT', 'The upload url is either finalized or rejected by the server.'),
    );
    await expect(google.uploads.uploadChunk(session, 0, new Blob(['abcd']), false)).rejects.toMatchObject({
      kind: 'google-upload-session-lost',
    });
    const notFound = await signedInGoogle(() => new Response('Not Found', { status: 404 }));
    await expect(
      notFound.google.uploads.uploadChunk(session, 0, new Blob(['abcd']), false),
    ).rejects.toMatchObject({
      kind: 'google-upload-session-lost',
    });
  });

  it('reports a finalize without a token as a lost session, to be restarted', async () => {
    const { google } = await signedInGoogle(
      () => new Response('', { headers: { 'x-goog-upload-status': 'final' } }),
    );
    await expect(google.uploads.uploadChunk(session, 0, new Blob(['abc']), true)).rejects.toMatchObject({
      kind: 'google-upload-session-lost',
    });
  });

  it('reports a session still active after the last chunk as lost', async () => {
    const { google } = await signedInGoogle(
      () => new Response(null, { headers: { 'x-goog-upload-status': 'active' } }),
    );
    await expect(google.uploads.uploadChunk(session, 0, new Blob(['abc']), true)).rejects.toMatchObject({
      kind: 'google-upload-session-lost',
    });
  });
});

describe('query and resume', () => {
  const session: ResumableSession = { sessionUrl: SESSION_URL, granularity: GRANULE, createdAt: 0 };
  const queryAnswer = (headers: Record<string, string>) => () => new Response(null, { headers });

  it('queries with an empty body and reads the count', async () => {
    const { google, fetch } = await signedInGoogle(
      queryAnswer({ 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': '8388608' }),
    );
    expect(await google.uploads.querySession(session)).toEqual({ kind: 'active', received: 8_388_608 });
    const query = fetch.photosRequests()[0];
    expect(header(query, 'x-goog-upload-command')).toBe('query');
    expect(query?.body?.byteLength).toBe(0);
  });

  it('tells a finalized session from one that is gone', async () => {
    const final = await signedInGoogle(queryAnswer({ 'x-goog-upload-status': 'final' }));
    expect(await final.google.uploads.querySession(session)).toEqual({ kind: 'final' });
    const cancelled = await signedInGoogle(queryAnswer({ 'x-goog-upload-status': 'cancelled' }));
    expect(await cancelled.google.uploads.querySession(session)).toMatchObject({ kind: 'gone' });
    const unknown = await signedInGoogle(() =>
      googleError(404, 'NOT_FOUND', 'Requested entity was not found.'),
    );
    expect(await unknown.google.uploads.querySession(session)).toEqual({
      kind: 'gone',
      reason: 'Requested entity was not found.',
    });
  });

  it('passes on errors that are not about the session', async () => {
    const { google } = await signedInGoogle(() =>
      googleError(503, 'UNAVAILABLE', 'Internal error encountered.'),
    );
    await expect(google.uploads.querySession(session)).rejects.toMatchObject({ kind: 'google-server-error' });
  });

  it('continues a live session from the count Google reports', async () => {
    const { google, clock } = await signedInGoogle(
      queryAnswer({ 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': '524288' }),
    );
    const live = { ...session, createdAt: clock.now() - 60_000 };
    expect(await google.uploads.resumeSession(live)).toEqual({ action: 'continue', offset: 524_288 });
  });

  it('restarts a session older than 23 hours without asking Google', async () => {
    const { google, fetch, clock } = await signedInGoogle(queryAnswer({ 'x-goog-upload-status': 'active' }));
    const old = { ...session, createdAt: clock.now() - 23 * 3_600_000 - 1 };
    expect(await google.uploads.resumeSession(old)).toMatchObject({ action: 'restart' });
    expect(fetch.photosRequests()).toHaveLength(0);
  });

  it('restarts a session that is final or gone', async () => {
    const final = await signedInGoogle(queryAnswer({ 'x-goog-upload-status': 'final' }));
    const recent = { ...session, createdAt: final.clock.now() };
    expect(await final.google.uploads.resumeSession(recent)).toEqual({
      action: 'restart',
      reason: 'session already finalized',
    });
    const gone = await signedInGoogle(() => new Response('gone', { status: 410 }));
    expect(
      await gone.google.uploads.resumeSession({ ...session, createdAt: gone.clock.now() }),
    ).toMatchObject({
      action: 'restart',
    });
  });
});
