/**
 * The fake Google: OAuth (accounts.google.com, oauth2.googleapis.com over HTTPS/1.1) and the Photos
 * Library API (photoslibrary.googleapis.com over HTTP/2), the stand-in for the real services that
 * google-photos-api.md §I specifies. It knows nothing of the extension's own code.
 *
 * ```ts
 * const google = createFakeGoogle({ clock, dedupe: 'exists' });
 * // mount google.services with the network layer (test/fakes/net), then:
 * const token = google.issueAccessToken();           // skip the OAuth dance
 * google.failNext('mediaItems:batchCreate', { kind: 'error', error: 'concurrent-write' });
 * expect(google.state.mediaItemList().map((item) => item.filename)).toEqual(['IMG_0042.JPG']);
 * ```
 *
 * Model: one signed-in user; each OAuth client is an "app" that sees and writes only its own albums
 * and items (§A6, §D5), while dedupe spans the user's whole library; the daily quota is per Cloud
 * project (the client id's leading digits). Time-dependent rules (token expiry, quota days, upload
 * token age, session age, per-minute writes) read the FakeClock only. Wherever the spec calls a
 * behaviour unknown, `FakeGoogleConfig` has a setting; its comments name the default and the reason.
 *
 * Endpoint ids for fault patterns: 'uploads:raw', 'uploads:start', 'uploads:chunk' (upload and/or
 * finalize), 'uploads:query', 'uploads:cancel', 'mediaItems:batchCreate', 'mediaItems:list',
 * 'mediaItems:get', 'mediaItems:batchGet', 'mediaItems:search', 'albums:create', 'albums:list',
 * 'albums:get', 'albums:batchAddMediaItems'.
 */
import { FakeClock } from '../clock.ts';
import { seededRandom } from '../random.ts';
import type { FakeService } from '../types.ts';
import { AccessTokens } from './access-tokens.ts';
import { type EndpointPattern, type Fault, Faults, type ItemFailure } from './faults.ts';
import type { CutMode } from './http.ts';
import { type AuthorizeBehaviour, OAuthService } from './oauth-service.ts';
import { DEFAULT_CONFIG, type FakeGoogleConfig, PHOTOS_SCOPES, projectNumberOf } from './options.ts';
import { PhotosService } from './photos-service.ts';
import { Quota } from './quota.ts';
import { FakeGoogleState } from './state.ts';

export type { EndpointPattern, Fault, ItemFailure } from './faults.ts';
export type { GoogleErrorName } from './google-errors.ts';
export type { CutMode } from './http.ts';
export { type ExifFields, heicFile, jpegFile, movieFile, pngFile } from './media/fixtures.ts';
export { inspectMedia, type MediaInfo } from './media/inspect.ts';
export type { AuthorizeBehaviour, AuthorizeOutcome } from './oauth-service.ts';
export { ACCOUNTS_HOST, OAUTH2_HOST } from './oauth-service.ts';
export type { FakeGoogleConfig } from './options.ts';
export { DEFAULT_CONFIG, PHOTOS_SCOPES } from './options.ts';
export type { EndpointId } from './photos-context.ts';
export { PHOTOS_HOST } from './photos-service.ts';
export { pacificDay } from './quota.ts';
export type {
  AccessTokenRecord,
  AlbumRecord,
  FakeGoogleState,
  MediaItemRecord,
  OAuthRequestRecord,
  RequestLogEntry,
  UploadSessionRecord,
  UploadTokenRecord,
} from './state.ts';

/** Settings that can change while the fake runs (everything but the seed and the storage counter). */
export type FakeGoogleSettings = Omit<FakeGoogleConfig, 'seed' | 'storageRemainingBytes'>;

export interface FakeGoogleOptions extends Partial<FakeGoogleConfig> {
  /** The clock for token expiry, quota days, upload-token age… Default: a new FakeClock. */
  clock?: FakeClock;
}

export interface IssueTokenOptions {
  /** Default: `config.defaultClientId`. */
  clientId?: string;
  /** Default: appendonly + readonly.appcreateddata + edit.appcreateddata. */
  scopes?: readonly string[];
  /** Default: `config.accessTokenLifetimeSeconds`. */
  lifetimeSeconds?: number;
}

export interface FakeGoogle {
  /** [OAuth (HTTPS/1.1), Photos Library (HTTP/2)], ready for the network layer to mount. */
  readonly services: FakeService[];
  readonly oauthService: FakeService;
  readonly photosService: FakeService;
  /** Everything that arrived: media items with their bytes, albums, tokens, the request log. */
  readonly state: FakeGoogleState;
  readonly clock: FakeClock;
  /** The live settings; change them with `configure`. */
  readonly config: Readonly<FakeGoogleConfig>;
  configure(settings: Partial<FakeGoogleSettings>): void;

