/**
 * Helpers for the unit tests of this folder only: a clock whose sleeps return at once, a fetch
 * that records requests and answers from a handler, and a platform with given cookies and tabs.
 */
import type { BrowserCookie } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import type { XiaomiHttp } from './http.ts';
import { DEFAULT_RETRY_POLICY } from './retry.ts';
import type { SessionPlatform } from './session.ts';

export interface InstantClock extends Clock {
  /** Every wait asked for, in order. */
  readonly sleeps: number[];
}

export function instantClock(start = 1_718_000_000_000): InstantClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export interface RecordingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly requests: RecordedRequest[];
  /** Requests whose path is `path`. */
  to(path: string): RecordedRequest[];
}

export function recordingFetch(handler: Handler): RecordingFetch {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const request: RecordedRequest = {
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: init.body === undefined || init.body === null ? undefined : String(init.body),
      credentials: init.credentials,
    };
    requests.push(request);
    init.signal?.throwIfAborted();
    return handler(request);
  };
  return Object.assign(fetch, {
    requests,
    to: (path: string) => requests.filter((r) => r.url.pathname === path),
  });
}

export function json(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** The success envelope of xiaomi-api.md §3.1. */
export function ok(data: unknown): Response {
  return json({ result: 'ok', retriable: false, code: 0, description: '成功', data, ts: 1 });
}

export const LOGIN_URL =
  'https://account.xiaomi.com/pass/serviceLogin?callback=https%3A%2F%2Fi.mi.com%2Fsts&sid=i.mi.com&_group=DEFAULT';

/** The 401 of xiaomi-api.md §3.2. */
export function unauthorized(isSecondValidation = false, loginUrl = LOGIN_URL): Response {
  return json({ R: 401, S: 'Err', D: loginUrl, E: false, isSecondValidation }, 401);
}

/** A response as fetch returns it after following redirects to `finalUrl`. */
export function redirectedTo(finalUrl: string, response: Response): Response {
  Object.defineProperty(response, 'url', { value: finalUrl });
  Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

export function testHttp(fetch: RecordingFetch, clock: Clock = instantClock()): XiaomiHttp {
  return { fetch, clock, retry: { clock, random: () => 0.5, policy: DEFAULT_RETRY_POLICY } };
}

export function fakePlatform({
  cookies = [],
  tabs = [],
}: {
  cookies?: Array<Pick<BrowserCookie, 'name' | 'value' | 'domain'>>;
  tabs?: string[];
} = {}): SessionPlatform & { readonly tabPatterns: string[]; readonly cookieDomains: string[] } {
  const tabPatterns: string[] = [];
  const cookieDomains: string[] = [];
  return {
    tabPatterns,
    cookieDomains,
    cookies: {
      getAll: async (domain) => {
        cookieDomains.push(domain);
        return cookies.map((c) => ({ ...c, path: '/' }));
      },
    },
    tabs: {
      urlsMatching: async (pattern) => {
        tabPatterns.push(pattern);
        return tabs;
      },
      open: async () => {},
    },
  };
}

/** Deterministic, non-repeating test content. */
export function fileBytes(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return bytes;
}

export async function sha1Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A body that delivers `bytes` in pieces of `pieceSize`, then fails with `error` if one is given. */
export function bodyOf(bytes: Uint8Array, pieceSize: number, error?: Error): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.byteLength) {
        if (error) controller.error(error);
        else controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + pieceSize));
      at += pieceSize;
    },
  });
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
