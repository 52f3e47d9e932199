import { describe, expect, it } from 'vitest';
import { detectSession, keepAlive } from './session.ts';
import {
  fakePlatform,
  instantClock,
  json,
  LOGIN_URL,
  ok,
  type RecordedRequest,
  recordingFetch,
  redirectedTo,
  testHttp,
  unauthorized,
} from './test-support.ts';

const ALBUM_LIST = '/gallery/user/album/list';
const ENC_INFO = '/mic/keybag/v1/getEncInfo';

const albumPage = () =>
  ok({ albums: [{ albumId: '1', name: null, mediaCount: 3, userId: 123456789 }], isLastPage: false });
const encryption = (e2eeStatus: string) => ok({ zone: 301, e2eeStatus, nonce: 'bm9uY2U=' });

/** A Xiaomi where only `loggedInHost` has a session. */
function signedInOn(
  loggedInHost: string,
  extra: (r: RecordedRequest) => Response | undefined = () => undefined,
) {
  return recordingFetch((request) => {
    const answer = extra(request);
    if (answer) return answer;
    if (request.url.host !== loggedInHost) return unauthorized();
    return request.url.pathname === ENC_INFO ? encryption('close') : albumPage();
  });
}

const probedHosts = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.url.pathname === ALBUM_LIST).map((r) => r.url.host);

