import { connect as tlsConnect } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchLike } from '../../../src/shared/fetch.ts';
import type { FakeNet } from '../../fakes/net/index.ts';
import { CookieJar } from './cookie-jar.ts';
import { type HopRequest, type HopResponse, Http2Transport } from './http2-transport.ts';

export interface NodeFetchOptions {
  /** Share a jar between fetches, or give one a clock (e.g. the fakes' FakeClock) for cookie expiry. */
  cookies?: CookieJar;
}

export type NodeFetch = FetchLike & { readonly cookies: CookieJar };

/** Fetch §4.4: the statuses a fetch follows as redirects. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Fetch §4.4: one redirect more than this is a network error. */
const MAX_REDIRECTS = 20;
/** Fetch §4.4 step 12: headers dropped when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
/** Statuses whose responses have no body (a Response with one of them cannot be given a stream). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch for contract tests that behaves towards our clients as the extension's service worker
 * does: every https URL whose host a fake serves goes to that fake's local port (with the real host
 * as SNI, trusting the fake certificate; HTTPS/1.1 through undici, HTTP/2 through node:http2 for the
 * services that speak it), cookies come from and go to a browser-like jar, redirects are followed hop
 * by hop (taking Set-Cookie from each 3xx), and the answers look as a browser shows them (no
 * Set-Cookie header, `redirect: 'manual'` gives an opaque-redirect response). Hosts no fake serves
 * fail as unreachable ones do: `TypeError: fetch failed`.
 */
export function createNodeFetch(net: FakeNet, options: NodeFetchOptions = {}): NodeFetch {
  const jar = options.cookies ?? new CookieJar();
  const connectTls = (host: string, alpn: string[]) =>
    tlsConnect({
      host: '127.0.0.1',
      port: net.portFor(host),
      servername: host,
      ca: net.certPem,
      ALPNProtocols: alpn,
      // Measured: Chromium's --ignore-certificate-errors-spki-list (chromium-e2e.md §3) accepts the fake
      // certificate for names it does not list (a.b.mi.com under *.mi.com), so Node must not be stricter.
      checkServerIdentity: () => undefined,
    });
  const http1 = new Agent({
    connect({ hostname }, callback) {
      const socket = connectTls(hostname, ['http/1.1']);
      socket
        .once('secureConnect', () => callback(null, socket))
        .once('error', (error) => callback(error, null));
    },
  });
  const http2 = new Http2Transport(connectTls);

  const sendHop = (url: URL, request: HopRequest): Promise<HopResponse> => {
    const port = url.protocol === 'https:' ? net.portFor(url.hostname) : undefined;
    if (port === undefined) {
      const cause = new Error(`createNodeFetch: no fake service answers ${url.protocol}//${url.hostname}`);
      return Promise.reject(new TypeError('fetch failed', { cause }));
    }
    if (port === net.ports.http2) return http2.request(url, request);
    if (request.body instanceof ReadableStream) {
      // chromium-e2e.md §6: Chromium streams request bodies over HTTP/2 only; over HTTPS/1.1 the
      // fetch fails with net::ERR_ALPN_NEGOTIATION_FAILED.
      const cause = `streamed body to ${url.host}, which speaks HTTP/1.1`;
      return Promise.reject(new TypeError('Failed to fetch', { cause }));
    }
    const { method, headers, body, signal } = request;
    return undiciFetch(url, {
      method,
      headers,
      body: body as never,
      signal,
      redirect: 'manual',
      dispatcher: http1,
    });
  };

  const nodeFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = input instanceof Request ? new Request(input, init) : undefined;
    let url = new URL(request?.url ?? String(input));
    let method = (request?.method ?? init.method ?? 'GET').toUpperCase();
    // A Request holds its body as a stream whatever it was made from; send the bytes it holds.
    let body = request?.body ? await request.blob() : init.body;
    const duplex = (init as RequestInit & { duplex?: 'half' }).duplex;
    if (body instanceof ReadableStream && duplex !== 'half') {
      throw new TypeError('The `duplex` member must be specified for a request with a streaming body');
    }
    const headers = new Headers(request?.headers ?? init.headers);
    // Cookie is a forbidden request header: a browser drops one set by script and sends its jar's.
    headers.delete('cookie');
    const signal = request?.signal ?? init.signal ?? undefined;
    const credentials = request?.credentials ?? init.credentials ?? 'same-origin';
    const redirectMode = request?.redirect ?? init.redirect ?? 'follow';
    // chromium-e2e.md §3: from the service worker to a host-permitted origin, the default mode sends
    // cookies too; only 'omit' sends (and stores) none.
    const useCookies = credentials !== 'omit';

    for (let redirects = 0; ; redirects++) {
      signal?.throwIfAborted();
      const hopHeaders = new Headers(headers);
      const cookie = useCookies ? jar.cookieHeader(url) : undefined;
      if (cookie !== undefined) hopHeaders.set('cookie', cookie);
      const response = await sendHop(url, { method, headers: hopHeaders, body, signal });
      if (useCookies) for (const setCookie of response.headers.getSetCookie()) jar.setCookie(setCookie, url);

      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null) {
        return asBrowserResponse(response, url, redirects > 0);
      }
      await response.body?.cancel();
      if (redirectMode === 'manual') return opaqueRedirect(url);
      if (redirectMode === 'error') throw new TypeError('fetch failed', { cause: `redirect to ${location}` });
      if (redirects === MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: 'too many redirects' });

      const next = new URL(location, url);
      if (
        ((response.status === 301 || response.status === 302) && method === 'POST') ||
        (response.status === 303 && method !== 'GET' && method !== 'HEAD')
      ) {
        method = 'GET';
        body = null;
        for (const name of REQUEST_BODY_HEADERS) headers.delete(name);
      } else if (body instanceof ReadableStream) {
        // Fetch §4.4 step 11: a body without a source (a stream) cannot be sent a second time.
        throw new TypeError('fetch failed', {
          cause: 'a streamed body cannot be sent again after a redirect',
        });
      }
      // Fetch §4.4 step 13: credentials set by script do not follow a request to another origin.
      if (next.origin !== url.origin) headers.delete('authorization');
      url = next;
    }
  };
  return Object.assign(nodeFetch, { cookies: jar });
}

/** The response as a page sees it: Set-Cookie hidden, `url` the final URL, `redirected` set. */
function asBrowserResponse(response: HopResponse, url: URL, redirected: boolean): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.append(name, value);
  const body = NULL_BODY_STATUSES.has(response.status) ? null : (response.body as ReadableStream | null);
  const shown = new Response(body, { status: response.status, statusText: response.statusText, headers });
  return Object.defineProperties(shown, {
    url: { value: url.href },
    redirected: { value: redirected },
  });
}

/** Fetch §4.4 with redirect mode "manual": status 0, no headers, no body, nothing to read the Location from. */
function opaqueRedirect(url: URL): Response {
  return Object.defineProperties(Response.error(), {
    type: { value: 'opaqueredirect' },
    url: { value: url.href },
  });
}
