/**
 * Everything about the fake Google that a test may choose. Where google-photos-api.md calls a
 * behaviour unknown or assumed, there is a setting here and the default is named in its comment.
 */

/** The scopes left after the 2025 change (google-photos-api.md §A3). */
export const PHOTOS_SCOPES = {
  appendOnly: 'https://www.googleapis.com/auth/photoslibrary.appendonly',
  readAppCreated: 'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata',
  editAppCreated: 'https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata',
} as const;

export interface FakeGoogleConfig {
  /** Seed of the fake's pseudo-random choices (ids, shuffles, fault rates). Default 1. */
  seed: number;
  /** The one signed-in user; tokeninfo shows `sub`/`email` when the token carries openid/email scopes (§F8). */
  user: { sub: string; email: string };
  /**
   * Registered OAuth clients and their exact redirect URIs. When undefined, any well-formed client id
   * (`<project number>-<id>.apps.googleusercontent.com`) is accepted with any
   * `https://<label>.chromiumapp.org/…` redirect.
   */
  oauthClients: Record<string, { redirectUris: readonly string[] }> | undefined;
  /** Client id `issueAccessToken()` uses by default. */
  defaultClientId: string;
  /** Access-token lifetime in seconds (§F5: about 3599). */
  accessTokenLifetimeSeconds: number;
  /** `X-Goog-Upload-Chunk-Granularity` (§B3: 262144 seen on sibling Google endpoints). */
  chunkGranularity: number;
  /** How long a resumable session URL works (§I3: assumed 7 days so the token rule dominates). */
  uploadSessionMaxAgeMs: number;
  /** How long an upload token can be used in batchCreate (§C4: one day). */
  uploadTokenLifetimeMs: number;
  /**
   * Whether resumable session requests need a valid bearer token ('bearer', default: every known
   * client sends one, §B3) or the session URL alone suffices ('capability').
   */
  resumableSessionAuth: 'bearer' | 'capability';
  /**
   * What a chunk cut short leaves behind: nothing ('discard', default), or its whole granules
   * ('keep-aligned'), so a client must `query` rather than assume (§I3, an assumption).
   */
  partialChunkPolicy: 'discard' | 'keep-aligned';
  /**
   * Shape of non-authentication errors on the uploads endpoint: the usual wrapped JSON (default) or
   * the flat `{code,message}` seen there in 2018 (§E4, §K7). Auth errors there are always flat.
   */
  uploadErrorStyle: 'wrapped' | 'flat';
  /** Content-Type of the upload-token answer (§I1: an assumption; clients must read text regardless). */
  uploadTokenContentType: string;
  /** Whitespace sent after the upload token, to check that clients trim it (§B2). Default ''. */
  uploadTokenPadding: string;
  /** Whether session requests (chunks, query, cancel) count toward the daily quota (§E3, §K3: assumed yes). */
  quotaChargesSessionRequests: boolean;
  /** Order of `newMediaItemResults` (§C6: not guaranteed). Default 'shuffled' to catch positional matching. */
  resultOrder: 'request' | 'reversed' | 'shuffled';
  /** HTTP status of a batchCreate where some items failed and some not (§K1: only 200 seen; 207 rumoured). */
  partialSuccessStatus: 200 | 207;
  /** `status.message` of a created item (§C5: seen as 'Success' and as 'OK'). */
  successMessage: 'Success' | 'OK';
  /**
   * Identical bytes created again (§I4, §C8): (a) 'same-item' returns the first item (default, per
   * the old API note and rclone's docs), (b) 'exists' gives per-item code 6, (c) 'new-item' makes a copy.
   */
  dedupe: 'same-item' | 'exists' | 'new-item';
  /**
   * An upload token used again after it created an item (§C8, unknown): the same item, a per-item
   * code 3, or 'invalid-token' (default: §H6 lists reused tokens as a cause of that error).
   */
  consumedTokenReuse: 'same-item' | 'bad-image' | 'invalid-token';
  /** Album title over 500 characters (§I6, unknown): 'reject' with 400 (default) or 'truncate'. */
  albumTitleOverflow: 'truncate' | 'reject';
  /** pageSize above the maximum (§I6, assumed): 'clamp' (default) or 'reject' with 400. */
  pageSizeOverflow: 'clamp' | 'reject';
  /** Bytes the user's storage can still take. Default: unlimited. */
  storageRemainingBytes: number;
  /** Library API requests per project and Pacific day (§E3: 10,000). */
  dailyRequestLimit: number;
  /** Write requests per user and minute (§I8: assumed about 60). */
  writesPerMinute: number;
  /** Time after creation until a video's status turns from PROCESSING to READY (§E10). Default 60 s. */
  videoProcessingMs: number;
  /** Items up to this size keep their bytes for reading back. Default 64 MiB. */
  retainBytesUpTo: number;
  /** Largest photo batchCreate accepts (§E1: 200 MB); larger ones fail per item with code 3. */
  maxPhotoBytes: number;
  /** Largest video batchCreate accepts (§E1: 20 GB). */
  maxVideoBytes: number;
  /** Send `Retry-After` with this many seconds on 429/503; undefined (default) never does (§I5). */
  retryAfterSeconds: number | undefined;
  /** Include google.rpc `details[]` in JSON errors. Default true. */
  errorDetails: boolean;
  /** Share (0–1) of all Photos API requests answered with a transient 500/503 (§I5). Default 0. */
  transientErrorRate: number;
  /** Real-time delay before each Photos API request is served. Default 0. */
  latencyMs: number;
  /** Answer every Photos request with 403 SERVICE_DISABLED (§E11). */
  apiDisabled: boolean;
  /** Answer every Photos request with 403 "Google Photos is disabled for the user." (§E11). */
  photosDisabledForUser: boolean;
  /**
   * How the Photos API reaches the client: HTTP/2 as Google serves it (default), or HTTPS/1.1 as
   * behind a proxy or antivirus that intercepts TLS, where Chromium refuses streamed request
   * bodies (chromium-e2e.md §6). Fixed once the fake is mounted on the network.
   */
  photosProtocol: 'http2' | 'http1';
}

