/**
 * Reading back media items (google-photos-api.md §A4, §D4): list, get, batchGet and search. Since
 * 2025 all of them see only what the calling OAuth client created.
 */
import { ownedAlbum } from './albums.ts';
import { jsonReply, type Reply } from './http.ts';
import { type PagingRequest, queryPaging, readPage } from './paging.ts';
import { isRecord, type PhotosContext } from './photos-context.ts';
import { mediaItemJson } from './resource-json.ts';
import type { MediaItemRecord } from './state.ts';

const ITEM_PAGES = { defaultSize: 25, maxSize: 100 };
const MAX_BATCH_GET = 50;

function isOwned(ctx: PhotosContext, item: MediaItemRecord | undefined): item is MediaItemRecord {
  return item !== undefined && item.clientId === ctx.caller.clientId;
}

function toJson(ctx: PhotosContext, item: MediaItemRecord) {
  return mediaItemJson(item, ctx.deps.clock.now(), ctx.deps.config.videoProcessingMs);
}

function pageReply(ctx: PhotosContext, items: readonly MediaItemRecord[], paging: PagingRequest): Reply {
  const page = readPage(ctx, 'mediaItems', items, ITEM_PAGES, paging);
  if ('reply' in page) return page.reply;
  return jsonReply(200, {
    ...(page.items.length > 0 ? { mediaItems: page.items.map((item) => toJson(ctx, item)) } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

function appItems(ctx: PhotosContext): MediaItemRecord[] {
  return ctx.deps.state.mediaItemList().filter((item) => isOwned(ctx, item));
}

export function listMediaItems(ctx: PhotosContext): Reply {
  return pageReply(ctx, appItems(ctx), queryPaging(ctx.url));
}

export function getMediaItem(ctx: PhotosContext): Reply {
  const item = ctx.deps.state.mediaItems.get(ctx.pathId ?? '');
  if (!isOwned(ctx, item)) return ctx.error('invalid-media-item-id');
  return jsonReply(200, toJson(ctx, item));
}

export function batchGetMediaItems(ctx: PhotosContext): Reply {
  const ids = ctx.url.searchParams.getAll('mediaItemIds');
  if (ids.length === 0 || ids.length > MAX_BATCH_GET) {
    return ctx.error('invalid-argument', `${ids.length} mediaItemIds`);
  }
  const { mediaItems } = ctx.deps.state;
  const mediaItemResults = ids.map((id) => {
    const item = mediaItems.get(id);
    if (!isOwned(ctx, item)) {
      return { status: { code: 3, message: 'Request contains an invalid media item id.' } };
    }
    return { mediaItem: toJson(ctx, item) };
  });
  return jsonReply(200, { mediaItemResults });
}

interface DateParts {
  year: number;
  month: number;
  day: number;
}

function parseDate(value: unknown): DateParts | undefined {
  if (!isRecord(value)) return undefined;
  const part = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : 0);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** A date filter entry; zero fields are wildcards, as in the API's Date message. */
function matchesDate(itemDate: DateParts, date: DateParts): boolean {
  return (
    (date.year === 0 || date.year === itemDate.year) &&
    (date.month === 0 || date.month === itemDate.month) &&
    (date.day === 0 || date.day === itemDate.day)
  );
}

function dateKey({ year, month, day }: DateParts): number {
  return year * 10_000 + month * 100 + day;
}

type ItemFilter = (item: MediaItemRecord) => boolean;

/** `filters.dateFilter` and `filters.mediaTypeFilter`; the other filters are accepted and ignored. */
function parseFilters(filters: Record<string, unknown>): ItemFilter | undefined {
  const checks: ItemFilter[] = [];
  const { dateFilter, mediaTypeFilter } = filters;
  if (dateFilter !== undefined) {
    if (!isRecord(dateFilter)) return undefined;
    const dates = Array.isArray(dateFilter.dates) ? dateFilter.dates.map(parseDate) : [];
    const ranges = Array.isArray(dateFilter.ranges) ? dateFilter.ranges : [];
    if (dates.some((date) => date === undefined)) return undefined;
    checks.push((item) => {
      const created = new Date(item.creationTime);
      const itemDate = {
        year: created.getUTCFullYear(),
        month: created.getUTCMonth() + 1,
        day: created.getUTCDate(),
      };
      const inDates = dates.some((date) => matchesDate(itemDate, date!));
      const inRanges = ranges.some((range) => {
        const start = isRecord(range) ? parseDate(range.startDate) : undefined;
        const end = isRecord(range) ? parseDate(range.endDate) : undefined;
        return (
          start !== undefined &&
          end !== undefined &&
          dateKey(start) <= dateKey(itemDate) &&
          dateKey(itemDate) <= dateKey(end)
        );
      });
      return inDates || inRanges;
    });
  }
  if (mediaTypeFilter !== undefined) {
    const types =
      isRecord(mediaTypeFilter) && Array.isArray(mediaTypeFilter.mediaTypes)
        ? mediaTypeFilter.mediaTypes
        : [];
    if (types.includes('PHOTO')) checks.push((item) => item.kind === 'photo');
    if (types.includes('VIDEO')) checks.push((item) => item.kind === 'video');
  }
  return (item) => checks.every((check) => check(item));
}

const ORDER_ASCENDING = 'MediaMetadata.creation_time';
const ORDER_DESCENDING = 'MediaMetadata.creation_time desc';

/** §D4: `albumId` or `filters`, not both; album order for an album, newest first for filters. */
export async function searchMediaItems(ctx: PhotosContext): Promise<Reply> {
  const body = await ctx.readJson();
  if (!body.ok) return body.reply;
  const request = isRecord(body.value) ? body.value : {};
  const { albumId, filters, orderBy } = request;
  if (albumId !== undefined && filters !== undefined) {
    return ctx.error('invalid-argument', 'albumId with filters');
  }
  const paging = { pageSize: request.pageSize, pageToken: request.pageToken };
  if (albumId !== undefined) {
    const album = typeof albumId === 'string' ? ownedAlbum(ctx, albumId) : undefined;
    if (!album) return ctx.error('album-not-found');
    const inAlbum = ctx.deps.state.itemsInAlbum(album.id).filter((item) => isOwned(ctx, item));
    return pageReply(ctx, inAlbum, paging);
  }
  const filter = isRecord(filters) ? parseFilters(filters) : filters === undefined ? () => true : undefined;
  if (!filter) return ctx.error('invalid-argument', 'filters');
  if (orderBy !== undefined && orderBy !== ORDER_ASCENDING && orderBy !== ORDER_DESCENDING) {
    return ctx.error('invalid-argument', `orderBy ${String(orderBy)}`);
  }
  if (orderBy !== undefined && !(isRecord(filters) && filters.dateFilter !== undefined)) {
    return ctx.error('invalid-argument', 'orderBy needs a dateFilter');
  }
  const direction = orderBy === ORDER_ASCENDING ? 1 : -1;
  const matching = appItems(ctx)
    .filter(filter)
    .sort(
      (a, b) =>
        direction * (Date.parse(a.creationTime) - Date.parse(b.creationTime)) || a.sequence - b.sequence,
    );
  return pageReply(ctx, matching, paging);
}