describe('detectSession', () => {
  it('reports a person signed in nowhere as logged out, with the 401’s login page', async () => {
    const fetch = recordingFetch(() => unauthorized());
    const platform = fakePlatform();
    expect(await detectSession(testHttp(fetch), platform)).toEqual({
      state: 'logged-out',
      loginUrl: LOGIN_URL,
    });
    expect(probedHosts(fetch.requests)).toEqual(['i.mi.com', 'us.i.mi.com', 'in.i.mi.com', 'eu.i.mi.com']);
    expect(platform.tabPatterns).toEqual(['https://*.mi.com/*']);
    expect(platform.cookieDomains).toEqual(['mi.com']);
  });

  it('falls back to the web app’s front page when the 401 names no login page', async () => {
    const fetch = recordingFetch(() => new Response('', { status: 401 }));
    expect(await detectSession(testHttp(fetch), fakePlatform())).toEqual({
      state: 'logged-out',
      loginUrl: 'https://i.mi.com/',
    });
  });

  it('finds a session on i.mi.com with the userId cookie, riding the browser’s cookies', async () => {
    const fetch = signedInOn('i.mi.com');
    const platform = fakePlatform({
      cookies: [
        { name: 'serviceToken', value: 'secret', domain: '.i.mi.com' },
        { name: 'userId', value: '987654321', domain: '.i.mi.com' },
      ],
    });
    expect(await detectSession(testHttp(fetch), platform)).toEqual({
      state: 'logged-in',
      host: 'i.mi.com',
      userId: '987654321',
    });
    expect(fetch.requests.every((r) => r.credentials === 'include')).toBe(true);
    // The token is the browser's business: it never appears in a request the module builds.
    expect(fetch.requests.some((r) => r.url.href.includes('secret') || r.headers.has('cookie'))).toBe(false);
    const probe = fetch.to(ALBUM_LIST)[0]!;
    expect(probe.url.searchParams.get('ts')).toBe('1718000000000');
  });

  it('takes the userId from the album list when no cookie names it', async () => {
    const state = await detectSession(testHttp(signedInOn('i.mi.com')), fakePlatform());
    expect(state).toEqual({ state: 'logged-in', host: 'i.mi.com', userId: '123456789' });
  });

  it('finds a regional host from its cookies before trying i.mi.com', async () => {
    const fetch = signedInOn('us.i.mi.com');
    const platform = fakePlatform({
      cookies: [
        { name: 'serviceToken', value: 't', domain: 'us.i.mi.com' },
        { name: 'userId', value: '5550001', domain: 'us.i.mi.com' },
        { name: 'cUserId', value: 'x', domain: '.mi.com' },
      ],
    });
    expect(await detectSession(testHttp(fetch), platform)).toEqual({
      state: 'logged-in',
      host: 'us.i.mi.com',
      userId: '5550001',
    });
    expect(probedHosts(fetch.requests)).toEqual(['us.i.mi.com']);
  });

  it('finds a regional account by probing the known regional hosts when cookies span all of mi.com', async () => {
    const fetch = signedInOn('in.i.mi.com');
    const platform = fakePlatform({
      cookies: [
        { name: 'serviceToken', value: 't', domain: '.mi.com' },
        { name: 'userId', value: '5550002', domain: '.mi.com' },
      ],
    });
    expect(await detectSession(testHttp(fetch), platform)).toEqual({
      state: 'logged-in',
      host: 'in.i.mi.com',
      userId: '5550002',
    });
    expect(probedHosts(fetch.requests)).toEqual(['i.mi.com', 'us.i.mi.com', 'in.i.mi.com']);
  });

  it('tries the host of an open Xiaomi tab first and ignores other mi.com sites', async () => {
    const fetch = signedInOn('i.mi.com');
    const platform = fakePlatform({
      tabs: ['https://www.mi.com/global/', 'https://eu.i.mi.com/gallery/h5#/', 'not a url'],
    });
    const state = await detectSession(testHttp(fetch), platform);
    expect(state).toMatchObject({ state: 'logged-in', host: 'i.mi.com' });
    expect(probedHosts(fetch.requests)).toEqual(['eu.i.mi.com', 'i.mi.com']);
  });

  it('follows a shard redirect, retries the 401 that follows it once, and keeps the shard', async () => {
    let shardRequests = 0;
    const fetch = recordingFetch((request) => {
      if (request.url.host === 'i.mi.com') {
        // fetch followed the 302 to the shard, which refuses the very first request.
        return redirectedTo(
          `https://s010.i.mi.com${request.url.pathname}${request.url.search}`,
          unauthorized(),
        );
      }
      shardRequests++;
      return request.url.pathname === ENC_INFO ? encryption('close') : albumPage();
    });
    const state = await detectSession(testHttp(fetch), fakePlatform());
    expect(state).toEqual({ state: 'logged-in', host: 's010.i.mi.com', userId: '123456789' });
    expect(fetch.requests.map((r) => `${r.url.host}${r.url.pathname}`)).toEqual([
      `i.mi.com${ALBUM_LIST}`,
      `s010.i.mi.com${ALBUM_LIST}`,
      `s010.i.mi.com${ENC_INFO}`,
    ]);
    expect(shardRequests).toBe(2);
  });

  it('reports logged out when the shard still refuses after its one retry', async () => {
    const fetch = recordingFetch((request) =>
      request.url.host === 'i.mi.com'
        ? redirectedTo(`https://s010.i.mi.com${request.url.pathname}`, unauthorized())
        : unauthorized(),
    );
    expect(await detectSession(testHttp(fetch), fakePlatform())).toMatchObject({ state: 'logged-out' });
    expect(fetch.requests.filter((r) => r.url.host === 's010.i.mi.com')).toHaveLength(1);
  });

  it('reports the pending gallery verification with the page that asks for it', async () => {
    const fetch = recordingFetch(() => unauthorized(true));
    expect(await detectSession(testHttp(fetch), fakePlatform())).toEqual({
      state: 'second-validation',
      host: 'i.mi.com',
      verifyUrl: 'https://i.mi.com/gallery/h5#/',
    });
  });

  it.each(['open', 'opening'])('reports e2eeStatus "%s" as end-to-end encryption on', async (status) => {
    const fetch = signedInOn('i.mi.com', (r) =>
      r.url.pathname === ENC_INFO ? encryption(status) : undefined,
    );
    expect(await detectSession(testHttp(fetch), fakePlatform())).toEqual({
      state: 'e2ee-on',
      host: 'i.mi.com',
    });
    const encInfo = fetch.to(ENC_INFO)[0]!;
    expect(Object.fromEntries(encInfo.url.searchParams)).toMatchObject({ hsid: '2', appId: 'micloud' });
  });

  it.each([
    ['is absent', () => new Response('not found', { status: 404 })],
    ['answers without a status', () => ok({ zone: 301 })],
    ['answers garbage', () => json('<html>')],
  ])('takes encryption as off when getEncInfo %s', async (_, answer) => {
    const fetch = signedInOn('i.mi.com', (r) => (r.url.pathname === ENC_INFO ? answer() : undefined));
    expect(await detectSession(testHttp(fetch), fakePlatform())).toMatchObject({ state: 'logged-in' });
  });

  it('does not call an unreachable Xiaomi "logged out": it retries, then throws', async () => {
    const clock = instantClock();
    const fetch = recordingFetch(() => new Response('bad gateway', { status: 502 }));
    await expect(detectSession(testHttp(fetch, clock), fakePlatform())).rejects.toMatchObject({
      kind: 'xiaomi-server-error',
    });
    expect(fetch.requests).toHaveLength(5);
    expect(clock.sleeps).toHaveLength(4);
  });

  it('takes an unreachable regional host nothing pointed at as "not here"', async () => {
    const fetch = recordingFetch((r) => {
      if (r.url.host === 'us.i.mi.com') throw new TypeError('fetch failed: ENOTFOUND');
      return r.url.host === 'eu.i.mi.com'
        ? r.url.pathname === ENC_INFO
          ? encryption('close')
          : albumPage()
        : unauthorized();
    });
    expect(await detectSession(testHttp(fetch), fakePlatform())).toMatchObject({
      state: 'logged-in',
      host: 'eu.i.mi.com',
    });
    expect(fetch.requests.filter((r) => r.url.host === 'us.i.mi.com')).toHaveLength(5);
  });

  it('moves on from a host that refuses the gallery for good', async () => {
    const fetch = signedInOn('i.mi.com', (r) =>
      r.url.host === 'in.i.mi.com' ? new Response('gone', { status: 404 }) : undefined,
    );
    const platform = fakePlatform({ cookies: [{ name: 'serviceToken', value: 't', domain: 'in.i.mi.com' }] });
    expect(await detectSession(testHttp(fetch), platform)).toMatchObject({
      state: 'logged-in',
      host: 'i.mi.com',
    });
  });
});

describe('keepAlive', () => {
  it('calls the AutoRenewal setting with the browser’s cookies, whatever the payload', async () => {
    const fetch = recordingFetch(() => json({ result: 'ok', code: 0 }));
    await keepAlive(testHttp(fetch), 's010.i.mi.com');
    const [call] = fetch.requests;
    expect(call?.url.host).toBe('s010.i.mi.com');
    expect(call?.url.pathname).toBe('/status/lite/setting');
    expect(Object.fromEntries(call!.url.searchParams)).toEqual({
      ts: '1718000000000',
      type: 'AutoRenewal',
      inactiveTime: '10',
    });
    expect(call?.credentials).toBe('include');
  });

  it.each([
    [false, 'xiaomi-logged-out'],
    [true, 'xiaomi-second-validation'],
  ])('throws on a 401 (second validation %s) so the engine pauses the job', async (second, kind) => {
    const fetch = recordingFetch(() => unauthorized(second));
    await expect(keepAlive(testHttp(fetch), 'i.mi.com')).rejects.toMatchObject({ kind, scope: 'job' });
    expect(fetch.requests).toHaveLength(1);
  });
});
