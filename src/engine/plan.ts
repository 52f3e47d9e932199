/**
 * Freezes the person's selection into a plan: every item of every selected album, listed page by
 * page, each page written together with the listing cursor so a stop mid-listing neither loses
 * nor repeats a page. An item in several selected albums becomes one record with several album
 * references, so it is transferred once.
 */
import type { MigrationError } from '../shared/errors.ts';
import type { SourceAlbum, SourceItem } from '../shared/model.ts';
import { MAX_ALBUM_ITEMS } from './albums.ts';
import {
  type AlbumRecord,
  type EngineDb,
  emptyCounts,
  type ItemRecord,
  type JobRecord,
  writeItem,
} from './db.ts';
import type { SourcePort } from './ports.ts';

export interface PlanContext {
  db: EngineDb;
  source: SourcePort;
  /** Reasons an item will never be sent (empty, too large), decided before any byte moves. */
  preflight(item: SourceItem): MigrationError | undefined;
  albumTitle(album: Pick<SourceAlbum, 'name' | 'system'>, part: number, parts: number): string;
  favoritesAlbum: boolean;
  /** Items per Google album before an album is split into parts; MAX_ALBUM_ITEMS unless a test lowers it. */
  maxAlbumItems?: number;
}

export function partsOf(count: number, maxAlbumItems = MAX_ALBUM_ITEMS): number {
  return Math.max(1, Math.ceil(count / maxAlbumItems));
}

export function newAlbumRecord(
  ctx: Pick<PlanContext, 'albumTitle' | 'maxAlbumItems'>,
  jobId: string,
  album: SourceAlbum,
  part: number,
): AlbumRecord {
  return {
    jobId,
    xiaomiAlbumId: album.id,
    part,
    name: album.name,
    system: album.system,
    xiaomiCount: album.mediaCount,
    title: ctx.albumTitle(album, part, partsOf(album.mediaCount, ctx.maxAlbumItems)),
    counts: emptyCounts(),
  };
}

function newItem(
  ctx: PlanContext,
  jobId: string,
  seq: number,
  item: SourceItem,
  ref: ItemRecord['albums'][number],
): ItemRecord {
  const base: ItemRecord = {
    ...item,
    jobId,
    seq,
    albums: [ref],
    extraAlbums: item.isFavorite && ctx.favoritesAlbum ? ['favorites'] : [],
    state: 'planned',
    attempts: 0,
    inGoogleAlbums: [],
    updatedAt: Date.now(),
  };
  const refusal = ctx.preflight(item);
  return refusal ? { ...base, state: 'skipped', reasonKind: refusal.kind, reason: refusal.message } : base;
}

async function writePage(
  ctx: PlanContext,
  job: JobRecord,
  album: SourceAlbum,
  page: { pageNum: number; items: SourceItem[] },
  albumIndex: number,
): Promise<JobRecord> {
  const tx = ctx.db.transaction(['items', 'albums', 'jobs', 'ledger'], 'readwrite');
  let position = job.listing?.position ?? 0;
  let nextSeq = job.nextSeq;
  for (const listed of page.items) {
    const part = Math.floor(position / (ctx.maxAlbumItems ?? MAX_ALBUM_ITEMS)) + 1;
    position += 1;
    const albumKey: [string, string, number] = [job.id, album.id, part];
    if (!(await tx.objectStore('albums').get(albumKey))) {
      await tx.objectStore('albums').put(newAlbumRecord(ctx, job.id, album, part));
    }
    const ref = { xiaomiAlbumId: album.id, part };
    const before = await tx.objectStore('items').get([job.id, listed.id]);
    if (before) {
      if (before.albums.some((r) => r.xiaomiAlbumId === album.id)) continue;
      await writeItem(tx, before, { ...before, albums: [...before.albums, ref] });
      continue;
    }
    let item = newItem(ctx, job.id, nextSeq, { ...listed, albumId: album.id }, ref);
    nextSeq += 1;
    const earlier = await tx.objectStore('ledger').get([job.accountKey, listed.id]);
    if (earlier && earlier.sha1 === listed.sha1 && item.state === 'planned') {
      // Done for this Google account in an earlier job: only the album memberships are left.
      item = { ...item, state: 'created', mediaItemId: earlier.mediaItemId, productUrl: earlier.productUrl };
    }
    await writeItem(tx, undefined, item);
  }
  // Read at the end: a pause may have changed the status, and writeItem moved the counters.
  const stored = (await tx.objectStore('jobs').get(job.id)) ?? job;
  const updated: JobRecord = {
    ...stored,
    nextSeq,
    listing: { albumIndex, pageNum: page.pageNum + 1, position },
  };
  await tx.objectStore('jobs').put(updated);
  await tx.done;
  return updated;
}

/** Changes the stored job in one transaction, so fields written elsewhere (status) are kept. */
async function patchJob(
  db: EngineDb,
  jobId: string,
  patch: (job: JobRecord) => JobRecord,
): Promise<JobRecord> {
  const tx = db.transaction('jobs', 'readwrite');
  const stored = await tx.store.get(jobId);
  if (!stored) throw new Error(`job ${jobId} is gone`);
  const updated = patch(stored);
  await tx.store.put(updated);
  await tx.done;
  return updated;
}

/** Lists what is left of the selection into the plan; returns the job with listing complete. */
export async function planJob(
  ctx: PlanContext,
  job: JobRecord,
  albums: SourceAlbum[],
  signal: AbortSignal,
): Promise<JobRecord> {
  const byId = new Map(albums.map((a) => [a.id, a]));
  let current = job;
  while (current.listing && current.listing.albumIndex < current.albumIds.length) {
    const albumIndex = current.listing.albumIndex;
    const album = byId.get(current.albumIds[albumIndex]!);
    if (album) {
      for await (const page of ctx.source.listAlbumItems(album.id, current.listing.pageNum)) {
        signal.throwIfAborted();
        current = await writePage(ctx, current, album, page, albumIndex);
      }
    }
    current = await patchJob(ctx.db, job.id, (stored) => ({
      ...stored,
      listing: { albumIndex: albumIndex + 1, pageNum: 0, position: 0 },
    }));
  }
  signal.throwIfAborted();
  return patchJob(ctx.db, job.id, (stored) => ({
    ...stored,
    listing: undefined,
    status: stored.status === 'planning' ? 'running' : stored.status,
  }));
}
