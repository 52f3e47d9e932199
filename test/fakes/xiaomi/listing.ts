/**
 * The listing endpoints in the shapes of xiaomi-api.md §4, §5 and the §10 fixtures: album/list and
 * galleries (pageNum/pageSize paging until `isLastPage`), timeline (`dayCount`), album/full (one
 * page, hidden albums too), allitems (tag cursor) and deleted_v2 (recycle bin).
 * Ids go out as strings; `tag`, `indexHash`, `groupId` and `userId` as raw numbers that may exceed
 * 2^53; `description` as a JSON string; plus a field no source documents, as real servers add them.
 */
import type { LibraryAlbum, LibraryItem } from '../library/library.ts';
import { okBody } from './bodies.ts';
import { dayKey } from './catalog.ts';
import {
  type Exchange,
  type FakeContext,
  type Handler,
  intParam,
  privateAlbumLocked,
  replyUnauthorized,
} from './context.ts';
import type { JsonValue } from './json-text.ts';
import { thumbnailUrl } from './thumbnails.ts';

/** G: the web app's own page size. */
export const DEFAULT_PAGE_SIZE = 20;
/** The server caps allitems' `limit` at about 60 (§5.3). */
export const ALLITEMS_LIMIT_CAP = 60;
const DELETED_DEFAULT_LIMIT = 50;
/** An upload lands in the cloud a little after the shot (fixture: createTime − dateTaken = 200 s). */
const UPLOAD_DELAY_MS = 200_000;
const MODIFIED_DELAY_MS = 5_000;

/** A field no source documents: clients must ignore what they do not know. */
const UNKNOWN_EXTRA = { fakeUnknownField: { nested: [1, 'two', null] } } as const;

/** album/full's names for the system albums, which album/list leaves null or empty (§10 fixture: "Camera"). */
const SYSTEM_ALBUM_NAMES = { camera: 'Camera', screenshots: 'Screenshots', private: 'Private' } as const;

interface Page<T> {
  items: T[];
  isLastPage: boolean;
}

