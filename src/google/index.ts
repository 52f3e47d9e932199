/**
 * The Google Photos destination: sign-in, uploads, media items and albums, built from injected
 * pieces so the same code runs in the service worker and in Node tests.
 */
import type { Platform } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import type { FetchLike } from '../shared/fetch.ts';
import { Albums } from './albums.ts';
import { type GoogleAccount, GoogleAuth } from './auth.ts';
import { RetryDelays } from './backoff.ts';
import { PhotosHttp } from './http.ts';
import { MediaItems } from './media-items.ts';
import { type UploadOptions, Uploads } from './uploads.ts';

export type { Albums, AppAlbum } from './albums.ts';
export { MAX_ALBUM_ADD_ITEMS } from './albums.ts';
export type { GoogleAccount, GoogleAuth, SignInStatus } from './auth.ts';
export { isValidClientId } from './client-id.ts';
export type { AppMediaItem, BatchCreateResult, MediaItems, NewMediaItem } from './media-items.ts';
export { MAX_BATCH_ITEMS } from './media-items.ts';
export { albumTitle, mediaItemFileName } from './names.ts';
export { REQUIRED_SCOPES } from './oauth.ts';
export { nextPacificMidnight } from './quota-day.ts';
export { type ExpectedItem, matchCreatedItems } from './reconcile.ts';
export type {
  ChunkPlan,
  ChunkResult,
  ResumableSession,
  ResumeDecision,
  SessionStatus,
  UploadMeta,
} from './uploads.ts';
export { preflight } from './uploads.ts';

export interface GooglePhotosOptions extends UploadOptions {
  /** Renew the access token this long before it expires. */
  renewBeforeMs: number;
  /** Extra attempts for requests that are safe to repeat, after a 5xx or a lost connection (§E5). */
  serverRetries: number;
  /** The build's OAuth client id; the person's own overrides it. */
  defaultClientId: string;
}

const MIB = 1024 * 1024;

export const DEFAULT_OPTIONS: GooglePhotosOptions = {
  rawUploadLimit: 50 * MIB,
  // 8 MiB takes about 7 s at 10 Mbit/s: well inside the service worker's 30 s for a response (§G1).
  chunkTargetBytes: 8 * MIB,
  sessionMaxAgeMs: 23 * 60 * 60 * 1000,
  renewBeforeMs: 5 * 60 * 1000,
  serverRetries: 3,
  defaultClientId: __DEFAULT_GOOGLE_CLIENT_ID__,
};

export interface GooglePhotosDeps {
  fetch: FetchLike;
  clock: Clock;
  platform: Pick<Platform, 'identity' | 'session'> & Partial<Pick<Platform, 'local'>>;
  /** The person's own OAuth client id from the settings, if any. */
  getClientId(): Promise<string | undefined>;
  options?: Partial<GooglePhotosOptions>;
  /** [0, 1) for back-off jitter; Math.random unless a test fixes it. */
  random?: () => number;
}

export interface TestSignInResult {
  account: GoogleAccount;
  /** The redirect URI the OAuth client must list. */
  redirectUrl: string;
}

export interface GooglePhotos {
  readonly options: GooglePhotosOptions;
  readonly auth: GoogleAuth;
  readonly uploads: Uploads;
  readonly mediaItems: MediaItems;
  readonly albums: Albums;
  /**
   * For the options page: signs in interactively, then makes one Photos request, so a disabled API
   * or Google Photos turned off for the account shows up now rather than mid-migration.
   */
  testSignIn(): Promise<TestSignInResult>;
}

export function createGooglePhotos(deps: GooglePhotosDeps): GooglePhotos {
  const options = { ...DEFAULT_OPTIONS, ...deps.options };
  const auth = new GoogleAuth({
    fetch: deps.fetch,
    clock: deps.clock,
    platform: deps.platform,
    getClientId: deps.getClientId,
    defaultClientId: options.defaultClientId,
    renewBeforeMs: options.renewBeforeMs,
    random: deps.random,
  });
  const http = new PhotosHttp({
    fetch: deps.fetch,
    clock: deps.clock,
    tokens: auth,
    delays: new RetryDelays(deps.random),
    serverRetries: options.serverRetries,
  });
  const albums = new Albums(http);
  return {
    options,
    auth,
    uploads: new Uploads(http, deps.clock, options),
    mediaItems: new MediaItems(http),
    albums,
    async testSignIn() {
      const account = await auth.signIn();
      await albums.checkAccess();
      return { account, redirectUrl: auth.redirectUrl() };
    },
  };
}
