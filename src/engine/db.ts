/**
 * The engine's durable state (IndexedDB through idb). See README.md for the state machines.
 *
 * Counters per album live in the album records and change in the same transaction as the item,
 * so progress never needs a scan of 20,000 items and is never out of step with the items.
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import type { ErrorKind } from '../shared/errors.ts';
import type { ItemState, JobStatus, LocalCopyStatus, PauseInfo, PlanSummary } from '../shared/messages.ts';
import type { SourceAlbum, SourceItem } from '../shared/model.ts';

export const DB_NAME = 'mi2gp';
/** 2 added the local copy's store (`localCopy`). */
const DB_VERSION = 2;

export interface JobRecord {
  id: string;
  createdAt: number;
  status: JobStatus;
  /** The Google account the job writes to (from tokeninfo); the ledger is per account. */
  accountKey: string;
  xiaomiUserId: string;
  /** Selected Xiaomi album ids, in the order the person saw them. */
  albumIds: string[];
  pause?: PauseInfo;
  finishedAt?: number;
  /** Where listing goes on after a stop; undefined once the plan is complete. */
  listing?: { albumIndex: number; pageNum: number; position: number };
  /** Sequence number for the next planned item (the transfer order). */
  nextSeq: number;
  /** Each planned item counted once, kept in step with the items like the album counters. */
  counts: AlbumCounts;
  /** The pre-flight plan, written once the selection is listed. */
  plan?: PlanSummary;
}

export type AlbumKey = [jobId: string, xiaomiAlbumId: string, part: number];

export interface AlbumCounts {
  items: Record<ItemState, number>;
  bytesTotal: number;
  /** Bytes of items in Google Photos. */
  bytesDone: number;
  /**
   * Bytes Google holds: chunks it acknowledged, uploads waiting for their batchCreate, and done
   * items. The progress bar moves with these, so a slow uplink shows movement before a batch lands.
   */
  bytesSent: number;
  /** Bytes of items that ended skipped or failed: nothing more will be sent for them. */
  bytesSettled: number;
}

export interface AlbumRecord {
  jobId: string;
  xiaomiAlbumId: string;
  /** 1-based; albums over 20,000 items are split into parts (google-photos-api.md §C3). */
  part: number;
  name: string;
  system?: SourceAlbum['system'];
  xiaomiCount: number;
  title: string;
  /** Written before albums.create: an intent without an id is reconciled, never re-created blindly. */
  createIntentAt?: number;
  googleAlbumId?: string;
  googleProductUrl?: string;
  counts: AlbumCounts;
  verified?: boolean;
  verification?: { receipt: number; xiaomi: number; google: number | null };
}

export interface AlbumRef {
  xiaomiAlbumId: string;
  part: number;
}

export interface UploadProgress {
  sessionUrl: string;
  createdAt: number;
  granularity: number;
  /** Bytes Google acknowledged. */
  offset: number;
  /** SHA-1 state after `offset` source bytes (hash-wasm save()), so a resume need not re-hash. */
  hashState?: Uint8Array;
}

export interface ItemRecord extends SourceItem {
  jobId: string;
  seq: number;
  /** Every selected album the item is in; the first is where batchCreate puts it. */
  albums: AlbumRef[];
  /** Extra Google albums by purpose (e.g. favourites), resolved by the engine. */
  extraAlbums: string[];
  state: ItemState;
  attempts: number;
  upload?: UploadProgress;
  uploadToken?: string;
  tokenAt?: number;
  commitId?: string;
  commitSentAt?: number;
  mediaItemId?: string;
  productUrl?: string;
  /** Google album ids the item is known to be in. */
  inGoogleAlbums: string[];
  reasonKind?: ErrorKind;
  reason?: string;
  uploadedSha1?: string;
  /** What the capture-date repair wrote into the file, when it changed it. */
  captureDateChange?: string;
  updatedAt: number;
}

export interface LedgerRecord {
  accountKey: string;
  xiaomiId: string;
  sha1: string;
  mediaItemId: string;
  productUrl?: string;
  doneAt: number;
}

