/**
 * Albums this app creates and fills (google-photos-api.md §D). Titles are not unique (§D2), so the
 * engine serialises creation and records each id; `listAppAlbums` finds an album created just
 * before a crash that the engine did not get to record.
 */
import { malformedSuccess } from './errors.ts';
import { PHOTOS_API, type PhotosHttp } from './http.ts';
import { isRecord, optionalString } from './json.ts';
import { albumTitle } from './names.ts';
import { SCOPE_APPEND_ONLY, SCOPE_READ_APP_CREATED } from './oauth.ts';
import { allPages } from './paging.ts';

/** §D3. */
export const MAX_ALBUM_ADD_ITEMS = 50;

export interface AppAlbum {
  id: string;
  title: string;
  productUrl?: string;
  /** int64 as a JSON string in Google's answer, absent when 0 (§D1). */
  mediaItemsCount: number;
}

function parseAlbum(value: unknown): AppAlbum | undefined {
  if (!isRecord(value) || typeof value.id !== 'string' || !value.id) return undefined;
  const count = Number(value.mediaItemsCount ?? 0);
  return {
    id: value.id,
    title: optionalString(value.title) ?? '',
    productUrl: optionalString(value.productUrl),
    mediaItemsCount: Number.isFinite(count) ? count : 0,
  };
}

function albumUrl(albumId: string): string {
  return `${PHOTOS_API}/albums/${encodeURIComponent(albumId)}`;
}

export class Albums {
  constructor(private readonly http: PhotosHttp) {}

  /** Makes a new album; a title over 500 characters is shortened as DTP does (§D1). */
  async createAlbum(title: string): Promise<AppAlbum> {
    const operation = 'create album';
    const json = await this.http.json({
      operation,
      url: `${PHOTOS_API}/albums`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ album: { title: albumTitle(title) } }),
      scope: SCOPE_APPEND_ONLY,
      // Sent twice it would make two albums (§D2); the engine reconciles with listAppAlbums instead.
      idempotent: false,
    });
    return this.albumFrom(operation, json);
  }

  async getAlbum(albumId: string): Promise<AppAlbum> {
    const operation = 'get album';
    const json = await this.http.json({
      operation,
      url: albumUrl(albumId),
      method: 'GET',
      scope: SCOPE_READ_APP_CREATED,
      idempotent: true,
      unrecognisedClientError: 'google-album-missing',
    });
    return this.albumFrom(operation, json);
  }

  /** Every album this app created, all pages (§D4, §I6). */
  listAppAlbums(): Promise<AppAlbum[]> {
    return allPages('list albums', 'albums', parseAlbum, (pageToken) =>
      this.http.json({
        operation: 'list albums',
        url: `${PHOTOS_API}/albums?${new URLSearchParams({ pageSize: '50', ...(pageToken ? { pageToken } : {}) })}`,
        method: 'GET',
        scope: SCOPE_READ_APP_CREATED,
        idempotent: true,
      }),
    );
  }

  /** One cheap read that fails as every call would when the API is disabled or access is missing (§E11). */
  async checkAccess(): Promise<void> {
    await this.http.json({
      operation: 'check access',
      url: `${PHOTOS_API}/albums?pageSize=1`,
      method: 'GET',
      scope: SCOPE_READ_APP_CREATED,
      idempotent: true,
    });
  }

  /**
   * Appends app-created items to an app-created album, in the order given (§D3). One bad id fails
   * the whole call ('google-rejected-media'); a deleted album gives 'google-album-missing'.
   */
  async batchAddMediaItems(albumId: string, mediaItemIds: readonly string[]): Promise<void> {
    if (mediaItemIds.length === 0 || mediaItemIds.length > MAX_ALBUM_ADD_ITEMS) {
      throw new RangeError(
        `batchAddMediaItems takes 1 to ${MAX_ALBUM_ADD_ITEMS} ids, not ${mediaItemIds.length}`,
      );
    }
    await this.http.json({
      operation: 'add to album',
      url: `${albumUrl(albumId)}:batchAddMediaItems`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mediaItemIds }),
      scope: SCOPE_APPEND_ONLY,
      // Adding an item that is already in the album changes nothing.
      idempotent: true,
    });
  }

  private albumFrom(operation: string, json: unknown): AppAlbum {
    const album = parseAlbum(json);
    if (!album)
      throw malformedSuccess(operation, 'there is no album in the answer', { body: JSON.stringify(json) });
    return album;
  }
}
