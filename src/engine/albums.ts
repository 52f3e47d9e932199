/**
 * One Google album per selected Xiaomi album (or part of one), created exactly once.
 *
 * The intent is written before `albums.create`; an intent without a recorded id means a stop came
 * in between, so the app-created album list is searched by title (google-photos-api.md §D2: titles
 * are not unique, so only albums not already claimed are adopted) before anything new is made.
 * Albums made for this Google account by an earlier job are reused from the album ledger.
 */
import { type AlbumKey, type AlbumRecord, type EngineDb, ownedBy } from './db.ts';
import type { AppAlbum, DestinationPort } from './ports.ts';

export const MAX_ALBUM_ITEMS = 20_000;

function ledgerKey(album: AlbumRecord): string {
  return `${album.xiaomiAlbumId}#${album.part}`;
}

async function claimedAlbumIds(db: EngineDb, accountKey: string): Promise<Set<string>> {
  const range = ownedBy(accountKey);
  const claimed = await db.getAll('albumLedger', range);
  return new Set(claimed.map((a) => a.googleAlbumId));
}

export class AlbumMaker {
  /** Serialises creation: parallel find-or-create is what duplicated albums elsewhere (§H3). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: EngineDb,
    private readonly destination: DestinationPort,
    private readonly accountKey: string,
    private readonly now: () => number,
  ) {}

  ensure(key: AlbumKey): Promise<AlbumRecord> {
    const next = this.chain.then(() => this.ensureNow(key));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Forgets an album the person deleted in Google Photos, so the next `ensure` makes a new one. */
  async forget(key: AlbumKey): Promise<void> {
    const album = await this.db.get('albums', key);
    if (!album) return;
    await this.db.delete('albumLedger', [this.accountKey, ledgerKey(album)]);
    await this.db.put('albums', {
      ...album,
      googleAlbumId: undefined,
      googleProductUrl: undefined,
      createIntentAt: undefined,
    });
  }

  private async record(album: AlbumRecord, google: AppAlbum): Promise<AlbumRecord> {
    const done: AlbumRecord = { ...album, googleAlbumId: google.id, googleProductUrl: google.productUrl };
    const tx = this.db.transaction(['albums', 'albumLedger'], 'readwrite');
    await tx.objectStore('albums').put(done);
    await tx.objectStore('albumLedger').put({
      accountKey: this.accountKey,
      albumKey: ledgerKey(album),
      googleAlbumId: google.id,
      title: album.title,
    });
    await tx.done;
    return done;
  }

  private async ensureNow(key: AlbumKey): Promise<AlbumRecord> {
    const album = await this.db.get('albums', key);
    if (!album) throw new Error(`album ${key.join('/')} is not in the plan`);
    if (album.googleAlbumId) return album;

    const earlier = await this.db.get('albumLedger', [this.accountKey, ledgerKey(album)]);
    if (earlier) {
      const done = { ...album, googleAlbumId: earlier.googleAlbumId };
      await this.db.put('albums', done);
      return done;
    }

    if (album.createIntentAt !== undefined) {
      const claimed = await claimedAlbumIds(this.db, this.accountKey);
      const title = this.destination.storedAlbumTitle(album.title);
      const candidates = (await this.destination.listAppAlbums()).filter(
        (a) => a.title === title && !claimed.has(a.id),
      );
      const adopted = candidates.at(-1);
      if (adopted) return this.record(album, adopted);
    }

    await this.db.put('albums', { ...album, createIntentAt: this.now() });
    const created = await this.destination.createAlbum(album.title);
    return this.record(album, created);
  }
}
