/**
 * After a crash between batchCreate and recording its answer, the items may exist in Google Photos
 * without the engine knowing their ids. batchCreate has no request id (google-photos-api.md §C8), so
 * they are found among the app-created items by file name, with the capture time to tell apart
 * items of the same name. The time only ranks candidates: Google takes it from the file's metadata
 * and falls back to the upload time when there is none (§E8).
 */
import type { AppMediaItem } from './media-items.ts';
import { mediaItemFileName } from './names.ts';

export interface ExpectedItem {
  /** The engine's own id for the item. */
  key: string;
  /** As sent in batchCreate. */
  fileName: string;
  /** Capture time known at the source, epoch ms. */
  creationTime?: number;
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFC') === b.normalize('NFC');
}

function distance(expected: ExpectedItem, item: AppMediaItem): number {
  if (expected.creationTime === undefined || item.creationTime === undefined) return Number.POSITIVE_INFINITY;
  return Math.abs(expected.creationTime - item.creationTime);
}

/**
 * Which found item each expected item became, by key. Every found item is used at most once, and
 * those in `recordedIds` (already recorded for other items) never. Expected items without a match
 * were not created and may be sent again.
 */
export function matchCreatedItems(
  expected: readonly ExpectedItem[],
  found: readonly AppMediaItem[],
  recordedIds: ReadonlySet<string>,
): Map<string, AppMediaItem> {
  const unclaimed = found.filter((item) => !recordedIds.has(item.id));
  const matches = new Map<string, AppMediaItem>();
  for (const wanted of expected) {
    const name = mediaItemFileName(wanted.fileName);
    let best: { index: number; distance: number } | undefined;
    unclaimed.forEach((item, index) => {
      if (item.filename === undefined || !sameName(item.filename, name)) return;
      const candidate = { index, distance: distance(wanted, item) };
      if (!best || candidate.distance < best.distance) best = candidate;
    });
    if (best) {
      const [item] = unclaimed.splice(best.index, 1);
      if (item) matches.set(wanted.key, item);
    }
  }
  return matches;
}
