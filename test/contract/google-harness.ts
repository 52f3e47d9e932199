/**
 * The Google destination module (src/google) against the fake Google (test/fakes/google), mounted on
 * the fake network and reached through the Node fetch that behaves as the service worker's does.
 * Sign-in goes through the fake's real authorize endpoint: `nodeIdentity` plays launchWebAuthFlow.
 */
import { createHash } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { afterEach } from 'vitest';
import { createGooglePhotos, type GooglePhotos, type GooglePhotosOptions } from '../../src/google/index.ts';
import { type MemoryArea, memoryArea } from '../../src/google/test-support.ts';
import type { ResumableSession, UploadMeta } from '../../src/google/uploads.ts';
import type { Platform } from '../../src/platform/platform.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { FetchLike } from '../../src/shared/fetch.ts';
import { FakeClock } from '../fakes/clock.ts';
import {
  createFakeGoogle,
  type FakeGoogle,
  type FakeGoogleOptions,
  jpegFile,
  movieFile,
} from '../fakes/google/index.ts';
import { box } from '../fakes/google/media/fixtures.ts';
import { type FakeNet, startFakeNet } from '../fakes/net/index.ts';
import { CookieJar } from './support/cookie-jar.ts';
import { createNodeFetch } from './support/node-fetch.ts';

export const REDIRECT_URL = 'https://kbjkpjmhgfhmdglmbnobjjblbkgmbifp.chromiumapp.org/';

/** Chromium's rejection when a non-interactive flow meets a page (chromium-e2e.md §4). */
const INTERACTION_REQUIRED =
  "User interaction required. Try setting `abortOnLoadForNonInteractive` and `timeoutMsForNonInteractive` if multiple navigations are required, or if code is used for redirects in the authorization page after it's loaded.";
/** Chromium's rejection when the person closes the window (§F1). */
const WINDOW_CLOSED = 'The user did not approve access.';

interface RawAnswer {
  status: number;
  location: string | undefined;
  body: string;
}

/** One GET that does not follow redirects: what the auth window sees of each navigation. */
function getWithoutFollowing(net: FakeNet, url: URL): Promise<RawAnswer> {
  const port = net.portFor(url.hostname);
  if (port === undefined) return Promise.reject(new Error(`no fake serves ${url.hostname}`));
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        servername: url.hostname,
        ca: net.certPem,
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            location: response.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** What the person does when the sign-in window shows a page instead of redirecting at once. */
export type PersonAtWindow = 'allow' | 'cancel' | 'close';

/**
 * launchWebAuthFlow as Chromium runs it: navigations are followed inside the window until one
 * reaches the redirect URL, which resolves the call; a page that stays fails a non-interactive
 * flow, and in an interactive one the person decides.
 */
export function nodeIdentity(
  net: FakeNet,
  person: () => PersonAtWindow = () => 'allow',
): Platform['identity'] {
  return {
    redirectUrl: () => REDIRECT_URL,
    async launchWebAuthFlow(url, interactive) {
      let next = new URL(url);
      for (let hops = 0; hops < 10; hops++) {
        const answer = await getWithoutFollowing(net, next);
        if (answer.location !== undefined) {
          const location = new URL(answer.location, next);
          if (location.href.startsWith(REDIRECT_URL)) return location.href;
          next = location;
          continue;
        }
        if (!interactive) throw new Error(INTERACTION_REQUIRED);
        const choice = person();
        const link = /<a id="(allow|cancel)" href="([^"]+)"/g;
        const links = Object.fromEntries([...answer.body.matchAll(link)].map((m) => [m[1], m[2]]));
        const href = choice === 'close' ? undefined : links[choice];
        if (href === undefined) throw new Error(WINDOW_CLOSED);
        next = new URL(href.replaceAll('&amp;', '&'), next);
      }
      throw new Error('Authorization page could not be loaded.');
    },
  };
}

/**
 * createNodeFetch, on a new connection pool after any failed request, as the browser opens a new
 * connection after one broke. Needed because undici's HTTP/2 client (experimental) queues the next
 * request on a session the server destroyed mid-upload, where it waits forever.
 */
function reconnectingFetch(net: FakeNet): FetchLike {
  const cookies = new CookieJar();
  let current = createNodeFetch(net, { cookies });
  return async (input, init) => {
    try {
      return await current(input, init);
    } catch (e) {
      current = createNodeFetch(net, { cookies });
      throw e;
    }
  };
}

/** The module's clock on the fake's time: back-off sleeps move the fake's clock on at once. */
export interface SharedClock extends Clock {
  readonly sleeps: number[];
}

function sharedClock(fakeClock: FakeClock): SharedClock {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => fakeClock.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      fakeClock.advance(ms);
    },
  };
}

