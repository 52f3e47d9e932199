/**
 * The one vocabulary of problems shared by the domain modules, the engine and the UI.
 *
 * A domain client (src/xiaomi, src/google) throws `MigrationError` with one of these kinds; the
 * engine decides from `scope` whether the whole job waits (`job`) or one item ends (`item`), or
 * whether the step is simply tried again (`retry`); the UI turns `kind` into words with
 * `i18n key = "err_" + kind` (both locales carry every key: see public/_locales).
 */
export const ERROR_KINDS = {
  // Xiaomi session and gallery access: the job waits until the user acts.
  'xiaomi-logged-out': 'job',
  'xiaomi-second-validation': 'job',
  'xiaomi-e2ee-on': 'job',
  // Google account set-up and authorisation: the job waits until the user acts.
  'google-client-id-missing': 'job',
  'google-signin-needed': 'job',
  // Declined on Google's consent screen, or not a test user of the OAuth app (google-photos-api.md §F9).
  'google-access-denied': 'job',
  'google-scope-missing': 'job',
  'google-api-disabled': 'job',
  'google-photos-disabled': 'job',
  'google-storage-full': 'job',
  'google-quota-daily': 'job',
  // Transient: back off and try the same step again.
  'google-rate-limited': 'retry',
  'google-server-error': 'retry',
  'google-upload-token-invalid': 'retry',
  'google-upload-session-lost': 'retry',
  'xiaomi-server-error': 'retry',
  'xiaomi-malformed-response': 'retry',
  'network-error': 'retry',
  // One item ends with a reason; the rest of the job goes on.
  'xiaomi-item-deleted': 'item',
  'sha1-mismatch': 'item',
  'empty-file': 'item',
  'photo-too-large': 'item',
  'video-too-large': 'item',
  'google-rejected-media': 'item',
  'google-album-missing': 'item',
  /** Google holds these bytes already (code 6) as an item this app cannot see (google-photos-api.md §C10). */
  'google-already-in-library': 'item',
  'unexpected-response': 'item',
  // The local copy (chrome.downloads): the disk is full, the person must make room.
  'download-disk-full': 'job',
  // One file of the local copy ends with a reason; the others go on.
  'download-failed': 'item',
  /** The browser saved another number of bytes than Xiaomi lists (xiaomi-api.md §9). */
  'download-size-mismatch': 'item',
} as const satisfies Record<string, 'job' | 'retry' | 'item'>;

export type ErrorKind = keyof typeof ERROR_KINDS;
export type ErrorScope = (typeof ERROR_KINDS)[ErrorKind];

export interface ErrorDetails {
  /** HTTP status when the error came from a response. */
  status?: number;
  /** The server's own message, kept verbatim for the receipt and support. */
  serverMessage?: string;
  /** When the job may continue by itself (epoch ms), e.g. the next Google quota day. */
  resumeAt?: number;
  /** Minimum wait before retrying (ms), e.g. 30 s after a Google 429. */
  retryAfterMs?: number;
  /** Extra numbers the message needs, e.g. bytes still to move when storage is full. */
  bytes?: number;
  /** Missing OAuth scopes. */
  scopes?: string[];
}

export class MigrationError extends Error {
  readonly kind: ErrorKind;
  readonly details: ErrorDetails;

  constructor(kind: ErrorKind, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'MigrationError';
    this.kind = kind;
    this.details = details;
  }

  get scope(): ErrorScope {
    return ERROR_KINDS[this.kind];
  }
}

export function isMigrationError(e: unknown): e is MigrationError {
  return e instanceof MigrationError;
}

/**
 * An error that is not ours: fetch rejects with a TypeError when the connection fails or is cut
 * (and streams with a TypeError or a DOMException when the body is cut), which is worth retrying;
 * anything else is a fault in our own code or data, reported as such rather than retried forever.
 */
export function asNetworkError(e: unknown): MigrationError {
  if (isMigrationError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  const network = e instanceof TypeError || (e instanceof DOMException && e.name !== 'AbortError');
  return new MigrationError(network ? 'network-error' : 'unexpected-response', message);
}