function page<T>(all: readonly T[], query: URLSearchParams, fake: FakeContext): Page<T> {
  const pageNum = intParam(query, 'pageNum', 0);
  const asked = intParam(query, 'pageSize', DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE;
  const size = Math.min(asked, fake.behaviour.maxPageSize ?? asked);
  const start = pageNum * size;
  return { items: all.slice(start, start + size), isLastPage: start + size >= all.length };
}

function liveMembers(album: LibraryAlbum, fake: FakeContext): LibraryItem[] {
  return fake.catalog.itemsIn(album.id, true);
}

function lastUpdateTime(album: LibraryAlbum, members: readonly LibraryItem[]): number {
  return members.reduce(
    (latest, item) => Math.max(latest, item.dateTaken + UPLOAD_DELAY_MS),
    album.createTime,
  );
}

export function itemJson(item: LibraryItem, fake: FakeContext): JsonValue {
  const isImage = item.type === 'image';
  const offset = fake.behaviour.dayBucketUtcOffsetMinutes;
  const exifDate = new Date(item.dateTaken + offset * 60_000).toISOString();
  return {
    id: item.id,
    fileName: item.fileName,
    title: item.title,
    type: item.type,
    mimeType: item.mimeType,
    size: item.size,
    sha1: item.sha1,
    dateTaken: item.dateTaken,
    sortTime: item.dateTaken,
    dateModified: item.dateTaken + MODIFIED_DELAY_MS,
    createTime: item.dateTaken + UPLOAD_DELAY_MS,
    groupId: BigInt(item.albumIds[0]!),
    status: 'custom',
    tag: fake.catalog.tagOf(item),
    isFavorite: item.isFavorite,
    isFrontCamera: false,
    isUbiImage: false,
    isLivePhoto: item.isLivePhoto,
    description: JSON.stringify({ isFavorite: item.isFavorite, specialTypeFlags: 0 }),
    exifInfo: {
      imageWidth: item.width,
      imageLength: item.height,
      orientation: isImage ? 1 : 0,
      ...(isImage ? { whiteBalance: 0, make: 'Xiaomi', model: '23127PN0CC' } : {}),
      ...(isImage && item.embeddedDate
        ? { dateTime: `${exifDate.slice(0, 10).replaceAll('-', ':')} ${exifDate.slice(11, 19)}` }
        : {}),
    },
    ...(isImage ? { geoInfo: { address: '', addressList: '[]', gps: '', isAccurate: false } } : {}),
    ...(item.durationMs === undefined ? {} : { duration: Math.round(item.durationMs / 1000) }),
    thumbStatus: {
      smallStatus: 'custom',
      largeStatus: 'custom',
      smallSizeInfo: { width: 270, height: Math.round((270 * item.height) / item.width) },
      largeSizeInfo: { width: 1080, height: Math.round((1080 * item.height) / item.width) },
    },
    thumbnailInfo: { data: thumbnailUrl(fake, item, 270, 0), isUrl: true },
    bigThumbnailInfo: { data: thumbnailUrl(fake, item, 1080, 2), isUrl: true },
    ...UNKNOWN_EXTRA,
  };
}

/** SHA-1s of multi-gigabyte items are computed on first listing; do it without stalling other requests. */
async function withDigests(items: readonly LibraryItem[]): Promise<void> {
  for (const item of items) await item.computeSha1();
}

/** `GET /gallery/user/album/list` (§4.1). */
export const albumList: Handler = async ({ url, reply, fault }, fake) => {
  const query = url.searchParams;
  const shared = query.get('isShared') === 'true';
  const albums = shared ? [] : fake.catalog.library.albums.filter((album) => !album.hidden);
  const { items, isLastPage } = page(albums, query, fake);
  const thumbnails = intParam(query, 'numOfThumbnails', 1);
  const json = items.map((album) => {
    const members = liveMembers(album, fake);
    return {
      albumId: album.id,
      name: album.name,
      mediaCount: members.length,
      userId: BigInt(fake.catalog.userId),
      lastUpdateTime: lastUpdateTime(album, members),
      thumbnails: members
        .slice(0, thumbnails)
        .map((item) => ({ url: thumbnailUrl(fake, item, 270, 0), orientation: 0 })),
      ...UNKNOWN_EXTRA,
    };
  });
  const empty = fault?.kind === 'empty-page';
  const data = {
    albums: empty ? [] : json,
    isLastPage: empty ? false : isLastPage,
    indexHash: fake.catalog.indexHash(fake.behaviour.indexHash),
  };
  return reply.json(200, okBody(data, fake.clock.now()));
};

/** `albumId` as the item endpoints take it; absent or empty means the whole library. */
function albumParam(exchange: Exchange): string | undefined {
  return exchange.url.searchParams.get('albumId') || undefined;
}

/** `GET /gallery/user/galleries` (§5.1), honouring a `startDate`/`endDate` day window if one is sent. */
export const galleries: Handler = async (exchange, fake) => {
  const { url, reply, fault } = exchange;
  const query = url.searchParams;
  const albumId = albumParam(exchange);
  if (albumId !== undefined && privateAlbumLocked(fake, [albumId])) return replyUnauthorized(exchange, true);
  const offset = fake.behaviour.dayBucketUtcOffsetMinutes;
  const startDate = query.get('startDate');
  const endDate = query.get('endDate');
  const inWindow = (item: LibraryItem) => {
    const day = dayKey(item.dateTaken, offset);
    return (startDate === null || day >= startDate) && (endDate === null || day <= endDate);
  };
  const all = fake.catalog.itemsIn(albumId, fake.behaviour.wholeLibraryIncludesPrivate).filter(inWindow);
  const { items, isLastPage } = page(all, query, fake);
  await withDigests(items);
  const empty = fault?.kind === 'empty-page';
  const data = {
    isLastPage: empty ? false : isLastPage,
    indexHash: fake.catalog.indexHash(fake.behaviour.indexHash),
    galleries: empty ? [] : items.map((item) => itemJson(item, fake)),
  };
  return reply.json(200, okBody(data, fake.clock.now()));
};

/** `GET /gallery/user/timeline` (§5.3): items per day. */
export const timeline: Handler = async (exchange, fake) => {
  const albumId = albumParam(exchange);
  if (albumId !== undefined && privateAlbumLocked(fake, [albumId])) return replyUnauthorized(exchange, true);
  const dayCount: Record<string, number> = {};
  for (const item of fake.catalog.itemsIn(albumId, fake.behaviour.wholeLibraryIncludesPrivate)) {
    const day = dayKey(item.dateTaken, fake.behaviour.dayBucketUtcOffsetMinutes);
    dayCount[day] = (dayCount[day] ?? 0) + 1;
  }
  const data = { dayCount, indexHash: fake.catalog.indexHash(fake.behaviour.indexHash) };
  return exchange.reply.json(200, okBody(data, fake.clock.now()));
};

/** `GET /gallery/album/full` (§4.3): every album, hidden ones too, in one page. */
export const albumFull: Handler = async ({ reply }, fake) => {
  const albums = fake.catalog.library.albums.map((album) => {
    const members = liveMembers(album, fake);
    let newestTag = 0n;
    for (const item of members) {
      const tag = fake.catalog.tagOf(item);
      if (tag > newestTag) newestTag = tag;
    }
    return {
      albumId: album.id,
      name: album.system ? SYSTEM_ALBUM_NAMES[album.system] : album.name,
      incrementalTag: String(newestTag),
      fullBuildTag: String(newestTag),
      totalImageCount: members.length,
      totalSize: members.reduce((sum, item) => sum + item.size, 0),
      status: 1,
      lastUpdateTime: lastUpdateTime(album, members),
      createTime: album.createTime,
      userId: BigInt(fake.catalog.userId),
      description: '',
      thumbnailUrls: [],
      ...UNKNOWN_EXTRA,
    };
  });
  return reply.json(200, okBody({ albums }, fake.clock.now()));
};

/**
 * `GET /gallery/allitems?groupId=&tag=&limit=` (§5.3): an album's change feed in tag order after the
 * `tag` cursor, deletions as `status:"deleted"` records; `simpleResult=true` keeps only id, fileName, tag.
 */
export const allItems: Handler = async ({ url, reply }, fake) => {
  const query = url.searchParams;
  const groupId = query.get('groupId') ?? '';
  const cursor = BigInt(/^\d+$/.test(query.get('tag') ?? '') ? query.get('tag')! : 0);
  const limit = Math.min(
    intParam(query, 'limit', ALLITEMS_LIMIT_CAP) || ALLITEMS_LIMIT_CAP,
    ALLITEMS_LIMIT_CAP,
  );
  const simple = query.get('simpleResult') === 'true';
  const live = fake.catalog
    .itemsIn(groupId, true)
    .map((item) => ({ tag: fake.catalog.tagOf(item), item, deleted: false }));
  const deleted = fake.catalog.deleted
    .filter(({ item }) => item.albumIds.includes(groupId))
    .map(({ item, tag }) => ({ tag, item, deleted: true }));
  const changes = [...live, ...deleted]
    .filter(({ tag }) => tag > cursor)
    .sort((a, b) => (a.tag < b.tag ? -1 : 1));
  const slice = changes.slice(0, limit);
  await withDigests(slice.filter(({ deleted }) => !deleted).map(({ item }) => item));
  const content = slice.map(({ tag, item, deleted }) => {
    if (simple) return { fileName: item.fileName, id: item.id, tag: String(tag) };
    if (deleted) return { id: item.id, tag: String(tag), status: 'deleted', groupId: BigInt(groupId) };
    return { ...(itemJson(item, fake) as Record<string, JsonValue>), tag: String(tag) };
  });
  const syncTag = String(slice.at(-1)?.tag ?? cursor);
  const data = {
    content,
    syncTag,
    lastPage: slice.length === changes.length,
    syncIgnoreTag: syncTag,
    group: [],
  };
  return reply.json(200, okBody(data, fake.clock.now()));
};

/** `GET /gallery/deleted_v2?maxTag=&limit=` (§5.3): the recycle bin, newest first, below `maxTag` (0: from the newest). */
export const deletedItems: Handler = async ({ url, reply }, fake) => {
  const query = url.searchParams;
  const maxTag = BigInt(/^\d+$/.test(query.get('maxTag') ?? '') ? query.get('maxTag')! : 0);
  const limit = intParam(query, 'limit', DELETED_DEFAULT_LIMIT) || DELETED_DEFAULT_LIMIT;
  const candidates = fake.catalog.deleted.filter(({ tag }) => maxTag === 0n || tag < maxTag);
  const slice = candidates.slice(0, limit);
  const content = slice.map(({ item, deleteTime }) => ({
    id: item.id,
    status: 'deleted',
    deleteTime,
    groupId: BigInt(item.albumIds[0]!),
    fileName: item.fileName,
    type: item.type,
    mimeType: item.mimeType,
    size: item.size,
    sha1: item.sha1,
    dateTaken: item.dateTaken,
  }));
  const data = {
    content,
    lastPage: slice.length === candidates.length,
    syncTag: String(slice.at(-1)?.tag ?? maxTag),
  };
  return reply.json(200, okBody(data, fake.clock.now()));
};
