/**
 * A person's Xiaomi gallery as the fakes serve it: albums, and items with real bytes whose SHA-1 is
 * what the listing says. Only the shape of the library lives here; how Xiaomi's API presents it
 * (envelopes, paging, field names) is the fake server's business (test/fakes/xiaomi).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createMedia, MEDIA_TYPES, type MediaFile, type MediaKind } from './media.ts';

/** System album ids (xiaomi-api.md §4.2). Their names come back null or empty from album/list. */
export const SYSTEM_ALBUMS = { camera: '1', screenshots: '2', private: '1000' } as const;

export interface AlbumSpec {
  /** '1', '2', '1000' for system albums, a 17-digit string for user albums. */
  id: string;
  /** As album/list gives it: null or '' for system albums (§4.1), anything at all for user albums. */
  name: string | null;
  /** Left out of album/list and shown by album/full only (§4.3). Default false. */
  hidden?: boolean;
  /** Epoch ms; default the earliest item's dateTaken (or 2020-01-01 for an empty album). */
  createTime?: number;
}

/** The three system albums as album/list gives them (§4.1): Camera and Screenshots unnamed, Private ''. */
export function systemAlbumSpecs(): AlbumSpec[] {
  return [
    { id: SYSTEM_ALBUMS.camera, name: null },
    { id: SYSTEM_ALBUMS.screenshots, name: null },
    { id: SYSTEM_ALBUMS.private, name: '' },
  ];
}

export interface ItemSpec {
  /** A 17-digit string (it exceeds 2^53, §5.1). */
  id: string;
  fileName: string;
  /** What the bytes are. `type` and `mimeType` follow from it unless `mimeType` overrides the listing. */
  kind: MediaKind;
  /** Exact byte size; default the smallest valid file of the kind. */
  size?: number;
  /**
   * A listing-only item: the listing says this many bytes but no bytes exist (a 25 GB video, a
   * 250 MB panorama). `sha1` is then made up and `open()` throws. Excludes `size`.
   */
  declaredSize?: number;
  /** Capture instant, epoch ms. */
  dateTaken: number;
  /** Album memberships, first one = the item's `groupId`. An item may be in several albums (§5.2). */
  albums: readonly string[];
  isFavorite?: boolean;
  isLivePhoto?: boolean;
  /** Whether the file embeds its capture date (EXIF DateTimeOriginal / mvhd creation_time). Default true. */
  embeddedDate?: boolean;
  /** The listing's `mimeType`, when it should disagree with the bytes. */
  mimeType?: string;
  /** The listing's `sha1`, when it should disagree with the bytes (a permanent mismatch). */
  listedSha1?: string;
  /** Items with the same content seed, kind and size have identical bytes. Default: the id. */
  contentSeed?: string;
  width?: number;
  height?: number;
  /** Videos only; default 10 s. */
  durationMs?: number;
}

export interface LibrarySpec {
  /** Numeric account id, as a string: it may exceed 2^53. */
  userId: string;
  albums: readonly AlbumSpec[];
  items: readonly ItemSpec[];
  /** Mixed into every item's bytes, so two libraries with equal specs but other seeds differ. Default ''. */
  seed?: string;
}

export class LibraryAlbum {
  readonly id: string;
  readonly name: string | null;
  readonly hidden: boolean;
  readonly createTime: number;
  readonly system: 'camera' | 'screenshots' | 'private' | undefined;

  constructor(spec: AlbumSpec, members: readonly LibraryItem[]) {
    this.id = spec.id;
    this.name = spec.name;
    this.hidden = spec.hidden ?? false;
    const earliest = members.reduce((min, item) => Math.min(min, item.dateTaken), Number.POSITIVE_INFINITY);
    this.createTime = spec.createTime ?? (members.length > 0 ? earliest : Date.UTC(2020, 0, 1));
    const system = Object.entries(SYSTEM_ALBUMS).find(([, id]) => id === spec.id)?.[0];
    this.system = system as LibraryAlbum['system'];
  }
}

export class LibraryItem {
  readonly id: string;
  readonly fileName: string;
  readonly kind: MediaKind;
  readonly type: 'image' | 'video';
  readonly mimeType: string;
  readonly albumIds: readonly string[];
  readonly dateTaken: number;
  readonly isFavorite: boolean;
  readonly isLivePhoto: boolean;
  readonly embeddedDate: boolean;
  readonly width: number;
  readonly height: number;
  /** Videos only. */
  readonly durationMs: number | undefined;
  /** False for listing-only items (`declaredSize`). */
  readonly hasBytes: boolean;
  private mediaFile: MediaFile | undefined;

  constructor(
    private readonly spec: ItemSpec,
    private readonly librarySeed: string,
  ) {
    const mediaType = MEDIA_TYPES[spec.kind];
    this.id = spec.id;
    this.fileName = spec.fileName;
    this.kind = spec.kind;
    this.type = mediaType.type;
    this.mimeType = spec.mimeType ?? mediaType.mimeType;
    this.albumIds = spec.albums;
    this.dateTaken = spec.dateTaken;
    this.isFavorite = spec.isFavorite ?? false;
    this.isLivePhoto = spec.isLivePhoto ?? false;
    this.embeddedDate = spec.embeddedDate ?? true;
    this.width = spec.width ?? 64;
    this.height = spec.height ?? 48;
    this.durationMs = mediaType.type === 'video' ? (spec.durationMs ?? 10_000) : undefined;
    this.hasBytes = spec.declaredSize === undefined;
  }

