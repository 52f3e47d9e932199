import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEchoService, type EchoReply, patternBytes } from '../../fakes/net/echo-service.ts';
import { type FakeNet, startFakeNet } from '../../fakes/net/index.ts';
import { createNodeFetch, type NodeFetch } from './node-fetch.ts';

let net: FakeNet;
let fetch: NodeFetch;

beforeAll(async () => {
  net = await startFakeNet([
    createEchoService({ name: 'mi', hosts: ['i.mi.com', '*.mi.com'] }),
    createEchoService({ name: 'photos', hosts: ['photoslibrary.googleapis.com'], http2: true }),
  ]);
});
afterAll(() => net.close());
beforeEach(() => {
  fetch = createNodeFetch(net);
});

const echo = async (response: Response): Promise<EchoReply> => (await response.json()) as EchoReply;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const setCookieUrl = (...cookies: string[]) =>
  `https://i.mi.com/set-cookie?${cookies.map((c) => `c=${encodeURIComponent(c)}`).join('&')}`;
const redirectUrl = (to: string, status = 302, ...cookies: string[]) =>
  `https://i.mi.com/redirect?status=${status}&to=${encodeURIComponent(to)}${cookies
    .map((c) => `&c=${encodeURIComponent(c)}`)
    .join('')}`;

describe('createNodeFetch: reaching the fakes', () => {
  it('reaches each service at its real URL, HTTP/2 where the service speaks it', async () => {
    const mi = await echo(await fetch('https://s010.i.mi.com/echo?x=1'));
    const photos = await echo(await fetch(new URL('https://photoslibrary.googleapis.com/echo')));

    expect(mi).toMatchObject({ host: 's010.i.mi.com', path: '/echo?x=1', httpVersion: '1.1' });
    expect(photos).toMatchObject({ host: 'photoslibrary.googleapis.com', httpVersion: '2.0' });
  });

  it('fails like an unreachable host for a host no fake serves', async () => {
    const failure = fetch('https://www.googleapis.com/oauth2/v3/tokeninfo');

    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toMatchObject({
      cause: { message: expect.stringContaining('no fake service answers https://www.googleapis.com') },
    });
  });
});

describe('createNodeFetch: cookies', () => {
  beforeEach(() => {
    fetch.cookies.add([
      { name: 'serviceToken', value: 'st', domain: '.mi.com', secure: true, httpOnly: true },
      { name: 'userId', value: '42', domain: 'i.mi.com', secure: true, httpOnly: true },
    ]);
  });

  it('sends the cookies that apply to each URL unless credentials are omitted', async () => {
    const included = await echo(await fetch('https://i.mi.com/echo', { credentials: 'include' }));
    const byDefault = await echo(await fetch('https://i.mi.com/echo'));
    const otherHost = await echo(await fetch('https://api.mi.com/echo', { credentials: 'include' }));
    const omitted = await echo(await fetch('https://i.mi.com/echo', { credentials: 'omit' }));
    const photos = await echo(await fetch('https://photoslibrary.googleapis.com/echo'));

    expect(included.cookie).toBe('serviceToken=st; userId=42');
    expect(byDefault.cookie).toBe('serviceToken=st; userId=42');
    expect(otherHost.cookie).toBe('serviceToken=st');
    expect(omitted.cookie).toBeNull();
    expect(photos.cookie).toBeNull();
  });

  it('drops a Cookie header set by the caller, as a browser does', async () => {
    const reply = await echo(
      await fetch('https://i.mi.com/echo', {
        credentials: 'omit',
        headers: { Cookie: 'serviceToken=forged' },
      }),
    );

    expect(reply.cookie).toBeNull();
  });

  it('stores Set-Cookie from responses and hides the header from the caller', async () => {
    const response = await fetch(setCookieUrl('serviceToken=fresh; Domain=mi.com; Path=/; Secure; HttpOnly'));

    expect(response.status).toBe(200);
    expect(response.headers.has('set-cookie')).toBe(false);
    // Replaced in place: a renewed cookie keeps its predecessor's position (RFC 6265 §5.3 step 11.3).
    expect((await echo(await fetch('https://i.mi.com/echo'))).cookie).toBe('serviceToken=fresh; userId=42');
  });

  it('neither stores nor sends cookies with credentials omitted', async () => {
    await fetch(setCookieUrl('extra=1; Path=/; Secure'), { credentials: 'omit' });

    expect(fetch.cookies.all().map((cookie) => cookie.name)).toEqual(['serviceToken', 'userId']);
  });

  it('applies Set-Cookie from every redirect hop before following it', async () => {
    // As i.mi.com does for some accounts (xiaomi-api.md §1.1): a 302 to a shard with a fresh token.
    const response = await fetch(
      redirectUrl('https://s010.i.mi.com/echo', 302, 'serviceToken=shard; Domain=mi.com; Path=/; Secure'),
    );

    expect(response.redirected).toBe(true);
    expect(response.url).toBe('https://s010.i.mi.com/echo');
    expect((await echo(response)).cookie).toBe('serviceToken=shard');
  });
});

