import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeGoogle, jpegFile } from './index.ts';
import {
  getJson,
  postJson,
  rawUploadHeaders,
  serveFakeGoogle,
  startFakeGoogleServers,
  uploadRaw,
} from './test-servers.ts';

const { google, servers } = serveFakeGoogle({ writesPerMinute: 10_000 });
let token: string;
let saltCounter = 0;

beforeEach(() => {
  google.clearFaults();
  google.configure({ uploadErrorStyle: 'wrapped' });
  token = google.issueAccessToken();
});

function listAlbums() {
  return getJson(servers, token, '/v1/albums');
}

function rawUpload() {
  return servers.photos.request({
    method: 'POST',
    path: '/v1/uploads',
    headers: rawUploadHeaders(token),
    body: jpegFile({ salt: `faults-${saltCounter++}` }),
  });
}

async function batchCreateOne(uploadToken: string) {
  return postJson(servers, token, '/v1/mediaItems:batchCreate', {
    newMediaItems: [{ simpleMediaItem: { uploadToken } }],
  });
}

describe('scripted one-off faults', () => {
  it('answers the next matching request with a catalogue error, once', async () => {
    google.failNext('albums:list', { kind: 'error', error: 'internal' });
    const failed = await listAlbums();
    expect(failed.status).toBe(500);
    expect(failed.json()).toEqual({
      error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' },
    });
    expect((await listAlbums()).status).toBe(200);
  });

  it('matches glob patterns, and shapes upload errors per uploadErrorStyle', async () => {
    google.failNext('uploads:*', { kind: 'error', error: 'unavailable' });
    expect((await rawUpload()).json()).toEqual({
      error: { code: 503, message: 'Internal error encountered.', status: 'UNAVAILABLE' },
    });
    google.configure({ uploadErrorStyle: 'flat' });
    google.failNext(/^uploads:raw$/, { kind: 'error', error: 'write-rate' });
    const flat = await rawUpload();
    expect(flat.status).toBe(429);
    expect(flat.json()).toMatchObject({ code: 8, message: expect.stringMatching(/^Quota exceeded/) });
  });

  it('answers HTML or any raw body when told to', async () => {
    google.failNext('albums:list', { kind: 'html', status: 502 });
    const html = await listAlbums();
    expect(html.status).toBe(502);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('That’s an error.');
    google.failNext('albums:list', {
      kind: 'raw',
      status: 200,
      contentType: 'application/json',
      body: '{"albums":[',
    });
    const truncated = await listAlbums();
    expect(truncated.status).toBe(200);
    expect(() => truncated.json()).toThrow();
  });

  it('holds a request with a delay fault and then serves it normally', async () => {
    google.failNext('albums:list', { kind: 'delay', ms: 20 });
    expect((await listAlbums()).status).toBe(200);
    expect(google.state.requestsTo('albums:list').at(-1)?.fault).toContain('delay');
  });
});

describe('latency', () => {
  it('holds matching requests as server time, during which a write keeps its slot', async () => {
    google.setLatency(4000, 'albums:create');
    const slow = postJson(servers, token, '/v1/albums', { album: { title: 'slow' } });
    await vi.waitFor(() => expect(google.state.activeWrites).toBe(1), { timeout: 3000 });
    google.setLatency(0, 'albums:create');
    const meanwhile = await postJson(servers, token, '/v1/albums', { album: { title: 'meanwhile' } });
    expect(meanwhile.status).toBe(429);
    expect((await slow).status).toBe(200);
  });
});

describe('connection resets', () => {
  it('before processing: the client sees a network error and nothing was created', async () => {
    const uploadToken = await uploadRaw(servers, token, jpegFile({ salt: `faults-${saltCounter++}` }));
    const before = google.state.mediaItems.size;
    google.failNext('mediaItems:batchCreate', { kind: 'reset', when: 'before-processing' });
    await expect(batchCreateOne(uploadToken)).rejects.toThrow();
    expect(google.state.mediaItems.size).toBe(before);
  });

  it('after processing: the answer is lost but the item exists; a retry finds the same item', async () => {
    const bytes = jpegFile({ salt: `faults-${saltCounter++}` });
    const uploadToken = await uploadRaw(servers, token, bytes);
    const before = google.state.mediaItems.size;
    google.failNext('mediaItems:batchCreate', { kind: 'reset', when: 'after-processing' });
    await expect(batchCreateOne(uploadToken)).rejects.toThrow();
    expect(google.state.mediaItems.size).toBe(before + 1);
    const created = google.state.mediaItemList().at(-1)!;
    const retryToken = await uploadRaw(servers, token, bytes);
    const retried = (await batchCreateOne(retryToken)).json().newMediaItemResults[0];
    expect(retried.mediaItem.id).toBe(created.id);
  });

  it('mid-response: the client gets a truncated answer', async () => {
    google.failNext('albums:list', { kind: 'reset', when: 'mid-response' });
    await expect(listAlbums()).rejects.toThrow();
    expect((await listAlbums()).status).toBe(200);
  });
});

describe('error rates from the seeded PRNG', () => {
  it('fails every request at rate 1 with a transient 500 or 503, and none after reset to 0', async () => {
    google.setErrorRate('albums:list', 1);
    for (let i = 0; i < 4; i++) {
      const response = await listAlbums();
      expect([500, 503]).toContain(response.status);
      expect(response.json().error.message).toBe('Internal error encountered.');
    }
    google.setErrorRate('albums:list', 0);
    expect((await listAlbums()).status).toBe(200);
  });

  it('repeats the same transientErrorRate pattern for the same seed', async () => {
    const pattern = async (seed: number) => {
      const fake = createFakeGoogle({ seed, transientErrorRate: 0.5 });
      const fakeServers = await startFakeGoogleServers(fake);
      try {
        const bearer = fake.issueAccessToken();
        const statuses = [];
        for (let i = 0; i < 12; i++) statuses.push((await getJson(fakeServers, bearer, '/v1/albums')).status);
        return statuses;
      } finally {
        await fakeServers.close();
      }
    };
    const first = await pattern(42);
    expect(await pattern(42)).toEqual(first);
    expect(first.some((status) => status === 200)).toBe(true);
    expect(first.some((status) => status >= 500)).toBe(true);
  });
});

describe('unknown paths', () => {
  it('answers an HTML 404 like Google front ends do', async () => {
    const response = await getJson(servers, token, '/v1/sharedAlbums');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });
});
