import { describe, expect, it } from 'vitest';
import { MigrationError } from '../shared/errors.ts';
import { RetryDelays } from './backoff.ts';
import { type AccessTokens, type ApiRequest, PhotosHttp } from './http.ts';
import { SCOPE_APPEND_ONLY } from './oauth.ts';
import {
  googleError,
  type Handler,
  instantClock,
  json,
  type RecordedRequest,
  recordingFetch,
} from './test-support.ts';

function tokens(renewable = true): AccessTokens & { current: string; renewals: string[] } {
  const state = {
    current: 'ya29.first',
    renewals: [] as string[],
    accessToken: async () => state.current,
    renewAfterRejection: async (rejected: string) => {
      state.renewals.push(rejected);
      if (!renewable) throw new MigrationError('google-signin-needed', 'silent renewal failed');
      state.current = 'ya29.second';
      return state.current;
    },
  };
  return state;
}

function setup(handler: Handler, accessTokens = tokens()) {
  const fetch = recordingFetch(handler);
  const clock = instantClock();
  const http = new PhotosHttp({
    fetch,
    clock,
    tokens: accessTokens,
    delays: new RetryDelays(() => 0),
    serverRetries: 3,
  });
  return { fetch, clock, http, tokens: accessTokens };
}

const request = (idempotent: boolean): ApiRequest => ({
  operation: 'test',
  url: 'https://photoslibrary.googleapis.com/v1/albums',
  method: 'GET',
  scope: SCOPE_APPEND_ONLY,
  idempotent,
});

const unauthenticated = () =>
  googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
const internal = () => googleError(500, 'INTERNAL', 'Internal error encountered.');

