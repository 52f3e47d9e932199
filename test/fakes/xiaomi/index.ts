/**
 * A fake Xiaomi Cloud (i.mi.com web gallery API) for contract and end-to-end tests: the stand-in for
 * /work/shared/specs/xiaomi-api.md, independent of our client in src/xiaomi.
 *
 * ```ts
 * const xiaomi = createFakeXiaomi({ library: presetSmall(), clock });
 * const net = await startFakeNet(xiaomi.services);      // test/fakes/net
 * await context.addCookies(xiaomi.sessionCookies());    // or open https://i.mi.com/__fake/login
 * xiaomi.failNext('/gallery/storage', { kind: 'deleted' });
 * expect(xiaomi.state.counters.galleries).toBe(3);
 * ```
 *
 * Services (`services`, both HTTPS/1.1):
 * - `xiaomi-web` answers `i.mi.com` and every `*.i.mi.com` (us., eu., in., s010., …):
 *   - HTML: `/`, `/gallery/h5` (a tab can be opened on them), `/__fake/login[?userId=]` (sets the
 *     `serviceToken` and `userId` cookies), `/__fake/verify-phone` (completes phone verification);
 *   - session API (§2–§5): `GET /gallery/user/album/list`, `/gallery/user/galleries`,
 *     `/gallery/user/timeline`, `/gallery/album/full`, `/gallery/allitems`, `/gallery/deleted_v2`,
 *     `/gallery/storage` (also `/gallery/<userId>/storage`), `/common/check`,
 *     `/mic/keybag/v1/getEncInfo`, `/status/lite/setting`, `/status/lite/alldetail`;
 *     `POST /gallery/user/lite/index/prepare`; no session needed: `GET /api/user/login`.
 * - `xiaomi-storage` answers `*.xmssdn.micloud.mi.com` (and any other host configured as
 *   `resolveHost`/`downloadHost` at creation): step 2 `GET /mic/dl/<id>?ts&sig` (JSONP), step 3
 *   `POST /2/1500000000000/download_file?…&ts&sig` with `meta=…`, thumbnails
 *   `GET /2/1500000000000/get_thumbnail?…`. These pre-signed paths answer on the web hosts too.
 *
 * Session: requests need the `serviceToken` and `userId` cookies; without a valid session, or on a
 * web host other than `accountHost`, the answer is HTTP 401 with
 * `{"R":401,"S":"Err","D":"https://account.xiaomi.com/pass/serviceLogin?…","E":false,"isSecondValidation":false}`.
 * Deleted items: `/gallery/storage` answers HTTP 200 `{"result":"error","retriable":false,"code":50050,…}`.
 * Numbers above 2^53 (`tag`, `indexHash`, `groupId`, `userId`) are raw JSON numbers; ids are strings.
 */
import { FakeClock } from '../clock.ts';
import type { Library } from '../library/library.ts';
import { hostMatches } from '../net/hosts.ts';
import { seededRandom } from '../random.ts';
import type { FakeService } from '../types.ts';
import { Catalog } from './catalog.ts';
import type { FakeContext } from './context.ts';
import { DownloadLinks } from './download.ts';
import { type Fault, Faults, type RequestPattern } from './faults.ts';
import { DEFAULT_BEHAVIOUR, type FakeXiaomiOptions, type XiaomiBehaviour } from './options.ts';
import { type Endpoint, Recorder, type XiaomiRequestRecord } from './recorder.ts';
import { serviceHandler } from './router.ts';
import { Session } from './session.ts';
import { Signer } from './signer.ts';

export { DEFAULT_RETRIABLE_CODE, DELETED_BODY, unauthorizedBody } from './bodies.ts';
export { DEFAULT_JSONP_CALLBACK, DOWNLOAD_PATH, parseRange } from './download.ts';
export type { Fault, RequestPattern } from './faults.ts';
export { type JsonValue, jsonText } from './json-text.ts';
export { ALLITEMS_LIMIT_CAP, DEFAULT_PAGE_SIZE } from './listing.ts';
export { MALFORMED } from './malformed.ts';
export { DEFAULT_BEHAVIOUR, DEFAULT_SHARD, type FakeXiaomiOptions, type XiaomiBehaviour } from './options.ts';
export { LOGIN_PATH, VERIFY_PHONE_PATH } from './pages.ts';
export { ENDPOINTS, type Endpoint, type XiaomiRequestRecord } from './recorder.ts';
export { STORAGE_BUCKET, THUMBNAIL_HOST } from './thumbnails.ts';

export const WEB_HOSTS = ['i.mi.com', '*.i.mi.com'] as const;
export const STORAGE_HOSTS = ['*.xmssdn.micloud.mi.com'] as const;

/** A cookie in the shape Playwright's `context.addCookies` takes (a leading dot: domain-wide). */
export interface SeedCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'Lax';
}