export const DEFAULT_CONFIG: FakeGoogleConfig = {
  seed: 1,
  user: { sub: '104857600000000000001', email: 'fake.user@gmail.com' },
  oauthClients: undefined,
  defaultClientId: '123456789012-fakeclient0123456789abcdef.apps.googleusercontent.com',
  accessTokenLifetimeSeconds: 3599,
  chunkGranularity: 262_144,
  uploadSessionMaxAgeMs: 7 * 24 * 3600_000,
  uploadTokenLifetimeMs: 24 * 3600_000,
  resumableSessionAuth: 'bearer',
  partialChunkPolicy: 'discard',
  uploadErrorStyle: 'wrapped',
  uploadTokenContentType: 'text/plain; charset=utf-8',
  uploadTokenPadding: '',
  quotaChargesSessionRequests: true,
  resultOrder: 'shuffled',
  partialSuccessStatus: 200,
  successMessage: 'Success',
  dedupe: 'same-item',
  consumedTokenReuse: 'invalid-token',
  albumTitleOverflow: 'reject',
  pageSizeOverflow: 'clamp',
  storageRemainingBytes: Number.POSITIVE_INFINITY,
  dailyRequestLimit: 10_000,
  writesPerMinute: 60,
  videoProcessingMs: 60_000,
  retainBytesUpTo: 64 * 1024 * 1024,
  maxPhotoBytes: 200 * 1000 * 1000,
  maxVideoBytes: 20 * 1000 * 1000 * 1000,
  retryAfterSeconds: undefined,
  errorDetails: true,
  transientErrorRate: 0,
  latencyMs: 0,
  apiDisabled: false,
  photosDisabledForUser: false,
  photosProtocol: 'http2',
};

/** The Cloud project a client id belongs to: its leading digits (the Google convention). */
export function projectNumberOf(clientId: string): string {
  return /^(\d+)-/.exec(clientId)?.[1] ?? '0';
}
