/**
 * The end-of-job check behind the "verified — safe to let Xiaomi delete" mark: per album, the
 * receipt, Xiaomi's own current count and Google's count of the album's items must agree, and
 * every item must be done or deliberately skipped with a reason. It recounts from the item
 * records rather than trusting the running counters.
 *
 * An album split into parts (more than 20,000 items) is checked part by part: each Google album
 * must hold exactly the items of its own part, and the parts together must account for Xiaomi's
 * count of the whole album, which is the only count Xiaomi has.
 */
import { type AlbumRecord, type EngineDb, ownedBy } from './db.ts';
import type { DestinationPort, SourcePort } from './ports.ts';

interface Tally {
  done: number;
  skipped: number;
  /** Skipped because Xiaomi deleted them after listing: Xiaomi's count no longer includes them. */
  goneFromXiaomi: number;
  open: number;
}

const emptyTally = (): Tally => ({ done: 0, skipped: 0, goneFromXiaomi: 0, open: 0 });

function partKey(xiaomiAlbumId: string, part: number): string {
  return `${xiaomiAlbumId}#${part}`;
}

function groupParts(records: AlbumRecord[]): Map<string, AlbumRecord[]> {
  const groups = new Map<string, AlbumRecord[]>();
  for (const record of records)
    groups.set(record.xiaomiAlbumId, [...(groups.get(record.xiaomiAlbumId) ?? []), record]);
  return groups;
}

/** Tallies by album part; extra albums (favourites) have one part. */
async function tallyItems(db: EngineDb, jobId: string): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  const items = await db.getAll('items', ownedBy(jobId));
  for (const item of items) {
    const keys = new Set([
      ...item.albums.map((a) => partKey(a.xiaomiAlbumId, a.part)),
      ...item.extraAlbums.map((purpose) => partKey(purpose, 1)),
    ]);
    for (const key of keys) {
      const t = tallies.get(key) ?? emptyTally();
      if (item.state === 'done') t.done += 1;
      else if (item.state === 'skipped') {
        t.skipped += 1;
        if (item.reasonKind === 'xiaomi-item-deleted') t.goneFromXiaomi += 1;
      } else t.open += 1;
      tallies.set(key, t);
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
    const partTallies = parts.map((part) => tallies.get(partKey(xiaomiAlbumId, part.part)) ?? emptyTally());
    const receipt = partTallies.reduce((sum, t) => sum + t.done + t.skipped, 0);
    const gone = partTallies.reduce((sum, t) => sum + t.goneFromXiaomi, 0);
    // Favourites are an album of ours; Xiaomi has no count of it to compare with, and what it
    // would say leaves out the favourites deleted there since.
    const xiaomi = xiaomiAlbumId === 'favorites' ? receipt - gone : (xiaomiNow.get(xiaomiAlbumId) ?? 0);
    const xiaomiAgrees = xiaomi === receipt - gone;
    for (const [index, part] of parts.entries()) {
      const t = partTallies[index]!;
      const google = part.googleAlbumId
        ? (await destination.getAlbum(part.googleAlbumId)).mediaItemsCount
        : t.done > 0
          ? null
          : 0;
      const partReceipt = t.done + t.skipped;
      await db.put('albums', {
        ...part,
        verified: t.open === 0 && google === t.done && xiaomiAgrees,
        // Xiaomi counts the whole album only: a part shows its share, off by what the album is off by.
        verification: { receipt: partReceipt, xiaomi: partReceipt + xiaomi - receipt, google },
      });
    }
  }
}
