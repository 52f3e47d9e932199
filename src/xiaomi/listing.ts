/**
 * Albums and their items, page by page until the server says `isLastPage` (xiaomi-api.md §4, §5).
 * A page that cannot be trusted — unparseable, without its list or flag, an empty list that claims
 * more pages follow (§3.1, A′), an entry without an id or checksum, or the previous page again —
 * is fetched again with back-off and finally reported as 'xiaomi-malformed-response': a listing is
 * never cut short silently.
 */
import { isMigrationError } from '../shared/errors.ts';
import type { SourceAlbum, SourceItem } from '../shared/model.ts';
import { XiaomiAuthError } from './envelope.ts';
import {
  isJsonObject,
  type JsonObject,
  malformed,
  readBoolean,
  readId,
  readInteger,
  readString,
} from './fields.ts';
import { getApiData, type QueryParams, type XiaomiHttp } from './http.ts';
import { withRetry } from './retry.ts';

/** Large pages are slow or time out (§5.1, A #48); 100 is the most the module asks for. */
export const MAX_PAGE_SIZE = 100;

/** Xiaomi's system albums come with a null or empty name (§4.2); the UI localises by `system`. */
export const SYSTEM_ALBUMS: Readonly<
  Record<string, { system: NonNullable<SourceAlbum['system']>; name: string }>
> = {
  '1': { system: 'camera', name: 'Camera' },
  '2': { system: 'screenshots', name: 'Screenshots' },
  '1000': { system: 'private', name: 'Private' },
};

const SHA1_HEX = /^[0-9a-f]{40}$/;

interface Page<T> {
  pageNum: number;
  entries: T[];
  isLastPage: boolean;
}

interface PagedEndpoint<T> {
  path: string;
  params: QueryParams;
  listField: string;
  parseEntry(entry: unknown): T;
  keyOf(entry: T): string;
}

function parsePage<T>(endpoint: PagedEndpoint<T>, data: JsonObject, pageNum: number): Page<T> {
  const list = data[endpoint.listField];
  const isLastPage = readBoolean(data.isLastPage);
  if (!Array.isArray(list)) {
    throw malformed(`${endpoint.path} page ${pageNum}: no ${endpoint.listField} list`);
  }
  if (isLastPage === undefined) throw malformed(`${endpoint.path} page ${pageNum}: no isLastPage`);
  if (list.length === 0 && !isLastPage) {
    throw malformed(`${endpoint.path} page ${pageNum}: empty page that claims more pages follow`);
  }
  return { pageNum, entries: list.map((entry) => endpoint.parseEntry(entry)), isLastPage };
}

async function* pages<T>(
  http: XiaomiHttp,
  host: string,
  endpoint: PagedEndpoint<T>,
  fromPage: number,
  signal?: AbortSignal,
): AsyncGenerator<Page<T>> {
  let previousKeys: string | undefined;
  for (let pageNum = fromPage; ; pageNum++) {
    const page = await withRetry(
      http.retry,
      async () => {
        const params = { ...endpoint.params, pageNum };
        const { data } = await getApiData(http, host, endpoint.path, params, { signal });
        const parsed = parsePage(endpoint, data, pageNum);
        // A server that ignores pageNum would otherwise be paged forever.
        const keys = parsed.entries.map(endpoint.keyOf).join(',');
        if (keys !== '' && keys === previousKeys) {
          throw malformed(`${endpoint.path} page ${pageNum} repeats the page before`);
        }
        previousKeys = keys;
        return parsed;
      },
      signal,
    );
    yield page;
    if (page.isLastPage) return;
  }
}

function pageSizeOf(requested: number | undefined): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(requested ?? MAX_PAGE_SIZE)));
}

interface ListedAlbum {
  id: string;
  name: string | undefined;
  mediaCount: number;
  lastUpdateTime: number;
  totalSize?: number;
}

function parseAlbum(entry: unknown): ListedAlbum {
  const id = isJsonObject(entry) ? readId(entry.albumId) : undefined;
  if (!isJsonObject(entry) || id === undefined) throw malformed('album without an albumId');
  return {
    id,
    name: readString(entry.name) || undefined,
    mediaCount: readInteger(entry.mediaCount) ?? 0,
    lastUpdateTime: readInteger(entry.lastUpdateTime) ?? 0,
  };
}

/** `status` 1 is a normal album in album/full (§4.3); other values are taken as not to be listed. */
const NORMAL_ALBUM_STATUS = 1;

function parseFullAlbum(entry: unknown): ListedAlbum | undefined {
  if (!isJsonObject(entry)) return undefined;
  const id = readId(entry.albumId);
  const status = readInteger(entry.status) ?? NORMAL_ALBUM_STATUS;
  if (id === undefined || status !== NORMAL_ALBUM_STATUS) return undefined;
  return {
    id,
    name: readString(entry.name) || undefined,
    mediaCount: readInteger(entry.totalImageCount) ?? 0,
    lastUpdateTime: readInteger(entry.lastUpdateTime) ?? 0,
    totalSize: readInteger(entry.totalSize),
  };
}

/**
 * `/gallery/album/full` is seen in one source only (§4.3) but gives sizes, and hidden albums that
 * album/list leaves out. Any failure other than a lost session leaves both out, after one attempt.
 */
async function fullAlbumList(http: XiaomiHttp, host: string, signal?: AbortSignal): Promise<ListedAlbum[]> {
  try {
    const { data } = await getApiData(http, host, '/gallery/album/full', {}, { signal });
    const albums = Array.isArray(data.albums) ? data.albums : [];
    return albums.map(parseFullAlbum).filter((album) => album !== undefined);
  } catch (error) {
    if (error instanceof XiaomiAuthError || !isMigrationError(error)) throw error;
    return [];
  }
}