describe('PhotosHttp', () => {
  it('sends one request with the bearer token on the happy path', async () => {
    const { fetch, http } = setup(() => json(200, {}));
    expect(await http.json(request(false))).toEqual({});
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]?.headers.get('authorization')).toBe('Bearer ya29.first');
  });

  it('after a 401 renews the token once and sends again with the new one', async () => {
    const {
      fetch,
      http,
      tokens: t,
    } = setup((r) =>
      r.headers.get('authorization') === 'Bearer ya29.second' ? json(200, { ok: 1 }) : unauthenticated(),
    );
    expect(await http.json(request(false))).toEqual({ ok: 1 });
    expect(t.renewals).toEqual(['ya29.first']);
    expect(fetch.requests).toHaveLength(2);
  });

  it('after a second 401 asks the person to sign in', async () => {
    const { fetch, http } = setup(unauthenticated);
    await expect(http.send(request(true))).rejects.toMatchObject({
      kind: 'google-signin-needed',
      details: { status: 401 },
    });
    expect(fetch.requests).toHaveLength(2);
  });

  it("treats the uploads endpoint's flat code 16 like a 401", async () => {
    const { http, tokens: t } = setup((r) =>
      r.headers.get('authorization') === 'Bearer ya29.second'
        ? json(200, {})
        : json(401, { code: 16, message: 'Authentication session is not defined.' }),
    );
    await http.send(request(false));
    expect(t.renewals).toEqual(['ya29.first']);
  });

  it('passes on a failed renewal as google-signin-needed', async () => {
    const { fetch, http } = setup(unauthenticated, tokens(false));
    await expect(http.send(request(true))).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(fetch.requests).toHaveLength(1);
  });

  it('repeats an idempotent request after a 5xx with exponential back-off from 1 s', async () => {
    let calls = 0;
    const { fetch, clock, http } = setup(() => (++calls <= 2 ? internal() : json(200, {})));
    await http.send(request(true));
    expect(fetch.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1_000, 2_000]);
  });

  it('gives up on an idempotent request after three repeats, saying how long to wait', async () => {
    const { fetch, clock, http } = setup(internal);
    await expect(http.send(request(true))).rejects.toMatchObject({
      kind: 'google-server-error',
      details: { retryAfterMs: 8_000 },
    });
    expect(fetch.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000]);
  });

  it('never repeats a request that could create something twice', async () => {
    const { fetch, clock, http } = setup(internal);
    await expect(http.send(request(false))).rejects.toMatchObject({ kind: 'google-server-error' });
    expect(fetch.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('repeats an idempotent request after a network failure, and reports one as network-error', async () => {
    let calls = 0;
    const flaky = setup(() => {
      if (++calls === 1) throw new TypeError('fetch failed');
      return json(200, {});
    });
    await flaky.http.send(request(true));
    expect(flaky.fetch.requests).toHaveLength(2);

    const down = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(down.http.send(request(false))).rejects.toMatchObject({
      kind: 'network-error',
      message: 'fetch failed',
    });
    expect(down.fetch.requests).toHaveLength(1);
  });

  describe('a request that creates something', () => {
    const create: ApiRequest = {
      ...request(false),
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"album":{"title":"旅行"}}',
    };
    const isProbe = (r: RecordedRequest) => r.url.pathname.endsWith('/mediaItems:search');

    it('streams its JSON body, so Chromium cannot send it twice by itself; reads go plain', async () => {
      const { fetch, http } = setup((r) =>
        r.headers.get('authorization') === 'Bearer ya29.second' ? json(200, {}) : unauthenticated(),
      );
      await http.send(create);
      await http.send({ ...create, idempotent: true });
      expect(fetch.requests.map((r) => [r.streamed, r.text()])).toEqual([
        [true, create.body],
        // After the 401 the renewed token goes out with a fresh stream of the same bytes.
        [true, create.body],
        [false, create.body],
      ]);
    });

    it('after a failure, keeps streaming when a streamed read gets through', async () => {
      let calls = 0;
      const { fetch, http } = setup((r) => {
        if (!isProbe(r) && ++calls === 1) throw new TypeError('Failed to fetch');
        return json(200, {});
      });
      await expect(http.send(create)).rejects.toMatchObject({ kind: 'network-error' });
      await http.send(create);
      expect(fetch.requests.map((r) => [isProbe(r), r.streamed])).toEqual([
        [false, true],
        [true, true],
        [false, true],
      ]);
    });

    it('goes back to plain bodies when only plain ones get through (a proxy speaking HTTP/1.1)', async () => {
      const { fetch, http } = setup((r) => {
        if (r.streamed) throw new TypeError('Failed to fetch');
        return json(isProbe(r) ? 400 : 200, {});
      });
      // The failed request may or may not have reached Google: it is reported lost, not sent again.
      await expect(http.send(create)).rejects.toMatchObject({ kind: 'network-error' });
      await http.send(create);
      expect(fetch.requests.map((r) => [isProbe(r), r.streamed])).toEqual([
        [false, true],
        [true, true],
        [true, false],
        [false, false],
      ]);
    });

    it('keeps trying streams while nothing gets through at all', async () => {
      let online = false;
      const { fetch, http } = setup(() => {
        if (!online) throw new TypeError('Failed to fetch');
        return json(200, {});
      });
      await expect(http.send(create)).rejects.toMatchObject({ kind: 'network-error' });
      online = true;
      await http.send(create);
      expect(fetch.requests.at(-1)?.streamed).toBe(true);
    });
  });

  it('stops a request on the wire when Pause aborts it, and does not send it again', async () => {
    const pause = new AbortController();
    const { fetch, clock, http } = setup(
      (r) =>
        new Promise<Response>((_, reject) => {
          // The fetch fails as a browser's does when its signal fires mid-body.
          r.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          setTimeout(() => pause.abort(new Error('paused')), 5);
        }),
    );
    await expect(http.send({ ...request(true), signal: pause.signal })).rejects.toThrow('paused');
    expect(fetch.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not repeat a 429: the engine holds every write for its back-off', async () => {
    const { fetch, http } = setup(() =>
      googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota 'concurrent write request'."),
    );
    await expect(http.send(request(true))).rejects.toMatchObject({ kind: 'google-rate-limited' });
    expect(fetch.requests).toHaveLength(1);
  });

  it('reports a 2xx that is not JSON without guessing', async () => {
    const { http } = setup(
      () =>
        new Response('<html><title>Captive portal</title></html>', {
          headers: { 'content-type': 'text/html' },
        }),
    );
    await expect(http.json(request(true))).rejects.toMatchObject({
      kind: 'unexpected-response',
      details: { status: 200, serverMessage: 'an HTML page "Captive portal"' },
    });
  });
});
