/**
 * Helpers for this folder's unit tests only: a clock whose sleeps return at once, a fetch that
 * records requests and answers from a handler, an in-memory storage area, and a browser identity
 * that answers the authorization URL with a redirect the test chooses.
 */
import type { KeyValueArea, Platform } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import { createGooglePhotos, type GooglePhotos, type GooglePhotosOptions } from './index.ts';
import { REQUIRED_SCOPES } from './oauth.ts';

export const CLIENT_ID = '123456789012-abcdef0123456789.apps.googleusercontent.com';
export const REDIRECT_URL = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
export const START = Date.UTC(2026, 8, 1, 12);

export interface InstantClock extends Clock {
  /** Every wait asked for, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function instantClock(start = START): InstantClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  /** The body as bytes (Blob and stream bodies read out), or undefined when none was given. */
  body: Uint8Array | undefined;
  /** Sent as a stream (with `duplex: 'half'`, which fetch demands for one). */
  streamed: boolean;
  signal: AbortSignal | undefined;
  text(): string;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export interface RecordingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly requests: RecordedRequest[];
  /** Requests to photoslibrary.googleapis.com: each counts against the daily quota. */
  photosRequests(): RecordedRequest[];
}

async function bytesOf(body: BodyInit | null | undefined): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (body instanceof Uint8Array) return body;
  if (body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer());
  throw new Error(`test fetch cannot read a ${Object.prototype.toString.call(body)} body`);
}

export function recordingFetch(handler: Handler): RecordingFetch {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit & { duplex?: 'half' } = {}) => {
    const streamed = init.body instanceof ReadableStream;
    if (streamed && init.duplex !== 'half') {
      throw new TypeError('The `duplex` member must be specified for a request with a streaming body');
    }
    const body = await bytesOf(init.body);
    const request: RecordedRequest = {
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body,
      streamed,
      signal: init.signal ?? undefined,
      text: () => new TextDecoder().decode(body ?? new Uint8Array()),
    };
    requests.push(request);
    return handler(request);
  };
  return Object.assign(fetch, {
    requests,
    photosRequests: () => requests.filter((r) => r.url.hostname === 'photoslibrary.googleapis.com'),
  });
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
  });
}

export function googleError(
  status: number,
  rpcStatus: string,
  message: string,
  details?: unknown[],
): Response {
  return json(status, {
    error: { code: status, message, status: rpcStatus, ...(details ? { details } : {}) },
  });
}

export function tokenInfo(extra: Record<string, string> = {}): Response {
  return json(200, {
    azp: CLIENT_ID,
    aud: CLIENT_ID,
    scope: REQUIRED_SCOPES.join(' '),
    expires_in: '3599',
    access_type: 'online',
    ...extra,
  });
}

export interface MemoryArea extends KeyValueArea {
  readonly values: Map<string, unknown>;
}

export function memoryArea(): MemoryArea {
  const values = new Map<string, unknown>();
  const watchers = new Map<string, Set<(value: unknown) => void>>();
  const notify = (key: string) => {
    for (const watcher of watchers.get(key) ?? []) watcher(values.get(key));
  };
  return {
    values,
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, structuredClone(value));
      notify(key);
    },
    remove: async (key) => {
      values.delete(key);
      notify(key);
    },
    watch: <T>(key: string, onChange: (value: T | undefined) => void) => {
      const set = watchers.get(key) ?? new Set();
      const watcher = (value: unknown) => onChange(value as T | undefined);
      set.add(watcher);
      watchers.set(key, set);
      return () => set.delete(watcher);
    },
  };
}

/** The fragment Google appends on success, for the state in `authUrl`; an `extra` of undefined drops that field. */
export function grantedRedirect(
  authUrl: string,
  token: string,
  extra: Record<string, string | undefined> = {},
): string {
  const state = new URL(authUrl).searchParams.get('state') ?? '';
  const fields: Record<string, string | undefined> = {
    access_token: token,
    token_type: 'Bearer',
    expires_in: '3599',
    scope: REQUIRED_SCOPES.join(' '),
    state,
    ...extra,
  };
  const fragment = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) fragment.set(key, value);
  return `${REDIRECT_URL}#${fragment}`;
}

/** The redirect for an OAuth error, for the state in `authUrl`. */
export function errorRedirect(authUrl: string, error: string): string {
  return `${REDIRECT_URL}#error=${error}&state=${new URL(authUrl).searchParams.get('state')}`;
}

export interface IdentityCall {
  url: string;
  interactive: boolean;
}

export interface TestIdentity {
  identity: Platform['identity'];
  calls: IdentityCall[];
}

/** launchWebAuthFlow answering with `answer`; by default a new token `ya29.token-<n>` each time. */
export function testIdentity(
  answer: (call: IdentityCall, n: number) => string | Promise<string> = (call, n) =>
    grantedRedirect(call.url, `ya29.token-${n}`),
): TestIdentity {
  const calls: IdentityCall[] = [];
  return {
    calls,
    identity: {
      redirectUrl: () => REDIRECT_URL,
      launchWebAuthFlow: async (url, interactive) => {
        const call = { url, interactive };
        calls.push(call);
        return answer(call, calls.length);
      },
    },
  };
}

export interface TestGoogle {
  google: GooglePhotos;
  fetch: RecordingFetch;
  clock: InstantClock;
  identity: TestIdentity;
  session: MemoryArea;
}

/**
 * A destination module wired to test doubles. `photos` answers photoslibrary requests; tokeninfo
 * and revoke answer as Google does for a valid token unless `oauth` says otherwise.
 */
export function testGoogle(
  photos: Handler,
  setup: { identity?: TestIdentity; oauth?: Handler; options?: Partial<GooglePhotosOptions> } = {},
): TestGoogle {
  const clock = instantClock();
  const identity = setup.identity ?? testIdentity();
  const session = memoryArea();
  const fetch = recordingFetch((request) => {
    if (request.url.hostname === 'oauth2.googleapis.com') {
      if (setup.oauth) return setup.oauth(request);
      return request.url.pathname === '/tokeninfo' ? tokenInfo() : json(200, {});
    }
    return photos(request);
  });
  const google = createGooglePhotos({
    fetch,
    clock,
    platform: { identity: identity.identity, session },
    getClientId: async () => CLIENT_ID,
    options: setup.options,
    random: () => 0,
  });
  return { google, fetch, clock, identity, session };
}

/** Another instance on the same storage and browser, as after a service-worker restart or in another page. */
export function sameBrowser(
  test: TestGoogle,
  getClientId: () => Promise<string | undefined> = async () => CLIENT_ID,
) {
  return createGooglePhotos({
    fetch: test.fetch,
    clock: test.clock,
    platform: { identity: test.identity.identity, session: test.session },
    getClientId,
    options: { defaultClientId: '' },
  });
}

/** As `testGoogle`, already signed in. */
export async function signedInGoogle(photos: Handler, setup: Parameters<typeof testGoogle>[1] = {}) {
  const test = testGoogle(photos, setup);
  await test.google.auth.signIn();
  return test;
}
