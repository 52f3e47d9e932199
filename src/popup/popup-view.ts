/**
 * What the popup shows for a snapshot, as plain data: which screen, what a selection of albums
 * adds up to and what it warns about, how far a job is, and which buttons a pause offers.
 */
import type { ErrorKind } from '../shared/errors.ts';
import type { AlbumProgress, JobView, PauseInfo, Snapshot } from '../shared/messages.ts';
import type { SourceAlbum, XiaomiSessionState } from '../shared/model.ts';

export type XiaomiProblem = Exclude<XiaomiSessionState, { state: 'logged-in' }>;

export type PopupScreen =
  | { kind: 'checking-xiaomi' }
  | { kind: 'xiaomi'; session: XiaomiProblem }
  | { kind: 'google-setup' }
  | { kind: 'google-sign-in' }
  | { kind: 'pick-albums' }
  | { kind: 'running'; job: JobView }
  | { kind: 'stopped'; job: JobView; pause: PauseInfo }
  | { kind: 'finished'; job: JobView };

/**
 * @param setAsideJobId a finished job the person chose to move on from ("New migration"); a new
 * job, or any job still in progress, is shown whatever this says.
 */
export function popupScreen(snapshot: Snapshot, setAsideJobId?: string): PopupScreen {
  const { job } = snapshot;
  if (job) {
    switch (job.status) {
      case 'planning':
      case 'running':
        return { kind: 'running', job };
      case 'waiting':
      case 'paused':
        return { kind: 'stopped', job, pause: job.pause ?? userPause(job) };
      case 'done':
      case 'cancelled':
        if (job.id !== setAsideJobId) return { kind: 'finished', job };
    }
  }
  if (!snapshot.xiaomi) return { kind: 'checking-xiaomi' };
  if (snapshot.xiaomi.state !== 'logged-in') return { kind: 'xiaomi', session: snapshot.xiaomi };
  if (snapshot.google.state === 'no-client-id') return { kind: 'google-setup' };
  if (snapshot.google.state === 'signed-out') return { kind: 'google-sign-in' };
  return { kind: 'pick-albums' };
}

/** A job stopped without a recorded reason reads as paused by the person: Resume is the way on. */
function userPause(job: JobView): PauseInfo {
  return { kind: 'user', message: '', details: {}, since: job.createdAt, resumesByItself: false };
}

/** Google's free storage (binary gigabytes, as Google counts). */
export const FREE_GOOGLE_STORAGE_BYTES = 15 * 1024 ** 3;
/** Photos Library API requests per project and day. */
export const DAILY_REQUEST_QUOTA = 10_000;
/** One upload plus its share of batchCreate (50 per call) and album calls. */
export const REQUESTS_PER_ITEM = 1.02;

export function daysAtQuota(items: number): number {
  return items === 0 ? 0 : Math.ceil((items * REQUESTS_PER_ITEM) / DAILY_REQUEST_QUOTA);
}

export interface SelectionSummary {
  albums: number;
  items: number;
  bytes: number;
  /** False when some selected album did not report its size: `bytes` is then a lower bound. */
  bytesComplete: boolean;
  allSelected: boolean;
  overFreeStorage: boolean;
  /** Days of Google's daily request limit the selection needs; more than 1 deserves a word. */
  days: number;
}

export function summarizeSelection(albums: SourceAlbum[], selected: ReadonlySet<string>): SelectionSummary {
  const chosen = albums.filter((album) => selected.has(album.id));
  const items = chosen.reduce((sum, album) => sum + album.mediaCount, 0);
  const bytes = chosen.reduce((sum, album) => sum + (album.totalSize ?? 0), 0);
  return {
    albums: chosen.length,
    items,
    bytes,
    bytesComplete: chosen.every((album) => album.totalSize !== undefined),
    allSelected: albums.length > 0 && chosen.length === albums.length,
    overFreeStorage: bytes > FREE_GOOGLE_STORAGE_BYTES,
    days: daysAtQuota(items),
  };
}

export interface JobProgress {
  /** Items that reached an end: moved, skipped or failed. */
  finished: number;
  total: number;
  /** Uploaded, not yet made into media items: they count as finished only once in Google Photos. */
  awaitingCreation: number;
  /** By bytes, so a long video or a batch waiting to be created still moves the bar. */
  fraction: number;
  bytesSent: number;
  bytesTotal: number;
  /** Still listing albums: the totals are not known yet. */
  counting: boolean;
}

/** By bytes, so a long video or a batch waiting to be created still moves a bar; by items for empty files. */
function progressFraction(bytesMoved: number, bytesTotal: number, finished: number, total: number): number {
  if (bytesTotal > 0) return Math.min(1, bytesMoved / bytesTotal);
  return total > 0 ? Math.min(1, finished / total) : 0;
}

export function jobProgress(job: JobView): JobProgress {
  const finished = job.done.items + job.skipped + job.failed;
  const total = job.totals.items;
  const bytesTotal = job.totals.bytes;
  return {
    finished,
    total,
    awaitingCreation: job.awaitingCreation,
    fraction: progressFraction(job.bytes.sent + job.bytes.settled, bytesTotal, finished, total),
    bytesSent: job.bytes.sent,
    bytesTotal,
    counting: job.status === 'planning',
  };
}

export function albumProgressFraction(album: AlbumProgress): number {
  const finished = album.done + album.skipped + album.failed;
  return progressFraction(album.bytesMoved, album.bytesTotal, finished, album.total);
}

export type PauseAction = 'resume' | 'sign-in' | 'open-xiaomi' | 'open-options';

const ACTIONS_BY_KIND: Partial<Record<ErrorKind | 'user', PauseAction[]>> = {
  'xiaomi-logged-out': ['open-xiaomi', 'resume'],
  'xiaomi-second-validation': ['open-xiaomi', 'resume'],
  'xiaomi-e2ee-on': ['open-xiaomi', 'resume'],
  'google-client-id-missing': ['open-options', 'resume'],
  'google-api-disabled': ['open-options', 'resume'],
  'google-access-denied': ['sign-in', 'open-options'],
  'google-signin-needed': ['sign-in'],
  'google-scope-missing': ['sign-in'],
  // Pressing Resume before the quota day turns would only meet the same limit again.
  'google-quota-daily': [],
};

/** The buttons a stopped job offers: what the person can do about this particular reason. */
export function pauseActions(pause: PauseInfo): PauseAction[] {
  return ACTIONS_BY_KIND[pause.kind] ?? ['resume'];
}

/** Whether the screen has its own "Open settings" button, so the header's would be a twin. */
export function screenOpensSettings(screen: PopupScreen): boolean {
  return (
    screen.kind === 'google-setup' ||
    (screen.kind === 'stopped' && pauseActions(screen.pause).includes('open-options'))
  );
}