function toSourceAlbum(album: ListedAlbum): SourceAlbum {
  const system = SYSTEM_ALBUMS[album.id];
  // A name of spaces only would show as nothing, in the popup and as a Google album title.
  const ownName = album.name?.trim() ? album.name : undefined;
  return {
    id: album.id,
    name: system?.name ?? ownName ?? `Album ${album.id}`,
    ...(system && { system: system.system }),
    mediaCount: album.mediaCount,
    ...(album.totalSize !== undefined && { totalSize: album.totalSize }),
    lastUpdateTime: album.lastUpdateTime,
  };
}

/** album/list's albums with album/full's sizes, then the albums only album/full knows (hidden ones). */
export async function listAlbums(
  http: XiaomiHttp,
  host: string,
  signal?: AbortSignal,
): Promise<SourceAlbum[]> {
  const endpoint: PagedEndpoint<ListedAlbum> = {
    path: '/gallery/user/album/list',
    params: { pageSize: MAX_PAGE_SIZE, isShared: false, numOfThumbnails: 1 },
    listField: 'albums',
    parseEntry: parseAlbum,
    keyOf: (album) => album.id,
  };
  const albums = new Map<string, ListedAlbum>();
  for await (const page of pages(http, host, endpoint, 0, signal)) {
    for (const album of page.entries) if (!albums.has(album.id)) albums.set(album.id, album);
  }
  for (const full of await fullAlbumList(http, host, signal)) {
    const listed = albums.get(full.id);
    albums.set(full.id, listed ? { ...listed, totalSize: full.totalSize } : full);
  }
  return [...albums.values()].map(toSourceAlbum);
}

/** `description` is itself a JSON string that may carry `isFavorite` (§5.1). */
function favoriteFromDescription(description: unknown): boolean | undefined {
  const text = readString(description);
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? readBoolean(parsed.isFavorite) : undefined;
  } catch {
    return undefined;
  }
}

export function parseItem(entry: unknown, albumId: string): SourceItem {
  if (!isJsonObject(entry)) throw malformed('gallery entry is not an object');
  const id = readId(entry.id);
  if (id === undefined) throw malformed('gallery entry without an exact id');
  const size = readInteger(entry.size);
  const sha1 = readString(entry.sha1)?.toLowerCase();
  if (size === undefined || size < 0) throw malformed(`gallery entry ${id} without a size`);
  if (sha1 === undefined || !SHA1_HEX.test(sha1)) throw malformed(`gallery entry ${id} without a SHA-1`);
  // dateTaken is the capture time; the others only stand in when it is missing.
  const dateTaken = [entry.dateTaken, entry.sortTime, entry.dateModified, entry.createTime]
    .map(readInteger)
    .find((t) => t !== undefined);
  if (dateTaken === undefined) throw malformed(`gallery entry ${id} without any date`);
  const mimeType = readString(entry.mimeType) || 'application/octet-stream';
  return {
    id,
    albumId,
    fileName: readString(entry.fileName) || readString(entry.title) || id,
    type: entry.type === 'video' || mimeType.startsWith('video/') ? 'video' : 'image',
    mimeType,
    size,
    sha1,
    dateTaken,
    isFavorite: readBoolean(entry.isFavorite) ?? favoriteFromDescription(entry.description) ?? false,
    isLivePhoto: readBoolean(entry.isLivePhoto) ?? false,
    // Video listings carry exifInfo without dates as a rule; only a photo's says something (§5.1).
    ...(entry.type === 'video' || mimeType.startsWith('video/') ? {} : listedCaptureDate(entry.exifInfo)),
  };
}

/**
 * Whether Xiaomi's `exifInfo` (read from the file, §5.1) names a capture time: absent when the
 * listing has no exifInfo at all, so "unknown" stays distinct from "no date".
 */
function listedCaptureDate(exifInfo: unknown): Pick<SourceItem, 'exifDateListed'> {
  if (!isJsonObject(exifInfo)) return {};
  const value = readString(exifInfo.dateTime)?.trim() ?? '';
  return { exifDateListed: value !== '' && !/^0{4}\D0{2}\D0{2}/.test(value) };
}

export interface ItemPage {
  albumId: string;
  /** 0-based; resume a stopped listing with `fromPage: pageNum + 1`. */
  pageNum: number;
  items: SourceItem[];
  isLastPage: boolean;
}

export interface ItemListingOptions {
  /** At most MAX_PAGE_SIZE (the default). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Every item of an album, one page at a time. No date window is sent: a narrow `endDate` silently
 * hides newer items (§5.1, D).
 */
export async function* albumItemPages(
  http: XiaomiHttp,
  host: string,
  albumId: string,
  fromPage = 0,
  { pageSize, signal }: ItemListingOptions = {},
): AsyncGenerator<ItemPage> {
  const endpoint: PagedEndpoint<SourceItem> = {
    path: '/gallery/user/galleries',
    params: { albumId, pageSize: pageSizeOf(pageSize) },
    listField: 'galleries',
    parseEntry: (entry) => parseItem(entry, albumId),
    keyOf: (item) => item.id,
  };
  for await (const page of pages(http, host, endpoint, fromPage, signal)) {
    yield { albumId, pageNum: page.pageNum, items: page.entries, isLastPage: page.isLastPage };
  }
}
