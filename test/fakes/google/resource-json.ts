/**
 * MediaItem and Album resources as the API serialises them (google-photos-api.md §C5, §D1): int64
 * fields as JSON strings, fields omitted rather than empty.
 */
import type { AlbumRecord, MediaItemRecord } from './state.ts';

export function productUrl(kind: 'photo' | 'album', id: string): string {
  return `https://photos.google.com/lr/${kind}/${id}`;
}

/** §E10: a video stays PROCESSING for `processingMs` after creation, then turns READY. */
export function mediaItemJson(item: MediaItemRecord, now: number, processingMs: number) {
  const size =
    item.width !== undefined && item.height !== undefined
      ? { width: String(item.width), height: String(item.height) }
      : {};
  const camera = {
    ...(item.cameraMake === undefined ? {} : { cameraMake: item.cameraMake }),
    ...(item.cameraModel === undefined ? {} : { cameraModel: item.cameraModel }),
  };
  const kindMetadata =
    item.kind === 'video'
      ? { video: { ...camera, status: now - item.createdAt >= processingMs ? 'READY' : 'PROCESSING' } }
      : { photo: camera };
  return {
    id: item.id,
    ...(item.description === undefined ? {} : { description: item.description }),
    productUrl: productUrl('photo', item.id),
    mimeType: item.mimeType,
    filename: item.filename,
    mediaMetadata: { creationTime: item.creationTime, ...size, ...kindMetadata },
  };
}

export function albumJson(album: AlbumRecord) {
  const count = album.itemIds.length;
  return {
    id: album.id,
    title: album.title,
    productUrl: productUrl('album', album.id),
    isWriteable: true,
    ...(count > 0 ? { mediaItemsCount: String(count), coverPhotoMediaItemId: album.itemIds[0] } : {}),
  };
}
