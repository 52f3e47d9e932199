/**
 * The pre-flight plan: what the frozen selection means before any byte moves — per album the
 * items and bytes, what Google will not take (size limits, formats it does not list), albums
 * split at 20,000 items, files that carry no capture date (and which of them the repair fixes),
 * the storage needed against Google's free 15 GB, and the days the daily quota takes.
 */
import { fidelityFor, formatName } from '../fidelity/plan.ts';
import type { AlbumPlan, PlanSummary } from '../shared/messages.ts';
import type { ItemRecord } from './db.ts';

export const FREE_STORAGE_BYTES = 15 * 1000 ** 3;
export const DAILY_REQUESTS = 10_000;
const BATCH = 50;

/** google-photos-api.md §E1: the formats Google lists; anything else may be refused at creation. */
const ACCEPTED_EXTENSIONS = new Set(
  'avif bmp gif heic heif ico jpg jpeg png tif tiff webp dng 3gp 3g2 asf avi divx m2t m2ts m4v mkv mmv mod mov mp4 mpg mts tod wmv'.split(
    ' ',
  ),
);

function extension(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** Photos Library requests one item costs: its upload, and its share of a batch and album adds (§C3). */
export function requestsFor(
  item: Pick<ItemRecord, 'size' | 'albums' | 'extraAlbums'>,
  rawLimit: number,
  chunk: number,
) {
  const upload = item.size <= rawLimit ? 1 : 1 + Math.ceil(item.size / chunk);
  const extraAlbums = item.albums.length - 1 + item.extraAlbums.length;
  return upload + (1 + extraAlbums) / BATCH;
}

function emptyAlbum(key: string): AlbumPlan {
  return {
    xiaomiAlbumId: key,
    items: 0,
    bytes: 0,
    parts: 1,
    skipped: {},
    formatUnlisted: 0,
    undatedRepairable: 0,
    undatedLeft: {},
  };
}

export function summarizePlan(
  items: ItemRecord[],
  options: { rawUploadLimit: number; chunkSize: number; repairCaptureDates: boolean },
): PlanSummary {
  const albums = new Map<string, AlbumPlan>();
  let bytesToSend = 0;
  let requests = 0;
  let itemsToSend = 0;
  for (const item of items) {
    const sending = !item.reasonKind;
    if (sending) {
      itemsToSend += 1;
      bytesToSend += item.size;
      requests += requestsFor(item, options.rawUploadLimit, options.chunkSize);
    }
    for (const ref of item.albums) {
      const album = albums.get(ref.xiaomiAlbumId) ?? emptyAlbum(ref.xiaomiAlbumId);
      albums.set(ref.xiaomiAlbumId, album);
      album.items += 1;
      album.bytes += item.size;
      album.parts = Math.max(album.parts, ref.part);
      if (item.reasonKind) album.skipped[item.reasonKind] = (album.skipped[item.reasonKind] ?? 0) + 1;
      if (!ACCEPTED_EXTENSIONS.has(extension(item.fileName))) album.formatUnlisted += 1;
      if (item.exifDateListed === false) {
        const repairable =
          options.repairCaptureDates &&
          fidelityFor(item, { wholeFileLimit: options.rawUploadLimit }) === 'jpeg-repairable';
        if (repairable) album.undatedRepairable += 1;
        else album.undatedLeft[formatName(item)] = (album.undatedLeft[formatName(item)] ?? 0) + 1;
      }
    }
  }
  // Album creation and the end-of-job check cost one request per Google album.
  const albumRequests = [...albums.values()].reduce((sum, a) => sum + 2 * a.parts, 0);
  const totalRequests = Math.ceil(requests + albumRequests);
  return {
    albums: [...albums.values()],
    itemsToSend,
    bytesToSend,
    requests: totalRequests,
    days: Math.max(1, Math.ceil(totalRequests / DAILY_REQUESTS)),
    exceedsFreeStorage: bytesToSend > FREE_STORAGE_BYTES,
  };
}
