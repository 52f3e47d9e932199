import { describe, expect, it } from 'vitest';
import type { ReceiptRow } from '../shared/messages.ts';
import { sampleReceipt } from '../ui/sample.ts';
import {
  albumIdsIn,
  filterRows,
  groupCounts,
  PAGE_SIZE,
  pageOf,
  reasonsIn,
  receiptFileName,
  rowGroup,
} from './receipt-view.ts';

function row(overrides: Partial<ReceiptRow>): ReceiptRow {
  return {
    xiaomiId: '1',
    sha1: '0'.repeat(40),
    fileName: 'a.jpg',
    size: 1,
    type: 'image',
    xiaomiAlbums: ['1'],
    state: 'done',
    googleAlbums: [],
    ...overrides,
  };
}

const ROWS: ReceiptRow[] = [
  row({ xiaomiId: 'a', xiaomiAlbums: ['1'] }),
  row({ xiaomiId: 'b', xiaomiAlbums: ['2'], state: 'skipped', reasonKind: 'video-too-large' }),
  row({ xiaomiId: 'c', xiaomiAlbums: ['1', '2'], state: 'failed', reasonKind: 'sha1-mismatch' }),
  row({ xiaomiId: 'd', xiaomiAlbums: ['2'], state: 'skipped', reasonKind: 'video-too-large' }),
  row({ xiaomiId: 'e', xiaomiAlbums: ['1'], state: 'uploaded' }),
];
const ids = (rows: ReceiptRow[]) => rows.map((r) => r.xiaomiId);

describe('receipt rows', () => {
  it('group every in-between state as not finished', () => {
    expect(
      ['planned', 'transferring', 'uploaded', 'creating', 'created'].map((s) => rowGroup(s as 'planned')),
    ).toEqual(Array(5).fill('open'));
    expect(groupCounts(ROWS)).toEqual({ done: 1, skipped: 2, failed: 1, open: 1 });
  });

  it('filter by status, album and reason, together', () => {
    expect(ids(filterRows(ROWS, {}))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(filterRows(ROWS, { group: 'skipped' }))).toEqual(['b', 'd']);
    expect(ids(filterRows(ROWS, { albumId: '1' }))).toEqual(['a', 'c', 'e']);
    expect(ids(filterRows(ROWS, { reason: 'sha1-mismatch' }))).toEqual(['c']);
    expect(ids(filterRows(ROWS, { group: 'skipped', albumId: '1' }))).toEqual([]);
  });

  it('offer the reasons that occur, most frequent first, and the albums that occur', () => {
    expect(reasonsIn(ROWS)).toEqual(['video-too-large', 'sha1-mismatch']);
    expect(albumIdsIn(ROWS)).toEqual(['1', '2']);
  });
});

describe('pages of the receipt', () => {
  const big = sampleReceipt(20_026);

  it('show 200 rows at a time', () => {
    const first = pageOf(big, 0);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first).toMatchObject({ index: 0, count: 101, from: 1, to: 200 });
    expect(pageOf(big, 100)).toMatchObject({ index: 100, from: 20_001, to: 20_026 });
  });

  it('keep the page number in range', () => {
    expect(pageOf(big, 500).index).toBe(100);
    expect(pageOf(big, -1).index).toBe(0);
    expect(pageOf([], 3)).toMatchObject({ index: 0, count: 1, from: 0, to: 0, rows: [] });
  });
});

describe('exported files', () => {
  it('are named by the local date', () => {
    expect(receiptFileName('csv', new Date(2026, 0, 5, 23, 59))).toBe(
      'mi-to-google-photos-receipt-2026-01-05.csv',
    );
  });
});
