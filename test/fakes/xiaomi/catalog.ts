/**
 * The cloud's current contents: the library minus what was deleted since (deleteItem), in the order
 * the gallery lists it (newest first), with the per-record change tags and the day buckets that
 * `startDate`/`endDate` and `dayCount` use (xiaomi-api.md §5.1, §5.3, §7).
 */
import { type Library, type LibraryItem, SYSTEM_ALBUMS } from '../library/library.ts';

/** The first item's `tag` (§10 fixture); the others follow in library order. Above 2^53 on purpose. */
const FIRST_TAG = 48_926_435_156_960_001n;

export interface Deletion {
  readonly item: LibraryItem;
  readonly deleteTime: number;
  /** The change tag the deletion got, after every item's own tag. */
  readonly tag: bigint;
}

function newestFirst(a: LibraryItem, b: LibraryItem): number {
  return b.dateTaken - a.dateTaken || (BigInt(b.id) > BigInt(a.id) ? 1 : -1);
}

export class Catalog {
  private readonly deletions = new Map<string, Deletion>();
  private readonly ordered = new Map<string, readonly LibraryItem[]>();
  private readonly tags = new Map<string, bigint>();

  constructor(readonly library: Library) {
    library.items.forEach((item, index) => {
      this.tags.set(item.id, FIRST_TAG + BigInt(index));
    });
  }

  get userId(): string {
    return this.library.userId;
  }

  /** A live (not deleted) item. */
  item(id: string): LibraryItem | undefined {
    return this.deletions.has(id) ? undefined : this.library.item(id);
  }

  isDeleted(id: string): boolean {
    return this.deletions.has(id);
  }

  tagOf(item: LibraryItem): bigint {
    return this.tags.get(item.id)!;
  }

  /** Moves an item to the recycle bin: gone from listings, `storage` answers 50050 for it. */
  delete(id: string, now: number): void {
    const item = this.library.item(id);
    if (!item) throw new Error(`no item ${id} in the library`);
    if (this.deletions.has(id)) return;
    const tag = FIRST_TAG + BigInt(this.library.items.length + this.deletions.size);
    this.deletions.set(id, { item, deleteTime: now, tag });
  }

  /** Newest deletion first. */
  get deleted(): readonly Deletion[] {
    return [...this.deletions.values()].reverse();
  }

  /**
   * Live items of an album, newest first; without an album, the whole library ("all photos"), each
   * item once, with or without the private album.
   */
  itemsIn(albumId: string | undefined, includePrivate: boolean): LibraryItem[] {
    const key = albumId ?? (includePrivate ? '*' : '*-private');
    let ordered = this.ordered.get(key);
    if (!ordered) {
      const members =
        albumId !== undefined
          ? this.library.itemsIn(albumId)
          : this.library.items.filter(
              (item) => includePrivate || !item.albumIds.includes(SYSTEM_ALBUMS.private),
            );
      ordered = [...members].sort(newestFirst);
      this.ordered.set(key, ordered);
    }
    return this.deletions.size === 0 ? [...ordered] : ordered.filter((item) => !this.deletions.has(item.id));
  }

  /** Changes with every deletion, like the real hash changes with the library. */
  indexHash(base: bigint): bigint {
    return base + BigInt(this.deletions.size);
  }
}

/** `yyyyMMdd` of the instant in the bucket time zone. */
export function dayKey(epochMs: number, utcOffsetMinutes: number): string {
  return new Date(epochMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 10).replaceAll('-', '');
}