describe('createNodeFetch: redirects', () => {
  it('turns a POST into a body-less GET on 302 and 303', async () => {
    for (const status of [302, 303]) {
      const reply = await echo(
        await fetch(redirectUrl('/echo/after', status), {
          method: 'POST',
          body: 'meta=abc',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
      expect(reply, `status ${status}`).toMatchObject({ method: 'GET', path: '/echo/after', bodyBytes: 0 });
      expect(reply.headers['content-type']).toBeUndefined();
    }
  });

  it('keeps method and body on 307 and 308, but cannot send a stream twice', async () => {
    const body = patternBytes(0, 5000);
    const kept = await echo(await fetch(redirectUrl('/echo/kept', 307), { method: 'PUT', body }));
    expect(kept).toMatchObject({ method: 'PUT', bodyBytes: 5000, bodySha256: sha256(body) });

    const streamed = fetch('https://photoslibrary.googleapis.com/redirect?status=308&to=%2Fecho', {
      method: 'PUT',
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    await expect(streamed).rejects.toMatchObject({
      name: 'TypeError',
      cause: expect.stringContaining('redirect'),
    });
  });

  it('does not carry Authorization to another origin', async () => {
    const sameOrigin = await echo(
      await fetch(redirectUrl('https://i.mi.com/echo'), { headers: { authorization: 'Bearer t' } }),
    );
    const otherOrigin = await echo(
      await fetch(redirectUrl('https://api.mi.com/echo'), { headers: { authorization: 'Bearer t' } }),
    );

    expect(sameOrigin.headers.authorization).toBe('Bearer t');
    expect(otherOrigin.headers.authorization).toBeUndefined();
  });

  it("gives an opaque redirect for redirect: 'manual' and fails for redirect: 'error' or a loop", async () => {
    const logged = net.log.length;
    const manual = await fetch(redirectUrl('https://s010.i.mi.com/echo', 302, 'hop=1; Path=/; Secure'), {
      redirect: 'manual',
    });

    expect(manual).toMatchObject({ type: 'opaqueredirect', status: 0 });
    expect(manual.headers.get('location')).toBeNull();
    expect(fetch.cookies.cookieHeader('https://i.mi.com/')).toBe('hop=1');
    expect(net.log.slice(logged).map((record) => record.host)).toEqual(['i.mi.com']);

    await expect(fetch(redirectUrl('/echo'), { redirect: 'error' })).rejects.toThrow(TypeError);
    await expect(fetch('https://i.mi.com/loop')).rejects.toMatchObject({ cause: 'too many redirects' });
  });
});

describe('createNodeFetch: bodies and aborts', () => {
  it('sends Blob, Uint8Array and (over HTTP/2) ReadableStream bodies intact', async () => {
    const bytes = patternBytes(7, 3_000_000);

    const asBlob = await echo(
      await fetch('https://i.mi.com/echo', { method: 'PUT', body: new Blob([bytes]) }),
    );
    const asArray = await echo(await fetch('https://i.mi.com/echo', { method: 'PUT', body: bytes }));
    const asStream = await echo(
      await fetch('https://photoslibrary.googleapis.com/echo', {
        method: 'POST',
        body: new Blob([bytes]).stream(),
        duplex: 'half',
      } as RequestInit),
    );

    for (const reply of [asBlob, asArray, asStream]) {
      expect(reply).toMatchObject({ bodyBytes: bytes.length, bodySha256: sha256(bytes) });
    }
    expect(asStream.httpVersion).toBe('2.0');
  });

  it('rejects a streamed body as Chromium does: without duplex, or to a host that speaks HTTP/1.1', async () => {
    const stream = () => new Blob([patternBytes(0, 10)]).stream();

    const withoutDuplex = fetch('https://photoslibrary.googleapis.com/echo', {
      method: 'POST',
      body: stream(),
    });
    const overHttp1 = fetch('https://i.mi.com/echo', {
      method: 'POST',
      body: stream(),
      duplex: 'half',
    } as RequestInit);

    await expect(withoutDuplex).rejects.toThrow(/duplex/);
    await expect(overHttp1).rejects.toMatchObject({
      name: 'TypeError',
      cause: expect.stringContaining('HTTP/1.1'),
    });
  });

  it('fails a request whose upload the server cuts off, and the next request still gets through', async () => {
    const cuts = [
      ['photoslibrary.googleapis.com', 'stream'],
      ['photoslibrary.googleapis.com', 'connection'],
      ['i.mi.com', 'connection'],
    ];
    for (const [host, how] of cuts) {
      const cutOff = fetch(`https://${host}/cut-upload?after=1000000&how=${how}`, {
        method: 'POST',
        body: patternBytes(0, 8_000_000),
      });
      await expect(cutOff, `${host} ${how}`).rejects.toThrow(TypeError);
      expect((await fetch(`https://${host}/echo`)).status, `${host} after ${how}`).toBe(200);
    }
  });

  it('errors the body of a download the server cuts off', async () => {
    for (const [host, how] of [
      ['photoslibrary.googleapis.com', 'stream'],
      ['i.mi.com', 'connection'],
    ]) {
      const response = await fetch(`https://${host}/cut-download?n=1000000&after=100000&how=${how}`);
      expect(response.status).toBe(200);
      await expect(response.arrayBuffer(), `${host} ${how}`).rejects.toThrow();
    }
  });

  it('accepts a Request object', async () => {
    const request = new Request('https://i.mi.com/echo/request', { method: 'POST', body: 'abc' });

    expect(await echo(await fetch(request))).toMatchObject({
      method: 'POST',
      path: '/echo/request',
      bodyBytes: 3,
    });
  });

  it('streams a response body without waiting for the whole of it', async () => {
    const response = await fetch('https://i.mi.com/bytes?n=200000000');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();

    const first = await reader.read();
    await reader.cancel();

    expect(
      Buffer.from(first.value ?? []).equals(Buffer.from(patternBytes(0, first.value?.length ?? 0))),
    ).toBe(true);
    await net.settled();
    const record = net.log.find((entry) => entry.path === '/bytes?n=200000000');
    expect(record?.outcome).toBe('aborted');
    expect(record?.responseBytes).toBeLessThan(200_000_000);
  });

  it('aborts a request in flight through its AbortSignal', async () => {
    const controller = new AbortController();
    const pending = fetch('https://i.mi.com/hang', { signal: controller.signal });
    await until(() => net.log.some((record) => record.path === '/hang' && record.outcome === 'pending'));

    controller.abort();

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await net.settled();
    expect(net.log.find((record) => record.path === '/hang')?.outcome).toBe('aborted');
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
