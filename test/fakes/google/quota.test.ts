import { beforeEach, describe, expect, it, vi } from 'vitest';
import { jpegFile, pacificDay } from './index.ts';
import { getJson, postJson, restoreDefaults, serveFakeGoogle, uploadRaw } from './test-servers.ts';

const PROJECT = '123456789012';
const DAILY_MESSAGE =
  "Quota exceeded for quota metric 'All requests' and limit 'All requests per day' of service 'photoslibrary.googleapis.com' for consumer 'project_number:123456789012'.";

const { google, clock, servers } = serveFakeGoogle();
let token: string;

beforeEach(() => {
  restoreDefaults(google, [
    'dailyRequestLimit',
    'writesPerMinute',
    'apiDisabled',
    'photosDisabledForUser',
    'retryAfterSeconds',
    'errorDetails',
  ]);
  token = google.issueAccessToken({ lifetimeSeconds: 30 * 24 * 3600 });
});

function listAlbums() {
  return getJson(servers, token, '/v1/albums');
}

function createAlbum(title = 'Quota test') {
  return postJson(servers, token, '/v1/albums', { album: { title } });
}

describe('pacificDay', () => {
  it('turns over at midnight America/Los_Angeles, in winter and in summer time', () => {
    expect(pacificDay(Date.parse('2026-11-26T07:59:59Z'))).toBe('2026-11-25');
    expect(pacificDay(Date.parse('2026-11-26T08:00:00Z'))).toBe('2026-11-26');
    expect(pacificDay(Date.parse('2026-07-01T06:59:59Z'))).toBe('2026-06-30');
    expect(pacificDay(Date.parse('2026-07-01T07:00:00Z'))).toBe('2026-07-01');
  });
});

describe('daily quota per project (§E3, §I8)', () => {
  it('answers 429 with the daily message once the limit is used, until Pacific midnight', async () => {
    clock.set(Date.parse('2026-11-26T07:58:00Z'));
    google.configure({ dailyRequestLimit: 3 });
    google.setDailyRequestsUsed(1);
    expect((await listAlbums()).status).toBe(200);
    expect((await listAlbums()).status).toBe(200);
    const exhausted = await listAlbums();
    expect(exhausted.status).toBe(429);
    expect(exhausted.json().error).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: DAILY_MESSAGE,
    });
    expect(exhausted.headers['retry-after']).toBeUndefined();
    expect(google.dailyRequestsUsed(PROJECT)).toBe(3);

    clock.set(Date.parse('2026-11-26T07:59:30Z'));
    expect((await listAlbums()).status).toBe(429);
    clock.set(Date.parse('2026-11-26T08:00:30Z'));
    expect((await listAlbums()).status).toBe(200);
    expect(google.dailyRequestsUsed(PROJECT)).toBe(1);
  });

  it('charges the project of the calling client only', async () => {
    google.configure({ dailyRequestLimit: 5 });
    google.setDailyRequestsUsed(5, PROJECT);
    expect((await listAlbums()).status).toBe(429);
    const otherProject = google.issueAccessToken({
      clientId: '222333444555-other.apps.googleusercontent.com',
    });
    expect((await getJson(servers, otherProject, '/v1/albums')).status).toBe(200);
    expect(google.dailyRequestsUsed('222333444555')).toBe(1);
  });

  it('sends Retry-After only when configured', async () => {
    google.configure({ dailyRequestLimit: 1, retryAfterSeconds: 30 });
    google.setDailyRequestsUsed(1);
    const response = await listAlbums();
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('30');
  });
});

describe('write limits (§I5, §I8)', () => {
  it('refuses writes beyond the per-minute limit until the minute has passed', async () => {
    google.configure({ writesPerMinute: 2 });
    clock.advance(120_000);
    expect((await createAlbum()).status).toBe(200);
    expect((await createAlbum()).status).toBe(200);
    const limited = await createAlbum();
    expect(limited.status).toBe(429);
    expect(limited.json().error.message).toBe(
      "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'photoslibrary.googleapis.com' for consumer 'project_number:123456789012'.",
    );
    expect((await listAlbums()).status).toBe(200);
    clock.advance(60_000);
    expect((await createAlbum()).status).toBe(200);
  });

  it('refuses a second write while one is still being processed (concurrent write request)', async () => {
    const uploadToken = await uploadRaw(servers, token, jpegFile({ salt: 'concurrent' }));
    const slow = servers.photos.open({
      method: 'POST',
      path: '/v1/mediaItems:batchCreate',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    await vi.waitFor(() => expect(google.state.activeWrites).toBe(1), { timeout: 10_000 });

    const concurrent = await createAlbum();
    expect(concurrent.status).toBe(429);
    expect(concurrent.json().error).toEqual({
      code: 429,
      message:
        "Quota exceeded for quota 'concurrent write request' of service 'photoslibrary.googleapis.com'.",
      status: 'RESOURCE_EXHAUSTED',
    });
    expect((await listAlbums()).status).toBe(200);

    slow.stream.end(JSON.stringify({ newMediaItems: [{ simpleMediaItem: { uploadToken } }] }));
    expect((await slow.response).status).toBe(200);
    expect(google.state.activeWrites).toBe(0);
    expect((await createAlbum()).status).toBe(200);
  });
});

describe('account and project errors (§E11)', () => {
  it('answers 403 SERVICE_DISABLED with ErrorInfo details when the API is disabled', async () => {
    google.configure({ apiDisabled: true });
    const response = await listAlbums();
    expect(response.status).toBe(403);
    const { error } = response.json();
    expect(error.status).toBe('PERMISSION_DENIED');
    expect(error.message).toMatch(
      /^Photos Library API has not been used in project 123456789012 before or it is disabled\. Enable it by visiting https:\/\/console\.developers\.google\.com\/apis\/api\/photoslibrary\.googleapis\.com\/overview\?project=123456789012 then retry\./,
    );
    expect(error.details[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
    });
    google.configure({ errorDetails: false });
    expect((await listAlbums()).json().error.details).toBeUndefined();
  });

  it('answers 403 when Google Photos is disabled for the user', async () => {
    google.configure({ photosDisabledForUser: true });
    const response = await createAlbum();
    expect(response.status).toBe(403);
    expect(response.json().error).toEqual({
      code: 403,
      message: 'Google Photos is disabled for the user.',
      status: 'PERMISSION_DENIED',
    });
  });
});

describe('request counters', () => {
  it('counts Photos requests per endpoint, Pacific day and UTC minute', async () => {
    clock.set(Date.parse('2026-09-14T08:05:10Z'));
    const { byEndpoint, byDay, byMinute } = google.state.requestCounts;
    const before = {
      endpoint: byEndpoint['albums:list'] ?? 0,
      day: byDay['2026-09-14'] ?? 0,
      minute: byMinute['2026-09-14T08:05'] ?? 0,
    };
    await listAlbums();
    await listAlbums();
    expect(byEndpoint['albums:list']).toBe(before.endpoint + 2);
    expect(byDay['2026-09-14']).toBe(before.day + 2);
    expect(byMinute['2026-09-14T08:05']).toBe(before.minute + 2);
  });
});
