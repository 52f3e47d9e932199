/**
 * The local copy: Xiaomi originals saved to disk by the browser (chrome.downloads), one folder per
 * album under "Mi Cloud", for people without room in Google Photos and for what did not move.
 *
 * The browser fetches and writes each file by itself, so a download goes on while the service
 * worker is stopped. The extension keeps a durable list in IndexedDB (store `localCopy`): every
 * file with its path, decided once, and the download the browser was asked for. Rule zero holds
 * here too: the signed URL is written before the browser is asked to fetch it and the download id
 * as soon as it is known, so after any stop `settle` asks the browser about each download by id,
 * or by URL when the id was lost, and carries on without saving anything twice.
 *
 * Only a few files at a time: Xiaomi's links are signed and short-lived (xiaomi-api.md §6.3), and
 * downloads the browser queued would outlive them. The extension cannot hash what the browser
 * writes, so the saved size is compared with the listing's (xiaomi-api.md §9) and a difference is
 * reported as a failure.
 */
import type { DownloadState, Downloads } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import {
  asNetworkError,
  ERROR_KINDS,
  type ErrorKind,
  isMigrationError,
  MigrationError,
} from '../shared/errors.ts';
import type { LocalCopyView, PauseInfo } from '../shared/messages.ts';
import type { SourceAlbum, SourceItem } from '../shared/model.ts';
import {
  type EngineDb,
  inState,
  type LocalCopyCounts,
  type LocalCopyEntry,
  type LocalCopyRecord,
  type LocalCopyState,
  type LocalCopyTx,
  ownedBy,
} from './db.ts';
import {
  duplicateSuffix,
  LOCAL_COPY_ROOT,
  safeFileName,
  safeFolderName,
  sameFileKey,
} from './local-names.ts';
import type { SourcePort } from './ports.ts';

/** The `meta` key of the one local copy kept. */
export const LOCAL_COPY_KEY = 'localCopy';
/** Downloads the browser runs at once. */
export const LOCAL_COPY_PARALLEL = 3;
/** Tries per file (a cut connection, a link that expired) before it fails. */
export const LOCAL_COPY_ATTEMPTS = 3;
/** Failures the view names; the count covers them all. */
export const LOCAL_COPY_FAILURES_SHOWN = 50;

/** Chrome's interrupt reasons that mean the disk, not the file: the copy waits for room. */
const DISK_FULL = new Set(['FILE_NO_SPACE', 'FILE_TOO_LARGE']);
const CANCELLED_BY_PERSON = 'USER_CANCELED';

export interface LocalCopyDeps {
  db: EngineDb;
  source: Pick<SourcePort, 'checkSession' | 'listAlbumItems' | 'signedDownload'>;
  downloads: Downloads;
  clock: Clock;
  newId(): string;
  /** An album's name in the person's language (system albums, unnamed albums), for its folder. */
  folderTitle(album: Pick<SourceAlbum, 'name' | 'system'>): string;
  /** Words for a wait, in the person's language. */
  describe(kind: ErrorKind): string;
  onChange(): void;
  keepAlive: { hold(): () => void };
}

/** An album to give a folder: its id and what it is called. */
type FolderSource = { id: string } & Pick<SourceAlbum, 'name' | 'system'>;

function emptyCounts(): LocalCopyCounts {
  return { total: 0, done: 0, failed: 0, bytesTotal: 0, bytesDone: 0 };
}

function count(counts: LocalCopyCounts, entry: LocalCopyEntry, sign: 1 | -1): void {
  if (entry.state === 'done') {
    counts.done += sign;
    counts.bytesDone += sign * entry.item.size;
  }
  if (entry.state === 'failed') counts.failed += sign;
}

/** Waits that end without the person: a session that comes back, a server that recovers. */
function passesByItself(kind: ErrorKind): boolean {
  return ERROR_KINDS[kind] === 'retry' || kind === 'xiaomi-logged-out' || kind === 'xiaomi-second-validation';
}

