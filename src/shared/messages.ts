/**
 * The typed contract between the extension's pages (popup, options, report) and the background
 * service worker. Pages call `BackgroundApi` through Comlink over a port named `UI_PORT_NAME`;
 * the background pushes `BackgroundToUiEvent`s on the same port. Everything here is plain JSON.
 */
import type { ErrorDetails, ErrorKind } from './errors.ts';
import type { SourceAlbum, XiaomiSessionState } from './model.ts';

export const UI_PORT_NAME = 'ui';

export interface Settings {
  /** The user's own Google OAuth client id; overrides a build-time default. */
  googleClientId: string;
  /** Upper bound for items transferred at once; the engine adapts below it. */
  maxConcurrentTransfers: number;
  /** Write a capture date into JPEGs that lack one (issue: fidelity). */
  repairCaptureDates: boolean;
  /** Also put Xiaomi favourites into a "Favorites (Xiaomi)" album. */
  favoritesAlbum: boolean;
  /**
   * While Google's daily quota is used up, try again this often besides at the computed reset
   * (an advanced setting with no control on the options page; tests shorten it).
   */
  quotaLookMinutes: number;
}

export const DEFAULT_SETTINGS: Settings = {
  googleClientId: '',
  maxConcurrentTransfers: 6,
  repairCaptureDates: true,
  favoritesAlbum: true,
  quotaLookMinutes: 30,
};

export type GoogleAccountView =
  | { state: 'no-client-id' }
  | { state: 'signed-out'; clientId: string; redirectUrl: string }
  | { state: 'signed-in'; clientId: string; redirectUrl: string; email?: string; accountKey: string };

export type JobStatus = 'planning' | 'running' | 'waiting' | 'paused' | 'done' | 'cancelled';

export interface PauseInfo {
  kind: ErrorKind | 'user';
  message: string;
  details: ErrorDetails;
  since: number;
  /** True when the job will go on by itself (quota reset, session back, network back). */
  resumesByItself: boolean;
}

export interface AlbumProgress {
  xiaomiAlbumId: string;
  name: string;
  system?: SourceAlbum['system'];
  /** Part number when an album of more than 20,000 items is split (1-based), else undefined. */
  part?: number;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  bytesTotal: number;
  bytesDone: number;
  /** Bytes Google holds of the album's items, plus those of its items skipped or failed. */
  bytesMoved: number;
  googleAlbumUrl?: string;
  /** Set by the end-of-job verification. */
  verified?: boolean;
  verification?: { receipt: number; xiaomi: number; google: number | null };
}

/** The pre-flight plan of one Xiaomi album (src/engine/plan-summary.ts). */
export interface AlbumPlan {
  xiaomiAlbumId: string;
  items: number;
  bytes: number;
  /** Google albums it becomes: more than 1 above 20,000 items. */
  parts: number;
  /** Items that will not be sent, by reason (too large, empty…). */
  skipped: Partial<Record<ErrorKind, number>>;
  /** Items in a format Google does not list (google-photos-api.md §E1): they may be refused. */
  formatUnlisted: number;
  /** Photos whose file carries no capture date that the repair will date. */
  undatedRepairable: number;
  /** Files without a capture date that stay so, by format (PNG, HEIC…): Google dates them by upload. */
  undatedLeft: Record<string, number>;
}

export interface PlanSummary {
  albums: AlbumPlan[];
  itemsToSend: number;
  bytesToSend: number;
  /** Photos Library requests the job needs, of Google's 10,000 a day. */
  requests: number;
  days: number;
  exceedsFreeStorage: boolean;
}