export interface AlbumLedgerRecord {
  accountKey: string;
  /** Xiaomi album id + part, or a purpose key such as 'favorites'. */
  albumKey: string;
  googleAlbumId: string;
  title: string;
}

export type LocalCopyState = 'planned' | 'starting' | 'saving' | 'done' | 'failed';

/** One file of the local copy (src/engine/local-copy.ts): an item saved into one album's folder. */
export interface LocalCopyEntry {
  copyId: string;
  /** `sameFileKey(path)`: one entry per file on disk, whatever the file system's case rules. */
  pathKey: string;
  /** "Mi Cloud/<folder>/<file>", relative to the browser's download folder. */
  path: string;
  folder: string;
  /** The Xiaomi album the folder stands for. */
  albumId: string;
  seq: number;
  item: SourceItem;
  state: LocalCopyState;
  attempts: number;
  /** The signed URL, written before the browser is asked for it: a download whose id was lost is found by it. */
  url?: string;
  downloadId?: number;
  /** Where the browser put the file. */
  savedAs?: string;
  reasonKind?: ErrorKind;
  reason?: string;
}

export interface LocalCopyCounts {
  total: number;
  done: number;
  failed: number;
  bytesTotal: number;
  bytesDone: number;
}

/** The local copy as a whole; one at a time, kept in `meta` (LOCAL_COPY_KEY). */
export interface LocalCopyRecord {
  id: string;
  createdAt: number;
  status: LocalCopyStatus;
  pause?: PauseInfo;
  finishedAt?: number;
  /** Albums to list and where listing goes on after a stop; absent once everything is listed. */
  listing?: { albumIds: string[]; albumIndex: number; pageNum: number };
  /** Folder name per Xiaomi album id, all different. */
  folders: Record<string, string>;
  nextSeq: number;
  /** Kept in step with the entries, in the same transactions. */
  counts: LocalCopyCounts;
}

interface EngineSchema extends DBSchema {
  jobs: { key: string; value: JobRecord };
  albums: { key: AlbumKey; value: AlbumRecord; indexes: { byJob: string } };
  items: {
    key: [string, string];
    value: ItemRecord;
    indexes: { byState: [string, ItemState, number]; byCommit: string };
  };
  ledger: { key: [string, string]; value: LedgerRecord };
  albumLedger: { key: [string, string]; value: AlbumLedgerRecord };
  meta: { key: string; value: unknown };
  localCopy: {
    key: [string, string];
    value: LocalCopyEntry;
    indexes: { byState: [string, LocalCopyState, number]; byItem: [string, string, string] };
  };
}

export type EngineDb = IDBPDatabase<EngineSchema>;
export type ItemsTx = IDBPTransaction<EngineSchema, StoreNames<EngineSchema>[], 'readwrite'>;
export type LocalCopyTx = IDBPTransaction<EngineSchema, ('localCopy' | 'meta')[], 'readwrite'>;

export function openEngineDb(name = DB_NAME): Promise<EngineDb> {
  return openDB<EngineSchema>(name, DB_VERSION, {
    // Each step upgrades from the version before it, so a person's jobs and ledger survive.
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('jobs', { keyPath: 'id' });
        const albums = db.createObjectStore('albums', { keyPath: ['jobId', 'xiaomiAlbumId', 'part'] });
        albums.createIndex('byJob', 'jobId');
        const items = db.createObjectStore('items', { keyPath: ['jobId', 'id'] });
        items.createIndex('byState', ['jobId', 'state', 'seq']);
        items.createIndex('byCommit', 'commitId');
        db.createObjectStore('ledger', { keyPath: ['accountKey', 'xiaomiId'] });
        db.createObjectStore('albumLedger', { keyPath: ['accountKey', 'albumKey'] });
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        const localCopy = db.createObjectStore('localCopy', { keyPath: ['copyId', 'pathKey'] });
        localCopy.createIndex('byState', ['copyId', 'state', 'seq']);
        localCopy.createIndex('byItem', ['copyId', 'albumId', 'item.id']);
      }
    },
  });
}

