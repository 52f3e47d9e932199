/**
 * Everything about the fake Xiaomi Cloud that a test may choose. Where xiaomi-api.md calls a
 * behaviour unknown (§11), there is a setting here, and its comment names the default and why.
 * All settings can be changed while the fake runs (`FakeXiaomi.configure`).
 */

import type { FakeClock } from '../clock.ts';
import type { Library } from '../library/library.ts';

export interface XiaomiBehaviour {
  /**
   * The web host the account lives on (§1.1). Session requests to any other web host get the 401
   * body, as a region mismatch does (§7; its exact response is unknown). Default 'i.mi.com'.
   */
  accountHost: string;
  /**
   * Where session cookies set by the fake go: `Domain=.mi.com` ('mi.com', default: every web host
   * and the storage hosts see them) or host-only on the host that set them ('host-only': how the
   * user in nogiszd/xiaomi-note-exporter#1 ended up with cookies on the wrong host, §1.1).
   */
  cookieDomain: 'mi.com' | 'host-only';
  /** Whether `serviceToken` is set HttpOnly (§2.1: unknown, sources conflict). Default true. */
  serviceTokenHttpOnly: boolean;
  /**
   * Shard redirect (§1.1, seen for notes, [inf] for gallery): session requests to `accountHost` are
   * answered by a redirect to the same path on `host` with a fresh `serviceToken` cookie (302 for
   * GET, 307 so a POST keeps its body), and, if `unauthorizedOnce`, the very first request on the
   * shard gets a 401 that an immediate retry gets past. Undefined (default): no shard.
   */
  shard: { host: string; unauthorizedOnce: boolean } | undefined;
  /**
   * The gallery's "trust this device" phone verification is pending (§2.2): gallery endpoints answer
   * 401 with `isSecondValidation: true`; `/common/check` and keep-alive still answer 200 (the account
   * session itself is fine, §3.2). `GET /__fake/verify-phone` clears it, as doing it in the page would.
   */
  secondValidation: boolean;
  /**
   * The private album 1000 (§4.2: whether it needs an extra step is undocumented): 'open' (default,
   * A and C list and download it with the ordinary calls) or 'locked' (its galleries, timeline and
   * downloads answer 401 with `isSecondValidation: true`).
   */
  privateAlbum: 'open' | 'locked';
  /** `getEncInfo` `data.e2eeStatus` (§2.5). Default 'close'. */
  e2eeStatus: 'close' | 'open';
  /**
   * Whether originals come back encrypted while E2EE is on (§2.5: unknown). True: step 3 serves bytes
   * whose SHA-1 does not match the listing. Default true (the safer assumption for a client).
   */
  e2eeEncryptsDownloads: boolean;
  /**
   * Absolute lifetime of a `serviceToken` from when it was issued; undefined (default): until
   * `expireSession()`. §2.2 reports expiry within about an hour.
   */
  tokenLifetimeMs: number | undefined;
  /**
   * The keep-alive `GET /status/lite/setting?type=AutoRenewal` issues a new token (Set-Cookie) once
   * the presented one is this old; no Set-Cookie means no renewal was needed (§2.2). Default 0:
   * every keep-alive renews. `Infinity`: never.
   */
  renewAfterMs: number;
  /** How long a replaced token keeps working after a renewal or rotation. Default 5 minutes. */
  rotationGraceMs: number;
  /** Lifetime of the signed step-2 and step-3 URLs, from their `ts` (§6.3: undocumented). Default 10 minutes. */
  signedUrlLifetimeMs: number;
  /** Host of the step-2 URL `/gallery/storage` returns (§11 Q1: never printed). Default 'ali.xmssdn.micloud.mi.com'. */
  resolveHost: string;
  /** Host of the step-3 download URL (§11 Q1). Default 'ali.xmssdn.micloud.mi.com'. */
  downloadHost: string;
  /**
   * Name of the step-2 JSONP callback (§6.2): 'dl_img_cb' (default, what D, E and F expect), 'echo'
   * (the `callBack` parameter sent to `/gallery/storage`, or 'dl_img_cb' without one), or any other
   * fixed name.
   */
  jsonpCallback: string;
  /** Step 3 and `Range` (§6.3, §11 Q2: unknown): 'ignore' (default: 200 with the whole body) or 'honour' (206). */
  range: 'ignore' | 'honour';
  /** Whether a GET to the step-3 URL also serves the bytes (§11 Q2: unknown). Default false: 405. */
  downloadAcceptsGet: boolean;
  /**
   * Whether steps 2 and 3 refuse (403) a request whose `Origin` is an extension's, as an extension's
   * POST carries one (§9, §11 Q5: unknown). Default false.
   */
  rejectExtensionOrigin: boolean;
  /**
   * Largest page the listing endpoints return, whatever `pageSize` asks (§5.1: large pages time out).
   * Undefined (default): honour `pageSize`.
   */
  maxPageSize: number | undefined;
  /** Offset of the day buckets behind `startDate`/`endDate` and `dayCount` (§7: assumed UTC+8). Default 480. */
  dayBucketUtcOffsetMinutes: number;
  /** Whether `galleries`/`timeline` without `albumId` include the private album (§5.2, §11 Q6). Default false. */
  wholeLibraryIncludesPrivate: boolean;
  /** The library-wide `indexHash`, above 2^53 by default so it must be parsed losslessly. Deletions add to it. */
  indexHash: bigint;
  /** Real-time delay before every request is answered. Default 0. */
  latencyMs: number;
  /**
   * Share (0–1) of requests that fail at random (seeded): an nginx 502/503 HTML page, or on JSON
   * endpoints half the time a `retriable: true` error inside HTTP 200 (§3.1). Default 0.
   */
  errorRate: number;
}

export interface FakeXiaomiOptions extends Partial<XiaomiBehaviour> {
  /** What the account holds. */
  library: Library;
  /** The fakes' clock: token lifetimes, signed-URL expiry, timestamps. Default a new FakeClock. */
  clock?: FakeClock;
  /** Seed of the fake's own randomness: tokens, signatures, random faults. Default 1. */
  seed?: number;
}

export const DEFAULT_BEHAVIOUR: Readonly<XiaomiBehaviour> = {
  accountHost: 'i.mi.com',
  cookieDomain: 'mi.com',
  serviceTokenHttpOnly: true,
  shard: undefined,
  secondValidation: false,
  privateAlbum: 'open',
  e2eeStatus: 'close',
  e2eeEncryptsDownloads: true,
  tokenLifetimeMs: undefined,
  renewAfterMs: 0,
  rotationGraceMs: 5 * 60_000,
  signedUrlLifetimeMs: 10 * 60_000,
  resolveHost: 'ali.xmssdn.micloud.mi.com',
  downloadHost: 'ali.xmssdn.micloud.mi.com',
  jsonpCallback: 'dl_img_cb',
  range: 'ignore',
  downloadAcceptsGet: false,
  rejectExtensionOrigin: false,
  maxPageSize: undefined,
  dayBucketUtcOffsetMinutes: 480,
  wholeLibraryIncludesPrivate: false,
  indexHash: 18_014_398_509_481_985n,
  latencyMs: 0,
  errorRate: 0,
};

/** A shard host as §1.1 saw it. */
export const DEFAULT_SHARD = { host: 's010.i.mi.com', unauthorizedOnce: true } as const;