export interface Harness {
  fake: FakeGoogle;
  net: FakeNet;
  google: GooglePhotos;
  clock: SharedClock;
  session: MemoryArea;
  identity: Platform['identity'];
  /** A second module instance on the same browser state, as after a service-worker restart. */
  restart(): GooglePhotos;
  /** Photos Library API requests the fake counted (each one counts against the daily quota). */
  photosRequests(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  fake?: FakeGoogleOptions;
  options?: Partial<GooglePhotosOptions>;
  person?: () => PersonAtWindow;
  /** The person's own client id from the settings; default: the fake's registered client. */
  ownClientId?: () => Promise<string | undefined>;
  /** Sign in before handing the harness over (default true). */
  signIn?: boolean;
}

/**
 * For a test file: a `start` that builds a harness (from `defaults`, then the test's own options,
 * merged shallowly) and closes every harness it built after each test.
 */
export function harnessPerTest(
  defaults: HarnessOptions = {},
): (options?: HarnessOptions) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close();
  });
  return async (options = {}) => {
    const harness = await startHarness({ ...defaults, ...options });
    open.push(harness);
    return harness;
  };
}

export async function startHarness(setup: HarnessOptions = {}): Promise<Harness> {
  const fakeClock = new FakeClock();
  fakeClock.set(Date.parse('2026-09-14T17:00:00Z'));
  const fake = createFakeGoogle({ clock: fakeClock, ...setup.fake });
  const net = await startFakeNet(fake.services);
  const fetch = reconnectingFetch(net);
  const clock = sharedClock(fakeClock);
  const session = memoryArea();
  const identity = nodeIdentity(net, setup.person);
  const build = () =>
    createGooglePhotos({
      fetch,
      clock,
      platform: { identity, session },
      getClientId: setup.ownClientId ?? (async () => fake.config.defaultClientId),
      options: setup.options,
      random: () => 0.5,
    });
  const google = build();
  if (setup.signIn ?? true) await google.auth.signIn();
  return {
    fake,
    net,
    google,
    clock,
    session,
    identity,
    restart: build,
    photosRequests: () => fake.state.requestLog.filter((entry) => entry.service === 'photos').length,
    close: () => net.close(),
  };
}

/**
 * What the engine does with a resumable upload, reduced to its persistence: the session and the
 * acknowledged offset are "written" to `saved` after every step, and any failure leaves them there.
 */
export interface SavedUpload {
  session?: ResumableSession;
  offset: number;
}

export async function uploadResumably(
  google: GooglePhotos,
  meta: UploadMeta,
  bytes: Uint8Array,
  saved: SavedUpload,
): Promise<string> {
  const { uploads } = google;
  if (saved.session) {
    const decision = await uploads.resumeSession(saved.session);
    if (decision.action === 'continue') saved.offset = decision.offset;
    else saved.session = undefined;
  }
  if (!saved.session) {
    saved.session = await uploads.startSession(meta);
    saved.offset = 0;
  }
  for (;;) {
    const plan = uploads.nextChunk(saved.session, saved.offset, bytes.byteLength);
    const body = new Blob([
      bytes.subarray(plan.offset, plan.offset + plan.length) as Uint8Array<ArrayBuffer>,
    ]);
    const result = await uploads.uploadChunk(saved.session, plan.offset, body, plan.isLast, meta.sha1);
    if (result.kind === 'final') return result.uploadToken;
    saved.offset = result.received;
  }
}

/** Hex SHA-1, as Xiaomi lists it. */
export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** A video the fake accepts, padded to about `size` bytes so it needs several chunks. */
export function videoOfSize(size: number, salt: string): Buffer {
  const movie = movieFile({ salt, createdAt: new Date('2024-07-14T10:21:08Z') });
  const padding = Math.max(0, size - movie.length - 8);
  const filler = Buffer.alloc(padding);
  for (let i = 0; i < padding; i++) filler[i] = (i * 31 + salt.length) & 0xff;
  return Buffer.concat([movie, box('free', filler)]);
}

export interface UploadedPhoto {
  uploadToken: string;
  fileName: string;
  sha1: string;
}

/** Uploads `count` distinct small JPEGs raw, as the engine does below the raw limit. */
export async function uploadPhotos(
  google: GooglePhotos,
  count: number,
  prefix: string,
): Promise<UploadedPhoto[]> {
  const photos: UploadedPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = jpegFile({ salt: `${prefix}-${i}` });
    const fileName = `${prefix}_${String(i).padStart(4, '0')}.jpg`;
    const sha1 = sha1Hex(bytes);
    const uploadToken = await google.uploads.uploadRaw(
      { fileName, mimeType: 'image/jpeg', size: bytes.length, sha1 },
      new Blob([new Uint8Array(bytes)]),
    );
    photos.push({ uploadToken, fileName, sha1 });
  }
  return photos;
}