  /** File name without its extension: the listing's `title`. */
  get title(): string {
    const dot = this.fileName.lastIndexOf('.');
    return dot > 0 ? this.fileName.slice(0, dot) : this.fileName;
  }

  /** The seed of the item's bytes (a thumbnail made from it has the same colour). */
  get mediaSeed(): string {
    return `${this.librarySeed}/${this.spec.contentSeed ?? this.spec.id}`;
  }

  /** The bytes, generated on first use. */
  get media(): MediaFile {
    if (!this.hasBytes)
      throw new Error(`item ${this.id} (${this.fileName}) is listing-only: it has no bytes`);
    this.mediaFile ??= createMedia({
      kind: this.spec.kind,
      seed: this.mediaSeed,
      ...(this.spec.size === undefined ? {} : { size: this.spec.size }),
      width: this.width,
      height: this.height,
      ...(this.embeddedDate ? { capturedAt: this.dateTaken } : {}),
      ...(this.durationMs === undefined ? {} : { durationMs: this.durationMs }),
    });
    return this.mediaFile;
  }

  /** The size the listing states: the real byte count, or `declaredSize`. */
  get size(): number {
    return this.spec.declaredSize ?? this.media.size;
  }

  /** The SHA-1 the listing states: of the real bytes unless `listedSha1` overrides it. */
  get sha1(): string {
    if (this.spec.listedSha1 !== undefined) return this.spec.listedSha1;
    if (!this.hasBytes) return createHash('sha1').update(`listing-only:${this.id}`).digest('hex');
    return this.media.sha1;
  }

  /** Computes `sha1` without blocking the event loop for long (for multi-GB libraries). */
  async computeSha1(): Promise<string> {
    if (this.spec.listedSha1 !== undefined || !this.hasBytes) return this.sha1;
    return this.media.computeSha1();
  }

  /** The bytes from `start` up to `end` (exclusive). */
  open(start = 0, end?: number): Readable {
    return this.media.open(start, end);
  }

  blocks(start = 0, end?: number): Generator<Buffer> {
    return this.media.blocks(start, end);
  }

  /** All bytes at once; for small files only. */
  buffer(): Buffer {
    return this.media.buffer();
  }
}

export interface Library {
  readonly userId: string;
  readonly albums: readonly LibraryAlbum[];
  readonly items: readonly LibraryItem[];
  album(id: string): LibraryAlbum | undefined;
  item(id: string): LibraryItem | undefined;
  /** Members of an album, in spec order. */
  itemsIn(albumId: string): readonly LibraryItem[];
  /** Computes every SHA-1 ahead of time (a benchmark does this before it starts the clock). */
  computeDigests(): Promise<void>;
}

const ITEM_ID = /^[1-9]\d{16,}$/;
const ALBUM_ID = /^[1-9]\d*$/;

function validate(spec: LibrarySpec): void {
  const problems: string[] = [];
  const albumIds = new Set<string>();
  for (const album of spec.albums) {
    if (!ALBUM_ID.test(album.id)) problems.push(`album id '${album.id}' is not a digit string`);
    if (albumIds.has(album.id)) problems.push(`album id ${album.id} appears twice`);
    albumIds.add(album.id);
  }
  const itemIds = new Set<string>();
  for (const item of spec.items) {
    if (!ITEM_ID.test(item.id)) problems.push(`item id '${item.id}' is not a 17+ digit string`);
    if (itemIds.has(item.id)) problems.push(`item id ${item.id} appears twice`);
    itemIds.add(item.id);
    if (item.albums.length === 0) problems.push(`item ${item.id} is in no album`);
    for (const albumId of item.albums) {
      if (!albumIds.has(albumId)) problems.push(`item ${item.id} names unknown album ${albumId}`);
    }
    if (item.declaredSize !== undefined && item.size !== undefined) {
      problems.push(`item ${item.id} has both size and declaredSize`);
    }
  }
  if (!/^\d+$/.test(spec.userId)) problems.push(`userId '${spec.userId}' is not a digit string`);
  if (problems.length > 0) throw new Error(`bad library spec:\n  ${problems.join('\n  ')}`);
}

export function makeLibrary(spec: LibrarySpec): Library {
  validate(spec);
  const seed = spec.seed ?? '';
  const items = spec.items.map((item) => new LibraryItem(item, seed));
  const itemsById = new Map(items.map((item) => [item.id, item]));
  const members = new Map<string, LibraryItem[]>(spec.albums.map((album) => [album.id, []]));
  for (const item of items) for (const albumId of item.albumIds) members.get(albumId)?.push(item);
  const albums = spec.albums.map((album) => new LibraryAlbum(album, members.get(album.id) ?? []));
  const albumsById = new Map(albums.map((album) => [album.id, album]));
  return {
    userId: spec.userId,
    albums,
    items,
    album: (id) => albumsById.get(id),
    item: (id) => itemsById.get(id),
    itemsIn: (albumId) => members.get(albumId) ?? [],
    computeDigests: async () => {
      for (const item of items) await item.computeSha1();
    },
  };
}