  // OAuth
  /** How every later authorize request is answered (default `{ outcome: 'grant' }`). */
  setAuthorizeBehaviour(behaviour: AuthorizeBehaviour): void;
  /** How the next authorize request only is answered; calls queue up. */
  authorizeNextWith(behaviour: AuthorizeBehaviour): void;
  /** Mints a valid access token directly, as if the OAuth flow had run. */
  issueAccessToken(options?: IssueTokenOptions): string;
  /** Every token issued so far is expired from now on (new ones are not). */
  expireAllTokens(): void;
  /** Every token and grant issued so far is revoked. */
  revokeAll(): void;

  // Photos state
  /** The user deletes an app album in the Photos UI: it disappears for the app (§E11). */
  deleteAlbumAsUser(albumId: string): void;
  /** Bytes the user's storage can still take; created items use it up (§E7). */
  setStorageRemaining(bytes: number): void;
  /** Requests already used today by a project (default: the default client's project) (§E3). */
  setDailyRequestsUsed(used: number, projectNumber?: string): void;
  dailyRequestsUsed(projectNumber?: string): number;

  // Faults
  /** The next request matching `pattern` meets `fault` instead of (or around) normal service. */
  failNext(pattern: EndpointPattern, fault: Fault): void;
  /** A share (0–1) of matching requests fails; default fault: a transient 500/503 (§I5). */
  setErrorRate(pattern: EndpointPattern, rate: number, fault?: Fault): void;
  /** Real-time delay for matching requests (0 removes it). */
  setLatency(ms: number, pattern?: EndpointPattern): void;
  /** The next raw upload or session chunk is cut off after `bytes` body bytes (§I3 test hook). */
  cutNextUploadAfter(bytes: number, how?: CutMode): void;
  /** The next matching batchCreate item gets this per-item status (e.g. code 13, §C7). */
  failNextItem(failure: ItemFailure): void;
  /** Removes every scripted fault, error rate, latency rule, pending cut and item failure. */
  clearFaults(): void;
}

const ALL_PHOTOS_SCOPES = Object.values(PHOTOS_SCOPES);

/** Creates a fake Google with its own state; see `FakeGoogleConfig` for every option and default. */
export function createFakeGoogle(options: FakeGoogleOptions = {}): FakeGoogle {
  const { clock = new FakeClock(), ...overrides } = options;
  const config: FakeGoogleConfig = { ...DEFAULT_CONFIG, ...overrides };
  const state = new FakeGoogleState(config.storageRemainingBytes);
  const faults = new Faults(seededRandom(config.seed), config);
  const random = seededRandom(config.seed ^ 0x5eed5eed);
  const tokens = new AccessTokens(state, clock, random);
  const quota = new Quota(state, config, clock);
  const oauth = new OAuthService(state, config, clock, tokens, random);
  const photos = new PhotosService({ state, config, clock, random, faults, quota }, tokens);
  const defaultProject = () => projectNumberOf(config.defaultClientId);

  return {
    services: [oauth, photos],
    oauthService: oauth,
    photosService: photos,
    state,
    clock,
    config,
    configure: (settings) => Object.assign(config, settings),
    setAuthorizeBehaviour: (behaviour) => oauth.setBehaviour(behaviour),
    authorizeNextWith: (behaviour) => oauth.queueBehaviour(behaviour),
    issueAccessToken: ({ clientId, scopes, lifetimeSeconds } = {}) =>
      tokens.issue(
        clientId ?? config.defaultClientId,
        scopes ?? ALL_PHOTOS_SCOPES,
        lifetimeSeconds ?? config.accessTokenLifetimeSeconds,
      ).token,
    expireAllTokens: () => tokens.expireAll(),
    revokeAll: () => tokens.revokeAll(),
    deleteAlbumAsUser: (albumId) => {
      const album = state.albums.get(albumId);
      if (!album) throw new Error(`fake Google has no album ${albumId}`);
      album.deletedByUser = true;
    },
    setStorageRemaining: (bytes) => {
      state.storageRemainingBytes = bytes;
    },
    setDailyRequestsUsed: (used, projectNumber = defaultProject()) => quota.setUsedToday(projectNumber, used),
    dailyRequestsUsed: (projectNumber = defaultProject()) => quota.usedToday(projectNumber),
    failNext: (pattern, fault) => faults.failNext(pattern, fault),
    setErrorRate: (pattern, rate, fault) => faults.setErrorRate(pattern, rate, fault),
    setLatency: (ms, pattern = '*') => faults.setLatency(ms, pattern),
    cutNextUploadAfter: (bytes, how = 'connection') => faults.cutNextUpload(bytes, how),
    failNextItem: (failure) => faults.failNextItem(failure),
    clearFaults: () => faults.clear(),
  };
}
