/**
 * The receipt: every planned item, its Xiaomi id and SHA-1 against its Google media item, as
 * rows for the report page and as CSV / JSON files the person can keep.
 */
import type { ReceiptRow } from '../shared/messages.ts';
import { type EngineDb, ownedBy } from './db.ts';

export async function receiptRows(db: EngineDb, jobId: string): Promise<ReceiptRow[]> {
  const items = await db.getAll('items', ownedBy(jobId));
  return items
    .sort((a, b) => a.seq - b.seq)
    .map((item) => ({
      xiaomiId: item.id,
      sha1: item.sha1,
      fileName: item.fileName,
      size: item.size,
      type: item.type,
      xiaomiAlbums: item.albums.map((a) => a.xiaomiAlbumId),
      state: item.state,
      googleMediaItemId: item.mediaItemId,
      googleProductUrl: item.productUrl,
      googleAlbums: item.inGoogleAlbums,
      reasonKind: item.reasonKind,
      reason: item.reason,
      uploadedSha1: item.uploadedSha1,
      captureDateChange: item.captureDateChange,
    }));
}

const CSV_COLUMNS: (keyof ReceiptRow)[] = [
  'xiaomiId',
  'sha1',
  'fileName',
  'size',
  'type',
  'xiaomiAlbums',
  'state',
  'googleMediaItemId',
  'googleProductUrl',
  'googleAlbums',
  'reasonKind',
  'reason',
  'uploadedSha1',
  'captureDateChange',
];

function csvCell(value: unknown): string {
  const text = Array.isArray(value) ? value.join(';') : value === undefined ? '' : String(value);
  // Quote everything that could break a row, and defuse formulas for spreadsheet apps.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function receiptCsv(rows: ReceiptRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function receiptJson(rows: ReceiptRow[]): string {
  return JSON.stringify({ format: 'mi-to-google-photos receipt', version: 1, items: rows }, null, 2);
}
