/**
 * The migration job: planning, transfer workers, the serial committer, waiting and resuming.
 *
 * Nothing important lives in this object: every decision is re-derived from IndexedDB, so a new
 * service worker (after a stop at any instant) builds a fresh Engine and `kick()` carries on.
 */
import type { Clock } from '../shared/clock.ts';
import { asNetworkError, type ErrorKind, isMigrationError, type MigrationError } from '../shared/errors.ts';
import type { PauseInfo, ReceiptRow, Settings } from '../shared/messages.ts';
import type { SourceAlbum } from '../shared/model.ts';
import { AlbumMaker } from './albums.ts';
import {
  addToOtherAlbums,
  BATCH_LIMIT,
  type CommitContext,
  commitUploaded,
  reconcileInterrupted,
} from './committer.ts';
import { AdaptiveLimit } from './concurrency.ts';
import {
  type AlbumRecord,
  type EngineDb,
  emptyCounts,
  type ItemRecord,
  inState,
  type JobRecord,
  ownedBy,
  updateItem,
} from './db.ts';
import { newAlbumRecord, type PlanContext, planJob } from './plan.ts';
import { summarizePlan } from './plan-summary.ts';
import { backoffMs, NETWORK_DOWN_AFTER, outcomeFor, TRANSIENT_RETRIES } from './policy.ts';
import type { DestinationPort, SourcePort } from './ports.ts';
import { receiptRows } from './receipt.ts';
import { type TransferContext, transferItem } from './transfer.ts';
import { verifyJob } from './verify.ts';

const ACTIVE_JOB_KEY = 'activeJobId';
/** Xiaomi's serviceToken is short-lived; the web app renews every few minutes (xiaomi-api.md §2.2). */
export const XIAOMI_KEEPALIVE_MS = 150_000;
/**
 * A partial batch (fewer than 50 items for batchCreate or for an album) is sent once its oldest
 * item has waited this long; before, more uploads may still fill it. Full batches go at once and
 * the end of each round sends the rest. Sending whatever waited after 2 s of quiet, as before, cost
 * a batchCreate per item on a slow uplink (bench/: 10 Mbit/s gave 1.45 requests per photo).
 */
const COMMIT_MAX_WAIT_MS = 5 * 60_000;
/**
 * Resumable (large) items moved at once. One alone, its next chunk read while the last goes up,
 * fills most of the uplink and two fill it (bench/); each holds two chunks and the browser's
 * buffers (about 100 MB in bench/), so more would only cost memory. Small items still go beside them.
 */
const MAX_LARGE_IN_FLIGHT = 2;
/** Transfer-and-commit rounds in one run before leaving the rest to the next alarm. */
const MAX_ROUNDS = 5;

export interface EngineDeps {
  db: EngineDb;
  source: SourcePort;
  destination: DestinationPort;
  clock: Clock;
  settings(): Promise<Settings>;
  preflight: PlanContext['preflight'];
  albumTitle: PlanContext['albumTitle'];
  maxAlbumItems?: PlanContext['maxAlbumItems'];
  favoritesTitle(): string;
  /** Words for a pause, in the person's language. */
  describe(kind: ErrorKind | 'user'): string;
  newId(): string;
  /** Progress or state changed (the caller throttles what it pushes to the pages). */
  onChange(): void;
  /** The job finished, or needs the person. */
  onAttention(job: JobRecord): void;
  /** Writes a missing capture date into a verified small file (src/fidelity), if the person wants it. */
  repairCaptureDate?: TransferContext['repairCaptureDate'];
  /** Held while work is in flight: keeps the service worker alive (chromium-e2e.md §5). */
  keepAlive: { hold(): () => void };
}

type FinalState = 'skipped' | 'failed';

/** Errors after which a resumable upload starts over in a new session rather than resuming. */
const REUPLOAD_AFTER: ReadonlySet<ErrorKind> = new Set(['google-upload-session-lost', 'sha1-mismatch']);

export class Engine {
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private limit: AdaptiveLimit | undefined;
  private commitChain: Promise<void> = Promise.resolve();
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  private uploadsSinceCommit = 0;
  private lastKeepAlive = 0;
  private readonly sentBytes: { at: number; bytes: number }[] = [];
  private repairCaptureDate: TransferContext['repairCaptureDate'];

  constructor(private readonly deps: EngineDeps) {}

  async activeJob(): Promise<JobRecord | undefined> {
    const id = (await this.deps.db.get('meta', ACTIVE_JOB_KEY)) as string | undefined;
    return id ? this.deps.db.get('jobs', id) : undefined;
  }

