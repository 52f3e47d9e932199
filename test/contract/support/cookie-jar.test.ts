import { describe, expect, it } from 'vitest';
import { CookieJar, defaultPath, pathMatches } from './cookie-jar.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function jarAt(startMs = NOW): { jar: CookieJar; advance(ms: number): void } {
  let now = startMs;
  return {
    jar: new CookieJar(() => now),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('CookieJar: storing Set-Cookie', () => {
  it('keeps a cookie without Domain for its host only, and one with Domain for every subdomain', () => {
    const { jar } = jarAt();
    jar.setCookie('hostOnly=1; Path=/; Secure', 'https://i.mi.com/login');
    jar.setCookie('domainWide=2; Domain=.mi.com; Path=/; Secure', 'https://i.mi.com/login');

    expect(jar.cookieHeader('https://i.mi.com/gallery')).toBe('hostOnly=1; domainWide=2');
    expect(jar.cookieHeader('https://s010.i.mi.com/gallery')).toBe('domainWide=2');
    expect(jar.cookieHeader('https://mi.com/')).toBe('domainWide=2');
    expect(jar.cookieHeader('https://xiaomi.com/')).toBeUndefined();
  });

  it('refuses a Domain the request host does not belong to, or a bare public suffix', () => {
    const { jar } = jarAt();
    expect(jar.setCookie('a=1; Domain=google.com', 'https://i.mi.com/')).toBe(false);
    expect(jar.setCookie('a=1; Domain=com', 'https://i.mi.com/')).toBe(false);
    expect(jar.setCookie('a=1; Domain=s010.i.mi.com', 'https://i.mi.com/')).toBe(false);
    expect(jar.all()).toEqual([]);
  });

  it('scopes by Path and defaults it to the directory of the request', () => {
    const { jar } = jarAt();
    jar.setCookie('explicit=1; Path=/gallery', 'https://i.mi.com/');
    jar.setCookie('implicit=2', 'https://i.mi.com/status/lite/setting');

    expect(jar.cookieHeader('https://i.mi.com/gallery/user/album/list')).toBe('explicit=1');
    expect(jar.cookieHeader('https://i.mi.com/galleryx')).toBeUndefined();
    expect(jar.cookieHeader('https://i.mi.com/status/lite/other')).toBe('implicit=2');
    expect(jar.cookieHeader('https://i.mi.com/status')).toBeUndefined();
  });

  it('sends longer paths first, then older cookies first', () => {
    const { jar } = jarAt();
    jar.setCookie('b=1; Path=/', 'https://i.mi.com/');
    jar.setCookie('a=2; Path=/gallery', 'https://i.mi.com/');
    jar.setCookie('c=3; Path=/', 'https://i.mi.com/');

    expect(jar.cookieHeader('https://i.mi.com/gallery/x')).toBe('a=2; b=1; c=3');
  });

  it('replaces a cookie with the same name, domain and path, keeping its place in the order', () => {
    const { jar } = jarAt();
    jar.setCookie('serviceToken=old; Path=/', 'https://i.mi.com/');
    jar.setCookie('userId=7; Path=/', 'https://i.mi.com/');
    jar.setCookie('serviceToken=new; Path=/', 'https://i.mi.com/');

    expect(jar.cookieHeader('https://i.mi.com/')).toBe('serviceToken=new; userId=7');
    expect(jar.all()).toHaveLength(2);
  });

  it('expires by Max-Age (which beats Expires) and by Expires', () => {
    const { jar, advance } = jarAt();
    jar.setCookie('short=1; Max-Age=60; Expires=Wed, 01 Jan 2031 00:00:00 GMT', 'https://i.mi.com/');
    jar.setCookie('dated=2; Expires=Mon, 01 Jun 2026 00:02:00 GMT', 'https://i.mi.com/');
    jar.setCookie('session=3', 'https://i.mi.com/');

    advance(59_000);
    expect(jar.cookieHeader('https://i.mi.com/')).toBe('short=1; dated=2; session=3');
    advance(2_000);
    expect(jar.cookieHeader('https://i.mi.com/')).toBe('dated=2; session=3');
    advance(60_000);
    expect(jar.cookieHeader('https://i.mi.com/')).toBe('session=3');
  });

  it('deletes a cookie when the server sends it again already expired', () => {
    const { jar } = jarAt();
    jar.setCookie('serviceToken=t; Domain=mi.com; Path=/', 'https://i.mi.com/');
    jar.setCookie('other=o; Path=/', 'https://i.mi.com/');

    jar.setCookie('serviceToken=; Domain=mi.com; Path=/; Max-Age=0', 'https://i.mi.com/');
    expect(jar.cookieHeader('https://i.mi.com/')).toBe('other=o');
    jar.setCookie('other=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'https://i.mi.com/');
    expect(jar.cookieHeader('https://i.mi.com/')).toBeUndefined();
  });

  it('keeps Secure cookies off plain http and refuses to take them from it', () => {
    const { jar } = jarAt();
    expect(jar.setCookie('s=1; Secure', 'http://i.mi.com/')).toBe(false);
    jar.setCookie('s=1; Secure; Path=/', 'https://i.mi.com/');
    jar.setCookie('p=2; Path=/', 'https://i.mi.com/');

    expect(jar.cookieHeader('http://i.mi.com/')).toBe('p=2');
    expect(jar.cookieHeader('https://i.mi.com/')).toBe('s=1; p=2');
  });

  it('applies the browser rules for SameSite=None and the __Secure-/__Host- prefixes', () => {
    const { jar } = jarAt();
    expect(jar.setCookie('n=1; SameSite=None', 'https://i.mi.com/')).toBe(false);
    expect(jar.setCookie('n=1; SameSite=None; Secure', 'https://i.mi.com/')).toBe(true);
    expect(jar.setCookie('__Secure-a=1', 'https://i.mi.com/')).toBe(false);
    expect(jar.setCookie('__Host-b=1; Secure; Path=/; Domain=mi.com', 'https://i.mi.com/')).toBe(false);
    expect(jar.setCookie('__Host-b=1; Secure; Path=/', 'https://i.mi.com/')).toBe(true);
    expect(jar.all().map((cookie) => cookie.name)).toEqual(['n', '__Host-b']);
  });

  it('records HttpOnly, SameSite and a value that contains "="', () => {
    const { jar } = jarAt();
    jar.setCookie('serviceToken=abc==; HttpOnly; SameSite=Strict; Secure', 'https://i.mi.com/gallery/x');

    expect(jar.all()).toEqual([
      expect.objectContaining({
        name: 'serviceToken',
        value: 'abc==',
        domain: 'i.mi.com',
        hostOnly: true,
        path: '/gallery',
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
        expiresAt: undefined,
      }),
    ]);
  });
});

describe('CookieJar: planted cookies', () => {
  it('treats a leading dot as domain-wide and a plain domain as host-only, like context.addCookies', () => {
    const { jar, advance } = jarAt();
    jar.add([
      { name: 'serviceToken', value: 't', domain: '.mi.com', secure: true, httpOnly: true },
      { name: 'userId', value: '42', domain: 'i.mi.com', path: '/', secure: true },
      { name: 'brief', value: 'b', domain: 'i.mi.com', expires: NOW / 1000 + 10 },
    ]);

    expect(jar.cookieHeader('https://i.mi.com/gallery')).toBe('serviceToken=t; userId=42; brief=b');
    expect(jar.cookieHeader('https://api.mi.com/')).toBe('serviceToken=t');
    advance(10_000);
    expect(jar.cookieHeader('https://i.mi.com/gallery')).toBe('serviceToken=t; userId=42');
  });
});

describe('path helpers (RFC 6265 §5.1.4)', () => {
  it('computes the default path', () => {
    expect(defaultPath('/')).toBe('/');
    expect(defaultPath('/login')).toBe('/');
    expect(defaultPath('/a/b/c')).toBe('/a/b');
    expect(defaultPath('')).toBe('/');
  });

  it('matches paths on segment boundaries', () => {
    expect(pathMatches('/gallery', '/gallery')).toBe(true);
    expect(pathMatches('/gallery/x', '/gallery')).toBe(true);
    expect(pathMatches('/gallery/x', '/gallery/')).toBe(true);
    expect(pathMatches('/galleryx', '/gallery')).toBe(false);
    expect(pathMatches('/', '/gallery')).toBe(false);
  });
});
