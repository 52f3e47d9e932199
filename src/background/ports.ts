/**
 * Adapts the Xiaomi source and the Google Photos module to the engine's ports
 * (src/engine/ports.ts), so the engine stays ignorant of either cloud's details.
 */
import type { BatchItemResult, DestinationPort, SourcePort } from '../engine/ports.ts';
import type { GooglePhotos } from '../google/index.ts';
import { albumTitle, MAX_ALBUM_ADD_ITEMS, mediaItemFileName } from '../google/index.ts';
import type { XiaomiSource } from '../xiaomi/source.ts';

export function sourcePort(xiaomi: XiaomiSource): SourcePort {
  return {
    checkSession: () => xiaomi.checkSession(),
    keepAlive: () => xiaomi.keepAlive(),
    listAlbums: () => xiaomi.listAlbums(),
    listAlbumItems: (albumId, fromPage) => xiaomi.listAlbumItems(albumId, fromPage),
    // The engine hashes what it sends itself, so chunk edges and saved states line up exactly;
    // the source hashing the same bytes again would double the SHA-1 work on the hot path.
    openDownload: (item, options) => xiaomi.openDownload(item, { ...options, hash: false }),
    signedDownload: (item) => xiaomi.signedDownload(item),
  };
}

export function destinationPort(google: GooglePhotos): DestinationPort {
  const { uploads, mediaItems, albums, auth, options } = google;
  return {
    accountKey: () => auth.accountKey(),
    rawUploadLimit: options.rawUploadLimit,
    chunkSize: options.chunkTargetBytes,
    // What media-items.ts and albums.ts send: Google keeps it as sent.
    storedFileName: mediaItemFileName,
    storedAlbumTitle: albumTitle,
    uploadRaw: (meta, body, signal) => uploads.uploadRaw(meta, body, signal),
    startSession: (meta) => uploads.startSession(meta),
    uploadChunk: (session, offset, body, isLast, meta, signal) =>
      uploads.uploadChunk(session, offset, body, isLast, meta.sha1, signal),
    async querySession(session) {
      const status = await uploads.querySession(session);
      return status.kind === 'gone' ? { kind: 'gone' } : status;
    },
    async batchCreate(albumId, entries) {
      const results = await mediaItems.batchCreate({ albumId, items: entries });
      // The Google module's richer results, narrowed to what the engine acts on.
      return results.map(
        (r): BatchItemResult =>
          r.kind === 'created'
            ? {
                uploadToken: r.uploadToken,
                kind: 'created',
                mediaItemId: r.mediaItemId,
                productUrl: r.productUrl,
              }
            : { uploadToken: r.uploadToken, kind: r.kind, message: r.message },
      );
    },
    createAlbum: (title) => albums.createAlbum(title),
    listAppAlbums: () => albums.listAppAlbums(),
    getAlbum: (albumId) => albums.getAlbum(albumId),
    async albumItems(albumId) {
      const items = await mediaItems.searchAlbumItems(albumId);
      return items.map((m) => ({ id: m.id, filename: m.filename ?? '', productUrl: m.productUrl }));
    },
    async addToAlbum(albumId, mediaItemIds) {
      for (let i = 0; i < mediaItemIds.length; i += MAX_ALBUM_ADD_ITEMS) {
        await albums.batchAddMediaItems(albumId, mediaItemIds.slice(i, i + MAX_ALBUM_ADD_ITEMS));
      }
    },
  };
}
