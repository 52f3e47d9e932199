import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { fakePerTest } from './self-test-server.ts';

const ALBUMS =
  'https://i.mi.com/gallery/user/album/list?ts=1&pageNum=0&pageSize=10&isShared=false&numOfThumbnails=1';
const KEEP_ALIVE = 'https://i.mi.com/status/lite/setting?type=AutoRenewal&inactiveTime=10&ts=1';

/** The §10 fixture, byte for byte. */
const FIXTURE_401 =
  '{"R":401,"S":"Err","D":"https://account.xiaomi.com/pass/serviceLogin?callback=https%3A%2F%2Fi.mi.com%2Fsts%3Fsign%3Dabc%26followup%3D%252F&sid=i.mi.com&_group=DEFAULT&checkSafePhone=true&_bal=true","E":false,"isSecondValidation":false}';

const start = fakePerTest();

function tokenIn(setCookies: string[]): string | undefined {
  return setCookies
    .find((header) => header.startsWith('serviceToken='))
    ?.split(';')[0]
    ?.slice('serviceToken='.length);
}

describe('session cookies', () => {
  it('answers a request without cookies with HTTP 401 and the exact session body', async () => {
    const { client, xiaomi } = await start();
    const response = await client.get(ALBUMS, { withCookies: false });
    expect(response.status).toBe(401);
    expect(response.text).toBe(FIXTURE_401);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(xiaomi.state.requests[0]).toMatchObject({ endpoint: 'album-list', status: 401, cookieNames: [] });
  });

  it('lets the seeded serviceToken + userId cookies through, and records which cookies came', async () => {
    const { client, xiaomi } = await start();
    const response = await client.get(ALBUMS);
    expect(response.status).toBe(200);
    expect(xiaomi.state.requests[0]).toMatchObject({ status: 200, cookieNames: ['serviceToken', 'userId'] });
    expect(xiaomi.state.counters['album-list']).toBe(1);
  });

  it('needs both cookies, and the right userId', async () => {
    const { client } = await start();
    client.cookies.delete('userId');
    expect((await client.get(ALBUMS)).status).toBe(401);
    client.cookies.set('userId', '987654321');
    expect((await client.get(ALBUMS)).status).toBe(401);
  });

  it('sets both cookies from the fake login page: Secure, Domain=.mi.com, serviceToken HttpOnly', async () => {
    const { client, xiaomi } = await start();
    client.cookies.clear();
    const login = await client.get('https://i.mi.com/__fake/login?userId=123456789');
    expect(login.status).toBe(200);
    const [token, userId] = login.setCookies();
    expect(token).toBe(`serviceToken=${xiaomi.state.currentToken}; Path=/; Domain=.mi.com; Secure; HttpOnly`);
    expect(userId).toBe('userId=123456789; Path=/; Domain=.mi.com; Secure');
    expect((await client.get(ALBUMS)).status).toBe(200);
  });

  it('sets host-only cookies when so configured, and refuses an unknown account', async () => {
    const { client } = await start({ cookieDomain: 'host-only', serviceTokenHttpOnly: false });
    const login = await client.get('https://i.mi.com/__fake/login');
    expect(login.setCookies()[0]).toMatch(/^serviceToken=[^;]+; Path=\/; Secure$/);
    expect((await client.get('https://i.mi.com/__fake/login?userId=42')).status).toBe(403);
  });

  it('hands out the session cookies to seed, domain-wide or host-only like the login page sets them', async () => {
    const { xiaomi } = await start();
    expect(xiaomi.sessionCookies()).toEqual([
      {
        name: 'serviceToken',
        value: xiaomi.state.currentToken,
        domain: '.mi.com',
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
      {
        name: 'userId',
        value: '123456789',
        domain: '.mi.com',
        path: '/',
        secure: true,
        httpOnly: false,
        sameSite: 'Lax',
      },
    ]);
    xiaomi.configure({ cookieDomain: 'host-only', accountHost: 'us.i.mi.com' });
    expect(xiaomi.sessionCookies().map((cookie) => cookie.domain)).toEqual(['us.i.mi.com', 'us.i.mi.com']);
  });

  it('answers 401 on a web host other than the account host, as a region mismatch', async () => {
    const { client } = await start({ accountHost: 'us.i.mi.com' });
    expect((await client.get(ALBUMS)).status).toBe(401);
    expect((await client.get(ALBUMS.replace('//i.mi.com', '//us.i.mi.com'))).status).toBe(200);
  });

  it('serves the web app pages without a session', async () => {
    const { client } = await start();
    const page = await client.get('https://i.mi.com/gallery/h5', { withCookies: false });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html');
  });
});

describe('session lifetime', () => {
  it('expireSession makes every token fail until restoreSession brings the same token back', async () => {
    const { client, xiaomi } = await start();
    const before = xiaomi.state.currentToken;
    xiaomi.expireSession();
    expect((await client.get(ALBUMS)).status).toBe(401);
    expect((await client.get('https://i.mi.com/common/check?ts=1')).status).toBe(401);
    expect(xiaomi.restoreSession()).toBe(before);
    expect((await client.get(ALBUMS)).status).toBe(200);
  });

  it('renews through the keep-alive: a new token by Set-Cookie, the old one working for the grace period only', async () => {
    const clock = new FakeClock();
    const { client } = await start({ clock, rotationGraceMs: 60_000 });
    const old = client.cookies.get('serviceToken')!;
    const renewal = await client.get(KEEP_ALIVE);
    expect(renewal.json()).toMatchObject({ result: 'ok', code: 0 });
    const fresh = tokenIn(renewal.setCookies());
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old);

    client.cookies.set('serviceToken', old);
    expect((await client.get(ALBUMS)).status).toBe(200);
    clock.advance(60_001);
    expect((await client.get(ALBUMS)).status).toBe(401);
    client.cookies.set('serviceToken', fresh!);
    expect((await client.get(ALBUMS)).status).toBe(200);
  });

  it('sends no Set-Cookie from the keep-alive while the token is not due for renewal', async () => {
    const clock = new FakeClock();
    const { client } = await start({ clock, renewAfterMs: 5 * 60_000 });
    expect((await client.get(KEEP_ALIVE)).setCookies()).toEqual([]);
    clock.advance(5 * 60_000);
    expect(tokenIn((await client.get(KEEP_ALIVE)).setCookies())).toBeDefined();
  });

  it('expires tokens after their lifetime unless the keep-alive renewed them in time', async () => {
    const clock = new FakeClock();
    const { client } = await start({ clock, tokenLifetimeMs: 60 * 60_000 });
    clock.advance(59 * 60_000);
    const fresh = tokenIn((await client.get(KEEP_ALIVE)).setCookies());
    clock.advance(2 * 60_000);
    expect((await client.get(ALBUMS)).status).toBe(200); // the client holds `fresh` now
    client.cookies.set('serviceToken', 'stale');
    expect((await client.get(ALBUMS)).status).toBe(401);
    client.cookies.set('serviceToken', fresh!);
    clock.advance(60 * 60_000);
    expect((await client.get(ALBUMS)).status).toBe(401);
  });

  it('delivers a server-side rotation on the next answer, once', async () => {
    const { client, xiaomi } = await start();
    const rotated = xiaomi.rotateToken();
    expect(tokenIn((await client.get(ALBUMS)).setCookies())).toBe(rotated);
    expect((await client.get(ALBUMS)).setCookies()).toEqual([]);
    expect(client.cookies.get('serviceToken')).toBe(rotated);
  });
});