export class LocalCopier {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: LocalCopyDeps) {}

  async record(): Promise<LocalCopyRecord | undefined> {
    return (await this.deps.db.get('meta', LOCAL_COPY_KEY)) as LocalCopyRecord | undefined;
  }

  /** A local copy is under way or waits: a new one would compete with it. */
  async busy(): Promise<boolean> {
    const status = (await this.record())?.status;
    return status === 'listing' || status === 'running' || status === 'waiting';
  }

  /** Saves whole albums: they are listed afresh, page by page. */
  async startAlbums(albums: SourceAlbum[]): Promise<void> {
    await this.begin(albums, { albumIds: albums.map((a) => a.id), albumIndex: 0, pageNum: 0 });
  }

  /**
   * Saves the failed and skipped items of a migration into the folders of their albums. Returns
   * how many items that is; with none, nothing is started.
   */
  async startLeftovers(jobId: string): Promise<number> {
    const { db } = this.deps;
    const leftovers = [
      ...(await db.getAllFromIndex('items', 'byState', inState(jobId, 'failed'))),
      ...(await db.getAllFromIndex('items', 'byState', inState(jobId, 'skipped'))),
    ].sort((a, b) => a.seq - b.seq);
    if (leftovers.length === 0) return 0;
    // Parts of a split album share one folder; favourites are an album of ours, not Xiaomi's.
    const albums = new Map<string, FolderSource>();
    for (const album of await db.getAllFromIndex('albums', 'byJob', jobId))
      if (album.xiaomiAlbumId !== 'favorites')
        albums.set(album.xiaomiAlbumId, { ...album, id: album.xiaomiAlbumId });
    await this.begin([...albums.values()], undefined, async (add) => {
      for (const item of leftovers) {
        for (const albumId of new Set(item.albums.map((ref) => ref.xiaomiAlbumId)))
          await add(albumId, [item]);
      }
    });
    return leftovers.length;
  }

  async resume(): Promise<void> {
    const copy = await this.record();
    if (copy?.status !== 'waiting') return;
    await this.change((record) => {
      record.status = record.listing ? 'listing' : 'running';
      record.pause = undefined;
    });
    this.kick();
  }

  /** Stops saving; what the browser saved stays on disk, and files half-written are removed. */
  async cancel(): Promise<void> {
    const copy = await this.record();
    if (!copy || copy.status === 'done' || copy.status === 'cancelled') return;
    // Files the browser finished meanwhile count as saved.
    await this.settle(copy.id).catch(() => undefined);
    await this.change((record) => {
      record.status = 'cancelled';
      record.pause = undefined;
      record.finishedAt = this.deps.clock.now();
    });
    // A pump under way sees the status before it starts another download; let it stop first.
    await this.idle();
    const saving = await this.deps.db.getAllFromIndex('localCopy', 'byState', inState(copy.id, 'saving'));
    for (const entry of saving) await this.deps.downloads.cancel(entry.downloadId!).catch(() => undefined);
    this.deps.onChange();
  }

  /** Called by the watchdog alarm: goes on after a wait whose cause has passed, or after a stop. */
  async tick(): Promise<void> {
    const copy = await this.record();
    if (
      copy?.status === 'waiting' &&
      copy.pause?.resumesByItself &&
      (await this.causeHasPassed(copy.pause))
    ) {
      await this.resume();
      return;
    }
    if (copy?.status === 'listing' || copy?.status === 'running') this.kick();
  }

  /** Does what can be done now (list, settle finished downloads, start more). Safe to call often. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pumpWhileKicked().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no pump runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async view(): Promise<LocalCopyView | undefined> {
    const copy = await this.record();
    if (!copy) return undefined;
    const failures: LocalCopyView['failures'] = [];
    const index = this.deps.db.transaction('localCopy').store.index('byState');
    let cursor = await index.openCursor(inState(copy.id, 'failed'));
    while (cursor && failures.length < LOCAL_COPY_FAILURES_SHOWN) {
      const entry = cursor.value;
      failures.push({
        fileName: entry.item.fileName,
        folder: entry.folder,
        reasonKind: entry.reasonKind ?? 'download-failed',
        reason: entry.reason ?? '',
      });
      cursor = await cursor.continue();
    }
    return {
      id: copy.id,
      status: copy.status,
      pause: copy.pause,
      createdAt: copy.createdAt,
      finishedAt: copy.finishedAt,
      ...copy.counts,
      failures,
    };
  }

  private async causeHasPassed(pause: PauseInfo): Promise<boolean> {
    if (pause.kind !== 'xiaomi-logged-out' && pause.kind !== 'xiaomi-second-validation') return true;
    return (await this.deps.source.checkSession().catch(() => undefined))?.state === 'logged-in';
  }

  /**
   * Replaces the previous local copy (its list, not its files) with a new one: folders named once,
   * in the order given, different even where album names are the same.
   */
  private async begin(
    albums: FolderSource[],
    listing: LocalCopyRecord['listing'],
    fill?: (add: (albumId: string, items: SourceItem[]) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const folders: Record<string, string> = {};
    const taken = new Set<string>();
    for (const album of albums) {
      const title = this.deps.folderTitle(album);
      let folder = '';
      for (let n = 1; folder === '' || taken.has(sameFileKey(folder)); n++)
        folder = safeFolderName(title, `Album ${album.id}`, duplicateSuffix(n));
      taken.add(sameFileKey(folder));
      folders[album.id] = folder;
    }
    const previous = await this.record();
    const copy: LocalCopyRecord = {
      id: this.deps.newId(),
      createdAt: this.deps.clock.now(),
      status: listing ? 'listing' : 'running',
      listing,
      folders,
      nextSeq: 0,
      counts: emptyCounts(),
    };
    const tx = this.deps.db.transaction(['localCopy', 'meta'], 'readwrite');
    if (previous) {
      await tx.objectStore('localCopy').delete(ownedBy(previous.id));
    }
    await fill?.((albumId, items) => this.addEntries(tx, copy, albumId, items));
    await tx.objectStore('meta').put(copy, LOCAL_COPY_KEY);
    await tx.done;
    this.deps.onChange();
    this.kick();
  }

  /** Plans files for an album's folder; an item already planned there is left as it is. */
  private async addEntries(
    tx: LocalCopyTx,
    copy: LocalCopyRecord,
    albumId: string,
    items: SourceItem[],
  ): Promise<void> {
    const store = tx.objectStore('localCopy');
    const folder = copy.folders[albumId] ?? safeFolderName('', `Album ${albumId}`);
    for (const item of items) {
      if (await store.index('byItem').getKey([copy.id, albumId, item.id])) continue;
      let path = '';
      for (let n = 1; path === '' || (await store.getKey([copy.id, sameFileKey(path)])); n++)
        path = `${LOCAL_COPY_ROOT}/${folder}/${safeFileName(item.fileName, item.id, duplicateSuffix(n))}`;
      await store.put({
        copyId: copy.id,
        pathKey: sameFileKey(path),
        path,
        folder,
        albumId,
        seq: copy.nextSeq,
        item,
        state: 'planned',
        attempts: 0,
      });
      copy.nextSeq += 1;
      copy.counts.total += 1;
      copy.counts.bytesTotal += item.size;
    }
  }

  /** Changes the record in one transaction with whatever `mutate` writes to the entries. */
  private async change(
    mutate: (record: LocalCopyRecord, tx: LocalCopyTx) => void | Promise<void>,
  ): Promise<LocalCopyRecord> {
    const tx = this.deps.db.transaction(['localCopy', 'meta'], 'readwrite');
    const stored = (await tx.objectStore('meta').get(LOCAL_COPY_KEY)) as LocalCopyRecord | undefined;
    if (!stored) throw new Error('there is no local copy');
    const record = structuredClone(stored);
    await mutate(record, tx);
    await tx.objectStore('meta').put(record, LOCAL_COPY_KEY);
    await tx.done;
    return record;
  }

  /** Writes an entry's new state and moves it between the counters, in one transaction. */
  private async update(entry: LocalCopyEntry, change: Partial<LocalCopyEntry>): Promise<LocalCopyEntry> {
    let after = entry;
    await this.change(async (record, tx) => {
      const store = tx.objectStore('localCopy');
      const before = await store.get([entry.copyId, entry.pathKey]);
      // A copy replaced meanwhile: this entry is no longer anyone's.
      if (!before || record.id !== entry.copyId) return;
      after = { ...before, ...change };
      count(record.counts, before, -1);
      count(record.counts, after, 1);
      await store.put(after);
    });
    return after;
  }

  private entries(copyId: string, state: LocalCopyState): Promise<LocalCopyEntry[]> {
    return this.deps.db.getAllFromIndex('localCopy', 'byState', inState(copyId, state));
  }

  private async pumpWhileKicked(): Promise<void> {
    do {
      this.again = false;
      // Only storage itself failing gets here; the next alarm or download event tries again.
      await this.pump().catch((error) => console.error('local copy stopped', error));
    } while (this.again);
  }

  private async pump(): Promise<void> {
    const copy = await this.record();
    if (copy?.status !== 'listing' && copy?.status !== 'running') return;
    const release = this.deps.keepAlive.hold();
    try {
      if (copy.status === 'listing' && (await this.list(copy))?.status !== 'running') return;
      await this.settle(copy.id);
      await this.startMore(copy.id);
      await this.finishIfDone(copy.id);
    } catch (error) {
      await this.wait(isMigrationError(error) ? error : asNetworkError(error));
    } finally {
      release();
      this.deps.onChange();
    }
  }

  private async wait(problem: MigrationError): Promise<void> {
    await this.change((record) => {
      if (record.status !== 'listing' && record.status !== 'running') return;
      record.status = 'waiting';
      record.pause = {
        kind: problem.kind,
        message: this.deps.describe(problem.kind),
        details: problem.details,
        since: this.deps.clock.now(),
        resumesByItself: passesByItself(problem.kind),
      };
    });
  }

  /** Lists the albums still to list, each page written with the cursor, as the migration's plan does. */
  private async list(copy: LocalCopyRecord): Promise<LocalCopyRecord | undefined> {
    let current: LocalCopyRecord | undefined = copy;
    while (current?.status === 'listing' && current.listing) {
      const { albumIds, albumIndex, pageNum } = current.listing;
      const albumId = albumIds[albumIndex];
      if (albumId === undefined) {
        current = await this.change((record) => {
          record.listing = undefined;
          if (record.status === 'listing') record.status = 'running';
        });
        break;
      }
      for await (const page of this.deps.source.listAlbumItems(albumId, pageNum)) {
        current = await this.change(async (record, tx) => {
          if (record.status !== 'listing') return;
          await this.addEntries(tx, record, albumId, page.items);
          record.listing = { albumIds, albumIndex, pageNum: page.pageNum + 1 };
        });
        this.deps.onChange();
        if (current.status !== 'listing') return current;
      }
      current = await this.change((record) => {
        if (record.status === 'listing')
          record.listing = { albumIds, albumIndex: albumIndex + 1, pageNum: 0 };
      });
    }
    return current;
  }

  /** Asks the browser about every download started and not yet settled, and records the outcome. */
  private async settle(copyId: string): Promise<void> {
    const open = [...(await this.entries(copyId, 'starting')), ...(await this.entries(copyId, 'saving'))];
    for (let entry of open) {
      const found =
        entry.downloadId === undefined
          ? await this.deps.downloads.search({ url: entry.url ?? '' })
          : await this.deps.downloads.search({ id: entry.downloadId });
      const download = found.sort((a, b) => b.id - a.id)[0];
      if (entry.state === 'starting') {
        // The stop came between asking the browser and hearing its answer: was it started?
        if (!download) {
          await this.update(entry, { state: 'planned', url: undefined });
          continue;
        }
        entry = await this.update(entry, { state: 'saving', downloadId: download.id });
      }
      if (!download) {
        await this.retry(entry, 'download-failed', 'the download was removed from the browser’s list');
        continue;
      }
      await this.settleDownload(entry, download);
    }
  }

  private async settleDownload(entry: LocalCopyEntry, download: DownloadState): Promise<void> {
    if (download.state === 'in_progress') return;
    if (download.state === 'complete') {
      const saved = download.fileSize >= 0 ? download.fileSize : download.bytesReceived;
      await this.update(
        entry,
        saved === entry.item.size
          ? { state: 'done', savedAs: download.filename }
          : {
              state: 'failed',
              savedAs: download.filename,
              reasonKind: 'download-size-mismatch',
              reason: `saved ${saved} bytes, Xiaomi lists ${entry.item.size}`,
            },
      );
      return;
    }
    const why = download.error ?? 'unknown reason';
    if (why === CANCELLED_BY_PERSON) {
      await this.update(entry, {
        state: 'failed',
        reasonKind: 'download-failed',
        reason: 'cancelled in the browser',
      });
      return;
    }
    // The half-written file goes; the next try starts afresh with a new link.
    await this.deps.downloads.cancel(download.id).catch(() => undefined);
    if (DISK_FULL.has(why)) {
      await this.update(entry, { state: 'planned', url: undefined, downloadId: undefined });
      throw new MigrationError('download-disk-full', `the browser stopped saving ${entry.path}: ${why}`);
    }
    await this.retry(entry, 'download-failed', `the browser stopped: ${why}`);
  }

  private async retry(entry: LocalCopyEntry, kind: ErrorKind, reason: string): Promise<void> {
    const attempts = entry.attempts + 1;
    await this.update(
      entry,
      attempts >= LOCAL_COPY_ATTEMPTS
        ? { state: 'failed', attempts, reasonKind: kind, reason }
        : { state: 'planned', attempts, url: undefined, downloadId: undefined },
    );
  }

  private async startMore(copyId: string): Promise<void> {
    for (;;) {
      const copy = await this.record();
      if (copy?.id !== copyId || copy.status !== 'running') return;
      const busy =
        (await this.deps.db.countFromIndex('localCopy', 'byState', inState(copyId, 'starting'))) +
        (await this.deps.db.countFromIndex('localCopy', 'byState', inState(copyId, 'saving')));
      if (busy >= LOCAL_COPY_PARALLEL) return;
      const next = await this.deps.db.getFromIndex('localCopy', 'byState', inState(copyId, 'planned'));
      if (!next) return;
      await this.startOne(next);
    }
  }

  private async startOne(entry: LocalCopyEntry): Promise<void> {
    let signed: { url: string; meta: string };
    try {
      signed = await this.deps.source.signedDownload(entry.item);
    } catch (error) {
      const problem = isMigrationError(error) ? error : asNetworkError(error);
      // A lost session or an unreachable Xiaomi is the copy's problem, not this file's: it waits.
      if (problem.scope !== 'item') throw problem;
      await this.update(entry, { state: 'failed', reasonKind: problem.kind, reason: problem.message });
      return;
    }
    const starting = await this.update(entry, { state: 'starting', url: signed.url });
    let id: number;
    try {
      id = await this.deps.downloads.start({
        url: signed.url,
        method: 'POST',
        body: new URLSearchParams({ meta: signed.meta }).toString(),
        headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
        filename: entry.path,
      });
    } catch (error) {
      // The browser refused the request itself, so nothing was started.
      const reason = error instanceof Error ? error.message : String(error);
      await this.update(starting, { state: 'failed', url: undefined, reasonKind: 'download-failed', reason });
      return;
    }
    await this.update(starting, { state: 'saving', downloadId: id });
  }

  private async finishIfDone(copyId: string): Promise<void> {
    for (const state of ['planned', 'starting', 'saving'] as const) {
      if ((await this.deps.db.countFromIndex('localCopy', 'byState', inState(copyId, state))) > 0) return;
    }
    await this.change((record) => {
      if (record.id !== copyId || record.status !== 'running') return;
      record.status = 'done';
      record.finishedAt = this.deps.clock.now();
    });
  }
}