export interface JobView {
  id: string;
  status: JobStatus;
  pause?: PauseInfo;
  createdAt: number;
  finishedAt?: number;
  totals: { items: number; bytes: number };
  /** In Google Photos. */
  done: { items: number; bytes: number };
  /** Uploaded, waiting for the batchCreate that makes them media items (up to 50 at a time). */
  awaitingCreation: number;
  /** Bytes Google holds (done items included), and bytes of items that ended skipped or failed. */
  bytes: { sent: number; settled: number };
  skipped: number;
  failed: number;
  albums: AlbumProgress[];
  /** Bytes per second over the last minute of transfer. */
  rate: number;
  /** Seconds to finish at the current rate, when known. */
  etaSeconds?: number;
  /** Set once the selection is listed. */
  plan?: PlanSummary;
}

/** What to save to disk: whole albums, or the failed and skipped items of the current migration. */
export type LocalCopyRequest = { albumIds: string[] } | { failedAndSkipped: true };

export type LocalCopyStatus = 'listing' | 'running' | 'waiting' | 'done' | 'cancelled';

/** A file the local copy could not save, and why. */
export interface LocalCopyFailure {
  fileName: string;
  /** Its folder under "Mi Cloud" (the album's name, made safe for every file system). */
  folder: string;
  reasonKind: ErrorKind;
  reason: string;
}

/** A copy of Xiaomi originals saved to disk by the browser (src/engine/local-copy.ts). */
export interface LocalCopyView {
  id: string;
  status: LocalCopyStatus;
  pause?: PauseInfo;
  createdAt: number;
  finishedAt?: number;
  /** Files, counted once per album folder they go to. */
  total: number;
  done: number;
  failed: number;
  bytesTotal: number;
  bytesDone: number;
  /** The first failures, in order; `failed` counts them all. */
  failures: LocalCopyFailure[];
}

export interface Snapshot {
  xiaomi?: XiaomiSessionState;
  google: GoogleAccountView;
  job?: JobView;
  localCopy?: LocalCopyView;
}

export type ItemState =
  | 'planned'
  | 'transferring'
  | 'uploaded'
  | 'creating'
  | 'created'
  | 'done'
  | 'skipped'
  | 'failed';

/** One line of the receipt: what left Xiaomi and where it is in Google Photos. */
export interface ReceiptRow {
  xiaomiId: string;
  sha1: string;
  fileName: string;
  size: number;
  type: 'image' | 'video';
  xiaomiAlbums: string[];
  state: ItemState;
  googleMediaItemId?: string;
  googleProductUrl?: string;
  googleAlbums: string[];
  reasonKind?: ErrorKind;
  reason?: string;
  /** Set when the uploaded bytes differ from Xiaomi's (capture-date repair). */
  uploadedSha1?: string;
  /** What was written into the file: 'exif-date-written' or 'mp4-times-written'. */
  captureDateChange?: string;
}

/** Calls a page may make. Errors reject with a message already in the user's language. */
export interface BackgroundApi {
  snapshot(): Promise<Snapshot>;
  refreshXiaomi(): Promise<XiaomiSessionState>;
  listAlbums(): Promise<SourceAlbum[]>;
  openXiaomi(): Promise<void>;
  openOptions(): Promise<void>;
  openReport(): Promise<void>;
  googleSignIn(): Promise<GoogleAccountView>;
  googleSignOut(): Promise<GoogleAccountView>;
  getSettings(): Promise<Settings>;
  saveSettings(changes: Partial<Settings>): Promise<Settings>;
  startJob(albumIds: string[]): Promise<void>;
  pauseJob(): Promise<void>;
  resumeJob(): Promise<void>;
  cancelJob(): Promise<void>;
  retryFailed(): Promise<void>;
  receipt(): Promise<ReceiptRow[]>;
  /** Saves originals to the browser's download folder, "Mi Cloud/<album>/<file>". */
  saveLocalCopy(request: LocalCopyRequest): Promise<void>;
  /** Goes on with a local copy that waits for the person (a full disk). */
  resumeLocalCopy(): Promise<void>;
  /** Stops the local copy; files already saved stay. */
  cancelLocalCopy(): Promise<void>;
}

/** Pushed by the background, named by direction (Dark Reader style). */
export type BackgroundToUiEvent = { type: 'snapshot'; snapshot: Snapshot };
