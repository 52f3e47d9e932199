/**
 * Upload tokens to media items (google-photos-api.md §C), and reading back what this app created,
 * for reconciliation after a crash (§C8, §D4). batchCreate answers HTTP 200 with a status per item
 * (§C5, §C6, §H5), so every item gets its own outcome, matched to the request by `uploadToken`,
 * never by position (§H10).
 */
import { MigrationError } from '../shared/errors.ts';
import { malformedSuccess } from './errors.ts';
import { PHOTOS_API, type PhotosHttp } from './http.ts';
import { isRecord, optionalString } from './json.ts';
import { mediaItemDescription, mediaItemFileName } from './names.ts';
import { SCOPE_APPEND_ONLY, SCOPE_READ_APP_CREATED } from './oauth.ts';
import { allPages } from './paging.ts';

/** §C3: "less than 50" in Google's message, but exactly 50 is accepted. */
export const MAX_BATCH_ITEMS = 50;

export interface NewMediaItem {
  uploadToken: string;
  fileName: string;
  description?: string;
}

/** A media item this app created, as Google describes it. */
export interface AppMediaItem {
  id: string;
  productUrl?: string;
  filename?: string;
  mimeType?: string;
  /** Capture time Google read from the file (§E8), epoch ms. */
  creationTime?: number;
}

export type BatchCreateResult =
  | ({ kind: 'created'; uploadToken: string; mediaItemId: string; alreadyExisted: boolean } & Omit<
      AppMediaItem,
      'id'
    >)
  /**
   * Code 6 without an item (§C7, §C8): Google holds these bytes already, but says not as which item.
   * It may be one this app made (find it with `searchAlbumItems`/`listAppMediaItems`) or one from
   * elsewhere in the library, which this app cannot see (§C10). Uploading again would only repeat it.
   */
  | { kind: 'exists'; uploadToken: string; message: string }
  /** Google refused the item for good (code 3 and other non-transient codes); `message` is Google's. */
  | { kind: 'rejected'; uploadToken: string; message: string; error: MigrationError }
  /** Worth another try with a fresh upload: code 13, an unknown code, or no result at all. */
  | { kind: 'retry'; uploadToken: string; message: string };

/** google.rpc codes a per-item status may carry (§C7). */
const RPC = { ok: 0, invalidArgument: 3, alreadyExists: 6 } as const;

function parseMediaItem(value: unknown): AppMediaItem | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || !value.id) return undefined;
  const metadata = isRecord(value.mediaMetadata) ? value.mediaMetadata : {};
  const creationTime = Date.parse(optionalString(metadata.creationTime) ?? '');
  return {
    id: value.id,
    productUrl: optionalString(value.productUrl),
    filename: optionalString(value.filename),
    mimeType: optionalString(value.mimeType),
    creationTime: Number.isNaN(creationTime) ? undefined : creationTime,
  };
}

function outcomeOf(uploadToken: string, result: Record<string, unknown> | undefined): BatchCreateResult {
  if (!result) return { kind: 'retry', uploadToken, message: 'Google returned no result for this item' };
  const status = isRecord(result.status) ? result.status : {};
  const code = typeof status.code === 'number' ? status.code : RPC.ok;
  const message = optionalString(status.message) ?? `status code ${code}`;
  const item = parseMediaItem(result.mediaItem);
  if (item && (code === RPC.ok || code === RPC.alreadyExists)) {
    const { id, ...described } = item;
    return {
      kind: 'created',
      uploadToken,
      mediaItemId: id,
      alreadyExisted: code === RPC.alreadyExists,
      ...described,
    };
  }
  if (code === RPC.alreadyExists) return { kind: 'exists', uploadToken, message };
  if (code === RPC.invalidArgument) {
    const error = new MigrationError('google-rejected-media', `Google Photos refused the item: ${message}`, {
      serverMessage: message,
    });
    return { kind: 'rejected', uploadToken, message, error };
  }
  // Success without an item is not success (§H5).
  if (code === RPC.ok) return { kind: 'retry', uploadToken, message: `${message}, but no media item` };
  return { kind: 'retry', uploadToken, message };
}

function checkBatch(items: readonly NewMediaItem[]): void {
  if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
    throw new RangeError(`batchCreate takes 1 to ${MAX_BATCH_ITEMS} items, not ${items.length}`);
  }
  if (new Set(items.map((item) => item.uploadToken)).size !== items.length) {
    throw new RangeError('batchCreate needs distinct upload tokens: results are matched by token');
  }
}

export class MediaItems {
  constructor(private readonly http: PhotosHttp) {}

  /**
   * One batchCreate call (the engine serialises them, §C11). Whole-request failures throw
   * (`google-upload-token-invalid`, `google-album-missing`, `google-storage-full`, quota…); otherwise
   * one result per item, in the order of `items`.
   */
  async batchCreate(request: {
    albumId?: string;
    items: readonly NewMediaItem[];
  }): Promise<BatchCreateResult[]> {
    checkBatch(request.items);
    const operation = 'batchCreate';
    const json = await this.http.json({
      operation,
      url: `${PHOTOS_API}/mediaItems:batchCreate`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ...(request.albumId === undefined ? {} : { albumId: request.albumId }),
        newMediaItems: request.items.map((item) => ({
          ...(item.description ? { description: mediaItemDescription(item.description) } : {}),
          simpleMediaItem: { uploadToken: item.uploadToken, fileName: mediaItemFileName(item.fileName) },
        })),
      }),
      scope: SCOPE_APPEND_ONLY,
      // A lost answer may still have created the items: the engine reconciles before sending again.
      idempotent: false,
    });
    if (!isRecord(json))
      throw malformedSuccess(operation, 'the answer is not a JSON object', { body: JSON.stringify(json) });
    const byToken = new Map<string, Record<string, unknown>>();
    for (const result of Array.isArray(json.newMediaItemResults) ? json.newMediaItemResults : []) {
      if (isRecord(result) && typeof result.uploadToken === 'string') byToken.set(result.uploadToken, result);
    }
    return request.items.map((item) => outcomeOf(item.uploadToken, byToken.get(item.uploadToken)));
  }

  /** Every media item this app created, all pages (`mediaItems.list`, §D4). */
  listAppMediaItems(): Promise<AppMediaItem[]> {
    return allPages('list media items', 'mediaItems', parseMediaItem, (pageToken) =>
      this.http.json({
        operation: 'list media items',
        url: `${PHOTOS_API}/mediaItems?${new URLSearchParams({ pageSize: '100', ...(pageToken ? { pageToken } : {}) })}`,
        method: 'GET',
        scope: SCOPE_READ_APP_CREATED,
        idempotent: true,
      }),
    );
  }

  /** The app-created items of an album in album order, all pages (`mediaItems.search`, §D4). */
  searchAlbumItems(albumId: string): Promise<AppMediaItem[]> {
    return allPages('search album items', 'mediaItems', parseMediaItem, (pageToken) =>
      this.http.json({
        operation: 'search album items',
        url: `${PHOTOS_API}/mediaItems:search`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ albumId, pageSize: 100, ...(pageToken ? { pageToken } : {}) }),
        scope: SCOPE_READ_APP_CREATED,
        idempotent: true,
        // The album id is the only argument: Google refusing it means the album is gone.
        unrecognisedClientError: 'google-album-missing',
      }),
    );
  }
}
