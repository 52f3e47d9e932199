/** The receipt table's logic: how rows group, filter and page, and what the exported files are called. */
import type { ErrorKind } from '../shared/errors.ts';
import type { ItemState, ReceiptRow } from '../shared/messages.ts';

export type RowGroup = 'done' | 'skipped' | 'failed' | 'open';
export const ROW_GROUPS: readonly RowGroup[] = ['done', 'skipped', 'failed', 'open'];

/** Items still on their way (any state before done) read as one group: not finished yet. */
export function rowGroup(state: ItemState): RowGroup {
  return state === 'done' || state === 'skipped' || state === 'failed' ? state : 'open';
}

/** Each field narrows the rows when set. */
export interface ReceiptFilter {
  group?: RowGroup;
  albumId?: string;
  reason?: ErrorKind;
}

export function filterRows(rows: readonly ReceiptRow[], filter: ReceiptFilter): ReceiptRow[] {
  return rows.filter(
    (row) =>
      (filter.group === undefined || rowGroup(row.state) === filter.group) &&
      (filter.albumId === undefined || row.xiaomiAlbums.includes(filter.albumId)) &&
      (filter.reason === undefined || row.reasonKind === filter.reason),
  );
}

export function groupCounts(rows: readonly ReceiptRow[]): Record<RowGroup, number> {
  const counts: Record<RowGroup, number> = { done: 0, skipped: 0, failed: 0, open: 0 };
  for (const row of rows) counts[rowGroup(row.state)] += 1;
  return counts;
}

/** The reasons that occur, most frequent first: the filter offers only what is there. */
export function reasonsIn(rows: readonly ReceiptRow[]): ErrorKind[] {
  const counts = new Map<ErrorKind, number>();
  for (const row of rows)
    if (row.reasonKind) counts.set(row.reasonKind, (counts.get(row.reasonKind) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([kind]) => kind);
}

export function albumIdsIn(rows: readonly ReceiptRow[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) for (const id of row.xiaomiAlbums) ids.add(id);
  return [...ids];
}

/** Rows per page: a 20,000-item receipt stays quick to render and to scroll. */
export const PAGE_SIZE = 200;

export interface Page<T> {
  rows: T[];
  /** 0-based, clamped into range. */
  index: number;
  count: number;
  /** 1-based position of the first row shown, 0 when there are none. */
  from: number;
  to: number;
}

export function pageOf<T>(rows: readonly T[], requested: number, size = PAGE_SIZE): Page<T> {
  const count = Math.max(1, Math.ceil(rows.length / size));
  const index = Math.min(Math.max(0, Math.trunc(requested)), count - 1);
  const start = index * size;
  const shown = rows.slice(start, start + size);
  return { rows: shown, index, count, from: shown.length > 0 ? start + 1 : 0, to: start + shown.length };
}

/** e.g. "mi-to-google-photos-receipt-2026-11-26.csv", dated in local time. */
export function receiptFileName(extension: 'csv' | 'json', at: Date): string {
  const day = [at.getFullYear(), at.getMonth() + 1, at.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
  return `mi-to-google-photos-receipt-${day}.${extension}`;
}