  async albums(jobId: string): Promise<AlbumRecord[]> {
    return this.deps.db.getAllFromIndex('albums', 'byJob', jobId);
  }

  /** Bytes per second acknowledged by Google over the last minute. */
  rate(): number {
    const since = this.deps.clock.now() - 60_000;
    while (this.sentBytes.length > 0 && this.sentBytes[0]!.at < since) this.sentBytes.shift();
    const first = this.sentBytes[0];
    if (!first) return 0;
    const total = this.sentBytes.reduce((sum, s) => sum + s.bytes, 0);
    return total / Math.max(1, (this.deps.clock.now() - first.at) / 1000);
  }

  async start(selected: SourceAlbum[], accountKey: string, xiaomiUserId: string): Promise<JobRecord> {
    const current = await this.activeJob();
    if (current && !['done', 'cancelled'].includes(current.status)) {
      throw new Error('A migration is already in progress.');
    }
    const job: JobRecord = {
      id: this.deps.newId(),
      createdAt: this.deps.clock.now(),
      status: 'planning',
      accountKey,
      xiaomiUserId,
      albumIds: selected.map((a) => a.id),
      listing: { albumIndex: 0, pageNum: 0, position: 0 },
      nextSeq: 0,
      counts: emptyCounts(),
    };
    const tx = this.deps.db.transaction(['jobs', 'albums', 'meta'], 'readwrite');
    await tx.objectStore('jobs').put(job);
    for (const album of selected)
      await tx.objectStore('albums').put(newAlbumRecord(this.deps, job.id, album, 1));
    await tx.objectStore('meta').put(job.id, ACTIVE_JOB_KEY);
    await tx.done;
    this.deps.onChange();
    this.kick();
    return job;
  }

