import { describe, expect, it } from 'vitest';
import { type Harness, harnessPerTest, uploadPhotos } from './google-harness.ts';

const start = harnessPerTest();

function photosLog(h: Harness) {
  return h.fake.state.requestLog.filter((e) => e.service === 'photos');
}

const PHOTO = { fileName: 'IMG_1.jpg', mimeType: 'image/jpeg', size: 3 };
const APPEND_ONLY = 'https://www.googleapis.com/auth/photoslibrary.appendonly';

describe('authentication errors', () => {
  it("renews after the uploads endpoint's flat code-16 answer and sends the bytes again", async () => {
    const h = await start();
    const [photo] = await uploadPhotos(h.google, 1, 'BEFORE');
    h.fake.revokeAll();
    await uploadPhotos(h.google, 1, 'AFTER');
    const uploads = photosLog(h).filter((e) => e.endpoint === 'uploads:raw');
    expect(uploads.map((e) => e.status)).toEqual([200, 401, 200]);
    expect(photo).toBeDefined();
  });

  it('asks for sign-in when the token is refused and silent renewal needs the person', async () => {
    const h = await start();
    h.fake.revokeAll();
    h.fake.setAuthorizeBehaviour({ outcome: 'interaction_required' });
    await expect(uploadPhotos(h.google, 1, 'X')).rejects.toMatchObject({ kind: 'google-signin-needed' });
    await expect(h.google.mediaItems.listAppMediaItems()).rejects.toMatchObject({
      kind: 'google-signin-needed',
    });
    expect(photosLog(h).map((e) => e.status)).toEqual([401]);
    expect(await h.google.auth.status()).toEqual({ signedIn: false });
  });

  it('asks for sign-in after a second 401 in a row', async () => {
    const h = await start();
    h.fake.failNext('albums:list', { kind: 'error', error: 'invalid-credentials' });
    h.fake.failNext('albums:list', { kind: 'error', error: 'invalid-credentials' });
    await expect(h.google.albums.listAppAlbums()).rejects.toMatchObject({
      kind: 'google-signin-needed',
      details: { status: 401 },
    });
    expect(photosLog(h)).toHaveLength(2);
  });

  it('names the missing scope when a JSON endpoint says the token lacks it', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 1, 'SCOPE');
    h.fake.failNext('mediaItems:batchCreate', { kind: 'error', error: 'insufficient-scopes' });
    await expect(h.google.mediaItems.batchCreate({ items: photos })).rejects.toMatchObject({
      kind: 'google-scope-missing',
      details: { scopes: [APPEND_ONLY] },
    });
  });
});

describe('set-up errors', () => {
  it('reports the Photos Library API disabled in the project, with the page to enable it', async () => {
    const h = await start({ signIn: false });
    h.fake.configure({ apiDisabled: true });
    const error = await h.google.testSignIn().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'google-api-disabled', details: { status: 403 } });
    expect((error as Error).message).toContain(
      'https://console.developers.google.com/apis/api/photoslibrary.googleapis.com/overview?project=123456789012',
    );
  });

  it('reports Google Photos disabled for the account', async () => {
    const h = await start();
    h.fake.configure({ photosDisabledForUser: true });
    await expect(uploadPhotos(h.google, 1, 'X')).rejects.toMatchObject({ kind: 'google-photos-disabled' });
  });
});