/** What the fake holds and saw; read it in assertions. */
export interface FakeXiaomiState {
  /** The current behaviour (the object `configure` changes). */
  readonly behaviour: Readonly<XiaomiBehaviour>;
  /** Every request, in arrival order, updated while its answer goes out. */
  readonly requests: readonly XiaomiRequestRecord[];
  /** Requests per endpoint (`unknown` for paths the fake does not serve). */
  readonly counters: Readonly<Record<Endpoint, number>>;
  readonly userId: string;
  /** The newest `serviceToken`. */
  readonly currentToken: string;
  /** Items moved to the recycle bin by `deleteItem`, oldest first. */
  readonly deletedIds: readonly string[];
}

export interface FakeXiaomi {
  /** [web, storage]; mount them with test/fakes/net. */
  readonly services: readonly FakeService[];
  readonly state: FakeXiaomiState;
  readonly library: Library;
  readonly clock: FakeClock;
  /** Changes behaviour from the next request on (e.g. `{ range: 'honour', errorRate: 0.1 }`). */
  configure(changes: Partial<XiaomiBehaviour>): void;
  /** The session cookies to seed into a browser or cookie jar: `serviceToken` (current) and `userId`. */
  sessionCookies(): SeedCookie[];
  /** Every token stops working: all session endpoints answer 401 until `restoreSession` or a fake login. */
  expireSession(): void;
  /** The browser's current token works again (its lifetime restarts); returns it. */
  restoreSession(): string;
  /**
   * The server replaces the token on its own: the next answer to a request with a valid session
   * carries `Set-Cookie: serviceToken=<new>`; the old one works for `rotationGraceMs`. Returns the new token.
   */
  rotateToken(): string;
  /** The item goes to the recycle bin: gone from listings, `/gallery/storage` answers code 50050, step 3 404. */
  deleteItem(id: string): void;
  /** The next `times` requests matching `pattern` suffer `fault` (see `Fault` for the kinds). */
  failNext(pattern: RequestPattern, fault: Fault, times?: number): void;
  /** Drops scripted faults that have not fired. */
  clearFaults(): void;
  /** Recorded requests to one endpoint. */
  requestsTo(endpoint: Endpoint): XiaomiRequestRecord[];
  /** Forgets recorded requests and zeroes the counters. */
  clearRequests(): void;
}

export function createFakeXiaomi(options: FakeXiaomiOptions): FakeXiaomi {
  const { library, clock = new FakeClock(), seed = 1, ...overrides } = options;
  const behaviour: XiaomiBehaviour = { ...DEFAULT_BEHAVIOUR, ...overrides };
  const session = new Session(library.userId, () => behaviour, clock, seededRandom(seed));
  const fake: FakeContext = {
    behaviour,
    clock,
    catalog: new Catalog(library),
    session,
    signer: new Signer(seed),
  };
  const recorder = new Recorder();
  const faults = new Faults(seededRandom(seed + 1));
  const pipeline = { fake, recorder, faults, links: new DownloadLinks(fake) };

  const covered = (host: string) =>
    [...WEB_HOSTS, ...STORAGE_HOSTS].some((pattern) => hostMatches(pattern, host));
  const extraStorageHosts = [...new Set([behaviour.resolveHost, behaviour.downloadHost])].filter(
    (h) => !covered(h),
  );
  const services: FakeService[] = [
    { name: 'xiaomi-web', hosts: WEB_HOSTS, http2: false, handle: serviceHandler('web', pipeline) },
    {
      name: 'xiaomi-storage',
      hosts: [...STORAGE_HOSTS, ...extraStorageHosts],
      http2: false,
      handle: serviceHandler('storage', pipeline),
    },
  ];

  const state: FakeXiaomiState = {
    behaviour,
    requests: recorder.requests,
    counters: recorder.counters,
    get userId() {
      return session.userId;
    },
    get currentToken() {
      return session.current;
    },
    get deletedIds() {
      return fake.catalog.deleted.map(({ item }) => item.id).reverse();
    },
  };

  return {
    services,
    state,
    library,
    clock,
    configure: (changes) => {
      Object.assign(behaviour, changes);
    },
    sessionCookies: () => {
      const domain = behaviour.cookieDomain === 'mi.com' ? '.mi.com' : behaviour.accountHost;
      const cookie = (name: string, value: string, httpOnly: boolean): SeedCookie => ({
        name,
        value,
        domain,
        path: '/',
        secure: true,
        httpOnly,
        sameSite: 'Lax',
      });
      return [
        cookie('serviceToken', session.current, behaviour.serviceTokenHttpOnly),
        cookie('userId', session.userId, false),
      ];
    },
    expireSession: () => session.expire(),
    restoreSession: () => session.restore(),
    rotateToken: () => session.rotate(),
    deleteItem: (id) => fake.catalog.delete(id, clock.now()),
    failNext: (pattern, fault, times) => faults.failNext(pattern, fault, times),
    clearFaults: () => faults.clear(),
    requestsTo: (endpoint) => recorder.requests.filter((record) => record.endpoint === endpoint),
    clearRequests: () => recorder.clear(),
  };
}
