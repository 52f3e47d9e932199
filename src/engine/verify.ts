/**
 * The end-of-job check behind the "verified — safe to let Xiaomi delete" mark: per album, the
 * receipt, Xiaomi's own current count and Google's count of the album's items must agree, and
 * every item must be done or deliberately skipped with a reason. It recounts from the item
 * records rather than trusting the running counters.
 */
import type { AlbumRecord, EngineDb } from './db.ts';
import type { DestinationPort, SourcePort } from './ports.ts';

interface Tally {
  done: number;
  skipped: number;
  /** Skipped because Xiaomi deleted them after listing: Xiaomi's count no longer includes them. */
  goneFromXiaomi: number;
  open: number;
}

function groupParts(records: AlbumRecord[]): Map<string, AlbumRecord[]> {
  const groups = new Map<string, AlbumRecord[]>();
  for (const record of records)
    groups.set(record.xiaomiAlbumId, [...(groups.get(record.xiaomiAlbumId) ?? []), record]);
  return groups;
}

async function tallyItems(db: EngineDb, jobId: string): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  const items = await db.getAll('items', IDBKeyRange.bound([jobId, ''], [jobId, '\uffff']));
  for (const item of items) {
    const albumIds = [...new Set([...item.albums.map((a) => a.xiaomiAlbumId), ...item.extraAlbums])];
    for (const albumId of albumIds) {
      const t = tallies.get(albumId) ?? { done: 0, skipped: 0, goneFromXiaomi: 0, open: 0 };
      if (item.state === 'done') t.done += 1;
      else if (item.state === 'skipped') {
        t.skipped += 1;
        if (item.reasonKind === 'xiaomi-item-deleted') t.goneFromXiaomi += 1;
      } else t.open += 1;
      tallies.set(albumId, t);
    }
  }
  return tallies;
}

export async function verifyJob(
  db: EngineDb,
  source: SourcePort,
  destination: DestinationPort,
  jobId: string,
): Promise<void> {
  const records = await db.getAllFromIndex('albums', 'byJob', jobId);
  const xiaomiNow = new Map((await source.listAlbums()).map((a) => [a.id, a.mediaCount]));
  const tallies = await tallyItems(db, jobId);
  for (const [xiaomiAlbumId, parts] of groupParts(records)) {
    const t = tallies.get(xiaomiAlbumId) ?? { done: 0, skipped: 0, goneFromXiaomi: 0, open: 0 };
    let google = 0;
    let googleKnown = true;
    for (const part of parts) {
      if (part.googleAlbumId) google += (await destination.getAlbum(part.googleAlbumId)).mediaItemsCount;
      else if (t.done > 0) googleKnown = false;
    }
    const receipt = t.done + t.skipped;
    // Favourites are an album of ours; Xiaomi has no count of it to compare with.
    const xiaomi = xiaomiAlbumId === 'favorites' ? receipt : (xiaomiNow.get(xiaomiAlbumId) ?? 0);
    const verified =
      t.open === 0 && googleKnown && google === t.done && xiaomi === receipt - t.goneFromXiaomi;
    for (const part of parts) {
      await db.put('albums', {
        ...part,
        verified,
        verification: { receipt, xiaomi, google: googleKnown ? google : null },
      });
    }
  }
}