  /** Starts the run loop if the active job should be running and no loop is. Safe to call often. */
  kick(): void {
    if (this.running) return;
    // Made here, synchronously, so a pause that follows at once reaches the run it stops.
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.run(abort)
      // Only storage itself failing gets here; the next alarm tries again with a fresh read.
      .catch((error) => console.error('migration run stopped', error))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves when the current run loop (if any) has stopped. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async pause(): Promise<void> {
    await this.setStatus('paused', this.pauseInfo('user', undefined));
    this.abort?.abort(new Error('paused'));
  }

  async resume(): Promise<void> {
    // A paused run may still be winding down (its aborted requests settling), and kick() does
    // nothing while one runs: the job would sit until the watchdog alarm. Let it end first.
    await this.idle();
    const job = await this.activeJob();
    if (!job || !['paused', 'waiting'].includes(job.status)) return;
    await this.setStatus(job.listing ? 'planning' : 'running', undefined);
    this.kick();
  }

  async cancel(): Promise<void> {
    const job = await this.activeJob();
    if (!job || ['done', 'cancelled'].includes(job.status)) return;
    await this.deps.db.put('jobs', {
      ...job,
      status: 'cancelled',
      pause: undefined,
      finishedAt: this.deps.clock.now(),
    });
    this.abort?.abort(new Error('cancelled'));
    this.deps.onChange();
  }

  async retryFailed(): Promise<void> {
    const job = await this.activeJob();
    if (!job) return;
    const range = inState(job.id, 'failed');
    const failed = await this.deps.db.getAllFromIndex('items', 'byState', range);
    for (const item of failed) {
      await updateItem(this.deps.db, job.id, item.id, (it) => ({
        ...it,
        state: 'planned',
        attempts: 0,
        reasonKind: undefined,
        reason: undefined,
        upload: undefined,
        uploadToken: undefined,
      }));
    }
    await this.deps.db.put('jobs', { ...job, status: 'running', pause: undefined, finishedAt: undefined });
    this.deps.onChange();
    this.kick();
  }

  async receipt(): Promise<ReceiptRow[]> {
    const job = await this.activeJob();
    return job ? receiptRows(this.deps.db, job.id) : [];
  }

  /**
   * Called by the watchdog alarm: keeps the Xiaomi session warm during a job, resumes a job whose
   * reason to wait has passed by itself, and restarts a loop the browser stopped.
   */
  async tick(): Promise<void> {
    const job = await this.activeJob();
    if (!job) return;
    if (job.status === 'waiting' && job.pause && (await this.causeHasPassed(job.pause))) {
      await this.resume();
      return;
    }
    if (job.status === 'planning' || job.status === 'running') {
      this.kick();
      // A single long video can outlast the session cookie: renew it on the watchdog too.
      await this.keepXiaomiWarm().catch((error) => {
        if (isMigrationError(error) && error.scope === 'job') this.abort?.abort(error);
      });
    }
  }

  private async causeHasPassed(pause: PauseInfo): Promise<boolean> {
    const now = this.deps.clock.now();
    switch (pause.kind) {
      case 'google-quota-daily':
        // Google's reset time is only known to be "around midnight Pacific" (google-photos-api.md
        // §E3): besides waiting for it, look again now and then; a look costs one refused request.
        // `since` is when Google last refused, so the looks survive service-worker restarts.
        return now >= (pause.details.resumeAt ?? 0) || now - pause.since >= (await this.quotaLookMs());
      case 'xiaomi-logged-out':
      case 'xiaomi-second-validation':
        return (await this.deps.source.checkSession().catch(() => undefined))?.state === 'logged-in';
      case 'network-error':
      case 'google-server-error':
      case 'xiaomi-server-error':
      // An HTML maintenance page where Xiaomi's JSON belongs passes like a server error does.
      case 'xiaomi-malformed-response':
      case 'unexpected-response':
        return true;
      default:
        return false;
    }
  }

  private async quotaLookMs(): Promise<number> {
    return (await this.deps.settings()).quotaLookMinutes * 60_000;
  }

  private pauseInfo(kind: ErrorKind | 'user', error: MigrationError | undefined): PauseInfo {
    const resumesByItself = [
      'google-quota-daily',
      'xiaomi-logged-out',
      'xiaomi-second-validation',
      'network-error',
      'google-server-error',
      'xiaomi-server-error',
      'xiaomi-malformed-response',
      'unexpected-response',
    ].includes(kind);
    return {
      kind,
      message: this.deps.describe(kind),
      details: error?.details ?? {},
      since: this.deps.clock.now(),
      resumesByItself,
    };
  }

  private async setStatus(
    status: JobRecord['status'],
    pause: PauseInfo | undefined,
  ): Promise<JobRecord | undefined> {
    const job = await this.activeJob();
    if (!job) return undefined;
    const updated = { ...job, status, pause };
    await this.deps.db.put('jobs', updated);
    this.deps.onChange();
    return updated;
  }

  private async run(abort: AbortController): Promise<void> {
    let job = await this.activeJob();
    if (!job || !(job.status === 'planning' || job.status === 'running') || abort.signal.aborted) return;
    const release = this.deps.keepAlive.hold();
    const settings = await this.deps.settings();
    this.limit = new AdaptiveLimit(settings.maxConcurrentTransfers);
    this.repairCaptureDate = settings.repairCaptureDates ? this.deps.repairCaptureDate : undefined;
    const commit = this.commitContext(job);
    try {
      if (job.status === 'planning') {
        const albums = await this.deps.source.listAlbums();
        job = await planJob(
          { ...this.deps, favoritesAlbum: settings.favoritesAlbum, source: this.deps.source },
          job,
          albums,
          abort.signal,
        );
        job = await this.writePlanSummary(job, settings.repairCaptureDates);
        this.deps.onChange();
      }
      // On the committer's chain: a batchCreate the last run left on the wire (a commit it started
      // in the background) lands first. Reconciling beside it found its items missing from the
      // album and sent them again, and Google made them twice (chaos token-expiry, seed 239489).
      await this.onCommitChain(() => reconcileInterrupted(commit));
      // A commit can send items back to a fresh upload (expired token, Google asked to retry).
      for (let round = 0; round < MAX_ROUNDS && (await this.hasOpenItems(job.id)); round++) {
        await this.transferAll(job, commit, abort.signal);
        await this.serialCommit(commit, true);
        abort.signal.throwIfAborted();
      }
      // Still open after that: the watchdog alarm kicks a new run.
      if (await this.hasOpenItems(job.id)) return;
      await verifyJob(this.deps.db, this.deps.source, this.deps.destination, job.id);
      const done = await this.setStatus('done', undefined);
      if (done) {
        await this.deps.db.put('jobs', { ...done, finishedAt: this.deps.clock.now() });
        this.deps.onAttention(done);
      }
    } catch (error) {
      if (abort.signal.aborted && !isMigrationError(error)) return;
      const problem = isMigrationError(error) ? error : asNetworkError(error);
      const waiting = await this.setStatus('waiting', this.pauseInfo(problem.kind, problem));
      if (waiting) this.deps.onAttention(waiting);
    } finally {
      abort.abort(new Error('run ended'));
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      this.uploadsSinceCommit = 0;
      release();
      this.deps.onChange();
    }
  }

  private async writePlanSummary(job: JobRecord, repairCaptureDates: boolean): Promise<JobRecord> {
    const items = await this.deps.db.getAll('items', ownedBy(job.id));
    const plan = summarizePlan(items, {
      rawUploadLimit: this.deps.destination.rawUploadLimit,
      chunkSize: this.deps.destination.chunkSize,
      repairCaptureDates,
    });
    const tx = this.deps.db.transaction('jobs', 'readwrite');
    const stored = (await tx.store.get(job.id)) ?? job;
    const updated = { ...stored, plan };
    await tx.store.put(updated);
    await tx.done;
    return updated;
  }

  private commitContext(job: JobRecord): CommitContext {
    const albums = new AlbumMaker(this.deps.db, this.deps.destination, job.accountKey, this.deps.clock.now);
    const favoritesKey: [string, string, number] = [job.id, 'favorites', 1];
    return {
      db: this.deps.db,
      destination: this.deps.destination,
      albums,
      jobId: job.id,
      accountKey: job.accountKey,
      now: () => this.deps.clock.now(),
      newId: this.deps.newId,
      extraAlbumId: async (purpose) => {
        if (purpose !== 'favorites') throw new Error(`unknown extra album ${purpose}`);
        if (!(await this.deps.db.get('albums', favoritesKey))) {
          const title = this.deps.favoritesTitle();
          await this.deps.db.put('albums', {
            ...newAlbumRecord(
              this.deps,
              job.id,
              { id: 'favorites', name: title, mediaCount: 0, lastUpdateTime: 0 },
              1,
            ),
            title,
          });
        }
        return (await albums.ensure(favoritesKey)).googleAlbumId!;
      },
      onItemFinal: () => this.deps.onChange(),
    };
  }

  private async hasOpenItems(jobId: string): Promise<boolean> {
    for (const state of ['planned', 'transferring', 'uploaded', 'creating', 'created'] as const) {
      const range = inState(jobId, state);
      if ((await this.deps.db.countFromIndex('items', 'byState', range)) > 0) return true;
    }
    return false;
  }

  /**
   * The committer is one chain: batchCreate calls never overlap (google-photos-api.md §C11).
   * Rate limits and server errors are waited out here; anything else stops the run.
   */
  private serialCommit(ctx: CommitContext, flushAll: boolean): Promise<void> {
    return this.onCommitChain(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.waitForGoogleHold();
          const sent = await commitUploaded(ctx, flushAll, COMMIT_MAX_WAIT_MS);
          // Only new media items can fill a call to an album; the end of the round sends the rest.
          if (sent > 0 || flushAll) await addToOtherAlbums(ctx, flushAll, COMMIT_MAX_WAIT_MS);
          this.deps.onChange();
          return;
        } catch (error) {
          if (!isMigrationError(error) || error.scope !== 'retry' || attempt >= TRANSIENT_RETRIES)
            throw error;
          if (error.kind === 'google-rate-limited') {
            this.limit?.onRateLimited(this.deps.clock.now(), error.details.retryAfterMs ?? 30_000);
          } else {
            await this.deps.clock.sleep(error.details.retryAfterMs ?? backoffMs(attempt));
          }
        }
      }
    });
  }

  /** Everything that writes or settles `creating` items runs here, one step at a time. */
  private onCommitChain(work: () => Promise<void>): Promise<void> {
    const next = this.commitChain.then(work);
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  private async waitForGoogleHold(signal?: AbortSignal): Promise<void> {
    const hold = this.limit?.holdMs(this.deps.clock.now()) ?? 0;
    if (hold > 0) await this.deps.clock.sleep(hold, signal);
  }

  private async nextItems(
    jobId: string,
    skip: (item: ItemRecord) => boolean,
    count: number,
  ): Promise<ItemRecord[]> {
    const found: ItemRecord[] = [];
    for (const state of ['transferring', 'planned'] as const) {
      const range = inState(jobId, state);
      let cursor = await this.deps.db.transaction('items').store.index('byState').openCursor(range);
      while (cursor && found.length < count) {
        if (!skip(cursor.value)) found.push(cursor.value);
        cursor = await cursor.continue();
      }
    }
    return found;
  }

  private async transferAll(job: JobRecord, commit: CommitContext, signal: AbortSignal): Promise<void> {
    const inFlight = new Map<string, Promise<void>>();
    const largeInFlight = new Set<string>();
    const isLarge = (item: ItemRecord) => item.size > this.deps.destination.rawUploadLimit;
    let fatal: unknown;
    const onJobError = (error: unknown) => {
      fatal ??= error;
      this.abort?.abort(error);
    };
    for (;;) {
      if (fatal) throw fatal;
      signal.throwIfAborted();
      const limit = this.limit?.limit ?? 1;
      if (inFlight.size >= limit) {
        await Promise.race(inFlight.values());
        continue;
      }
      const [item] = await this.nextItems(
        job.id,
        (it) => inFlight.has(it.id) || (isLarge(it) && largeInFlight.size >= MAX_LARGE_IN_FLIGHT),
        1,
      );
      if (!item) {
        if (inFlight.size === 0) break;
        await Promise.race(inFlight.values());
        continue;
      }
      if (isLarge(item)) largeInFlight.add(item.id);
      const work = this.moveItem(item, commit, signal)
        .catch(onJobError)
        .finally(() => {
          inFlight.delete(item.id);
          largeInFlight.delete(item.id);
        });
      inFlight.set(item.id, work);
    }
    if (fatal) throw fatal;
  }

  /**
   * After an upload: once enough uploads for a full batch have come in, the committer looks (it
   * reads the waiting items, so not after every one); a timer sends partial batches that waited
   * COMMIT_MAX_WAIT_MS.
   */
  private scheduleCommit(ctx: CommitContext): void {
    // A commit that fails stops the run that started it, never a later one.
    const abort = this.abort;
    const stopRun = (error: unknown) => abort?.abort(error);
    this.uploadsSinceCommit += 1;
    if (this.uploadsSinceCommit >= BATCH_LIMIT) {
      this.uploadsSinceCommit = 0;
      void this.serialCommit(ctx, false).catch(stopRun);
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.serialCommit(ctx, false).catch(stopRun);
    }, COMMIT_MAX_WAIT_MS);
  }

  private async keepXiaomiWarm(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.lastKeepAlive < XIAOMI_KEEPALIVE_MS) return;
    this.lastKeepAlive = now;
    await this.deps.source.keepAlive();
  }

  /** One item, from wherever it stands to `uploaded`, with retries by error kind. */
  private async moveItem(start: ItemRecord, commit: CommitContext, signal: AbortSignal): Promise<void> {
    let item = start;
    let networkFailures = 0;
    for (;;) {
      try {
        await this.keepXiaomiWarm();
        await this.waitForGoogleHold(signal);
        await transferItem(
          {
            db: this.deps.db,
            source: this.deps.source,
            destination: this.deps.destination,
            clock: this.deps.clock,
            onBytesSent: (bytes) => {
              this.sentBytes.push({ at: this.deps.clock.now(), bytes });
              this.deps.onChange();
            },
            repairCaptureDate: this.repairCaptureDate,
          },
          item,
          signal,
        );
        this.limit?.onSuccess();
        this.scheduleCommit(commit);
        return;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const problem = isMigrationError(error) ? error : asNetworkError(error);
        if (problem.kind === 'google-rate-limited') {
          this.limit?.onRateLimited(this.deps.clock.now(), problem.details.retryAfterMs ?? 30_000);
          continue;
        }
        networkFailures = problem.kind === 'network-error' ? networkFailures + 1 : 0;
        if (networkFailures >= NETWORK_DOWN_AFTER) throw problem;
        const fresh = await this.deps.db.get('items', [item.jobId, item.id]);
        if (!fresh) return;
        const outcome = outcomeFor(problem.kind, fresh.attempts);
        if (outcome.kind === 'job') throw problem;
        if (outcome.kind === 'end') {
          await this.endItem(fresh, outcome.state, problem);
          return;
        }
        item = await updateItem(this.deps.db, item.jobId, item.id, (it) => ({
          ...it,
          attempts: it.attempts + 1,
          // A session Google no longer agrees with is abandoned; the next try starts a new one. So is
          // one whose bytes did not hash to Xiaomi's SHA-1: the saved hash state, and the bytes
          // Google holds, may carry the corruption, and resuming would only fail the same way.
          upload: REUPLOAD_AFTER.has(problem.kind) ? undefined : it.upload,
        }));
        await this.deps.clock.sleep(problem.details.retryAfterMs ?? backoffMs(item.attempts), signal);
      }
    }
  }

  private async endItem(item: ItemRecord, state: FinalState, problem: MigrationError): Promise<void> {
    await updateItem(this.deps.db, item.jobId, item.id, (it) => ({
      ...it,
      state,
      reasonKind: problem.kind,
      reason: problem.message,
      upload: undefined,
    }));
    this.deps.onChange();
  }
}