export const ALL_ITEM_STATES: readonly ItemState[] = [
  'planned',
  'transferring',
  'uploaded',
  'creating',
  'created',
  'done',
  'skipped',
  'failed',
];

/** Every record keyed [owner, …]: a job's items, an account's ledger, a local copy's files. */
export function ownedBy(ownerId: string): IDBKeyRange {
  return IDBKeyRange.bound([ownerId, ''], [ownerId, '\uffff']);
}

/** Records of one job or local copy in one state, in `seq` order (the `byState` indexes). */
export function inState(ownerId: string, state: string): IDBKeyRange {
  return IDBKeyRange.bound([ownerId, state, -Infinity], [ownerId, state, Infinity]);
}

export function emptyCounts(): AlbumCounts {
  const items = Object.fromEntries(ALL_ITEM_STATES.map((s) => [s, 0])) as Record<ItemState, number>;
  return { items, bytesTotal: 0, bytesDone: 0, bytesSent: 0, bytesSettled: 0 };
}

export function albumKeyOf(jobId: string, ref: AlbumRef): AlbumKey {
  return [jobId, ref.xiaomiAlbumId, ref.part];
}

/**
 * Writes an item's new state and moves it between the counters of each of its albums, in one
 * transaction. `before` is the stored record (undefined when the item is new to the plan).
 */
function move(counts: AlbumCounts, item: ItemRecord, sign: 1 | -1): void {
  counts.items[item.state] += sign;
  counts.bytesTotal += sign * item.size;
  if (item.state === 'done') counts.bytesDone += sign * item.size;
  counts.bytesSent += sign * bytesGoogleHolds(item);
  if (item.state === 'skipped' || item.state === 'failed') counts.bytesSettled += sign * item.size;
}

function bytesGoogleHolds(item: ItemRecord): number {
  switch (item.state) {
    case 'transferring':
      return item.upload?.offset ?? 0;
    case 'uploaded':
    case 'creating':
    case 'created':
    case 'done':
      return item.size;
    default:
      return 0;
  }
}

export async function writeItem(
  tx: ItemsTx,
  before: ItemRecord | undefined,
  after: ItemRecord,
): Promise<void> {
  const job = await tx.objectStore('jobs').get(after.jobId);
  if (job) {
    if (before) move(job.counts, before, -1);
    move(job.counts, after, 1);
    await tx.objectStore('jobs').put(job);
  }
  const albumsStore = tx.objectStore('albums');
  const refs = new Map<string, AlbumRef>();
  for (const ref of [...(before?.albums ?? []), ...after.albums])
    refs.set(`${ref.xiaomiAlbumId}/${ref.part}`, ref);
  for (const ref of refs.values()) {
    const album = await albumsStore.get(albumKeyOf(after.jobId, ref));
    if (!album) continue;
    const wasIn = before?.albums.some((r) => r.xiaomiAlbumId === ref.xiaomiAlbumId && r.part === ref.part);
    const isIn = after.albums.some((r) => r.xiaomiAlbumId === ref.xiaomiAlbumId && r.part === ref.part);
    if (before && wasIn) move(album.counts, before, -1);
    if (isIn) move(album.counts, after, 1);
    await albumsStore.put(album);
  }
  await tx.objectStore('items').put(after);
}

/** Reads, changes and writes one item atomically; returns the new record. */
export async function updateItem(
  db: EngineDb,
  jobId: string,
  itemId: string,
  change: (item: ItemRecord) => ItemRecord,
): Promise<ItemRecord> {
  const tx = db.transaction(['items', 'albums', 'jobs'], 'readwrite');
  const before = await tx.objectStore('items').get([jobId, itemId]);
  if (!before) throw new Error(`item ${itemId} is not in job ${jobId}`);
  const after = { ...change(structuredClone(before)), updatedAt: Date.now() };
  await writeItem(tx, before, after);
  await tx.done;
  return after;
}