describe('quota errors', () => {
  it('holds writes at least 30 s after the per-minute write limit, without sending again', async () => {
    const h = await start({ fake: { writesPerMinute: 1 } });
    await h.google.albums.createAlbum('one');
    const error = await h.google.albums.createAlbum('two').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'google-rate-limited', details: { status: 429 } });
    expect((error as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThanOrEqual(
      30_000,
    );
    expect(photosLog(h)).toHaveLength(2);
    expect(h.clock.sleeps).toEqual([]);
  });

  it('holds writes after a concurrent-write refusal, longer each time in a row', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 1, 'CONC');
    h.fake.failNext('mediaItems:batchCreate', { kind: 'error', error: 'concurrent-write' });
    h.fake.failNext('mediaItems:batchCreate', { kind: 'error', error: 'concurrent-write' });
    const waits: number[] = [];
    for (let i = 0; i < 2; i++) {
      const error = await h.google.mediaItems.batchCreate({ items: photos }).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'google-rate-limited' });
      waits.push((error as { details: { retryAfterMs: number } }).details.retryAfterMs);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(30_000);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? 0);
    await expect(h.google.mediaItems.batchCreate({ items: photos })).resolves.toHaveLength(1);
  });

  it('honours a Retry-After header when Google sends one', async () => {
    const h = await start({ fake: { retryAfterSeconds: 120 } });
    h.fake.failNext('albums:create', { kind: 'error', error: 'write-rate' });
    const error = await h.google.albums.createAlbum('x').catch((e: unknown) => e);
    expect((error as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThanOrEqual(
      120_000,
    );
  });

  it('waits for the next Pacific midnight when the daily quota is used up, then goes on', async () => {
    const h = await start();
    h.fake.setDailyRequestsUsed(10_000);
    const error = await h.google.albums.listAppAlbums().catch((e: unknown) => e);
    // The fake clock starts at 2026-09-14T17:00Z, 10:00 PDT.
    expect(error).toMatchObject({
      kind: 'google-quota-daily',
      details: { resumeAt: Date.parse('2026-09-15T07:00:00Z') },
    });
    h.fake.clock.set(Date.parse('2026-09-15T07:00:01Z'));
    await expect(h.google.albums.listAppAlbums()).resolves.toEqual([]);
  });

  it('reads the flat uploads-endpoint bodies too (uploadErrorStyle: flat)', async () => {
    const h = await start({ fake: { uploadErrorStyle: 'flat' } });
    h.fake.failNext('uploads:raw', { kind: 'error', error: 'write-rate' });
    await expect(uploadPhotos(h.google, 1, 'A')).rejects.toMatchObject({ kind: 'google-rate-limited' });
    h.fake.failNext('uploads:raw', { kind: 'error', error: 'daily-quota' });
    await expect(uploadPhotos(h.google, 1, 'B')).rejects.toMatchObject({ kind: 'google-quota-daily' });
    h.fake.failNext('uploads:raw', { kind: 'error', error: 'internal' });
    await expect(uploadPhotos(h.google, 1, 'C')).resolves.toHaveLength(1);
    expect(photosLog(h).map((e) => e.status)).toEqual([429, 429, 500, 200]);
  });
});

describe('server errors and bodies that are not JSON', () => {
  it('sends a read again after a 5xx, backing off from 1 s on the clock', async () => {
    const h = await start();
    h.fake.failNext('albums:list', { kind: 'error', error: 'internal' });
    h.fake.failNext('albums:list', { kind: 'html', status: 502 });
    await expect(h.google.albums.listAppAlbums()).resolves.toEqual([]);
    expect(photosLog(h).map((e) => e.status)).toEqual([500, 502, 200]);
    // 1 s, then 2 s, each with the harness's fixed 12.5 % jitter.
    expect(h.clock.sleeps).toEqual([1_125, 2_250]);
  });

  it('gives up on a read after three repeats, saying how long to wait', async () => {
    const h = await start();
    h.fake.setErrorRate('albums:list', 1);
    await expect(h.google.albums.listAppAlbums()).rejects.toMatchObject({ kind: 'google-server-error' });
    expect(photosLog(h)).toHaveLength(4);
  });

  it('never sends a batchCreate again after a 5xx or an HTML error page', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 1, 'HTML');
    h.fake.failNext('mediaItems:batchCreate', { kind: 'html', status: 503 });
    const error = await h.google.mediaItems.batchCreate({ items: photos }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'google-server-error',
      details: { status: 503, serverMessage: 'an HTML page "Error 503 (Server Error)!!1"' },
    });
    expect(photosLog(h).filter((e) => e.endpoint === 'mediaItems:batchCreate')).toHaveLength(1);
  });

  it('reports a 200 that is not JSON as unexpected, with nothing created and nothing assumed', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 1, 'GARBLED');
    h.fake.failNext('mediaItems:batchCreate', {
      kind: 'raw',
      status: 200,
      contentType: 'application/json',
      body: '{"newMediaItemResults":[{"uploadTok',
    });
    await expect(h.google.mediaItems.batchCreate({ items: photos })).rejects.toMatchObject({
      kind: 'unexpected-response',
      details: { status: 200 },
    });
    const [result] = await h.google.mediaItems.batchCreate({ items: photos });
    expect(result?.kind).toBe('created');
  });

  it('reports an upload answered with an HTML page, nothing taken for a token', async () => {
    const h = await start();
    h.fake.failNext('uploads:raw', {
      kind: 'raw',
      status: 200,
      contentType: 'text/html',
      body: '<html><title>Wi-Fi login</title></html>',
    });
    await expect(h.google.uploads.uploadRaw(PHOTO, new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      kind: 'unexpected-response',
      details: { serverMessage: 'an HTML page "Wi-Fi login"' },
    });
  });
});