describe('gallery verification, E2EE and shards', () => {
  it('locks the gallery behind phone verification while the account session itself still works', async () => {
    const { client } = await start({ secondValidation: true });
    const locked = await client.get(ALBUMS);
    expect(locked.status).toBe(401);
    expect(locked.json()).toMatchObject({ R: 401, isSecondValidation: true });
    expect((await client.get('https://i.mi.com/common/check?ts=1')).status).toBe(200);
    expect((await client.get('https://i.mi.com/__fake/verify-phone')).status).toBe(200);
    expect((await client.get(ALBUMS)).status).toBe(200);
  });

  it('reports the E2EE status configured', async () => {
    const { client, xiaomi } = await start();
    const url = 'https://i.mi.com/mic/keybag/v1/getEncInfo?hsid=2&appId=micloud&ts=1';
    expect((await client.get(url)).json()).toMatchObject({
      code: 0,
      data: { e2eeStatus: 'close', zone: 301 },
    });
    xiaomi.configure({ e2eeStatus: 'open' });
    expect((await client.get(url)).json()).toMatchObject({ data: { e2eeStatus: 'open' } });
  });

  it('redirects to the shard with a fresh token; the first shard request fails once, the retry works', async () => {
    const { client, xiaomi } = await start({ shard: { host: 's010.i.mi.com', unauthorizedOnce: true } });
    const redirect = await client.get(ALBUMS);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(ALBUMS.replace('//i.mi.com', '//s010.i.mi.com'));
    expect(tokenIn(redirect.setCookies())).toBe(xiaomi.state.currentToken);
    expect((await client.get(redirect.headers.location!)).status).toBe(401);
    expect((await client.get(redirect.headers.location!)).status).toBe(200);

    const post = await client.get('https://i.mi.com/gallery/user/lite/index/prepare', {
      method: 'POST',
      body: 'serviceToken=x',
    });
    expect(post.status).toBe(307);
  });
});
