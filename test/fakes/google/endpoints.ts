/**
 * The Photos Library API surface the fake serves: which request is which endpoint, which scope it
 * needs (google-photos-api.md §A4), whether it is a write (§I8) and who handles it.
 */
import { batchAddMediaItems, createAlbum, getAlbum, listAlbums } from './albums.ts';
import { batchCreate } from './batch-create.ts';
import type { Reply } from './http.ts';
import { batchGetMediaItems, getMediaItem, listMediaItems, searchMediaItems } from './media-reads.ts';
import { PHOTOS_SCOPES } from './options.ts';
import type { EndpointId, PhotosContext } from './photos-context.ts';
import { cancelSession, querySession, rawUpload, sessionChunk, startSession } from './uploads.ts';

export interface EndpointSpec {
  /** Any one of these scopes suffices. */
  scopes: readonly string[];
  /** Counts toward the concurrent-write and per-minute write quotas. */
  write: boolean;
  /** A request to an existing resumable session URL. */
  session: boolean;
  handle(ctx: PhotosContext): Reply | Promise<Reply>;
}

const APPEND = [PHOTOS_SCOPES.appendOnly];
const READ = [PHOTOS_SCOPES.readAppCreated];

const upload = (handle: EndpointSpec['handle'], session: boolean): EndpointSpec => ({
  scopes: APPEND,
  write: false,
  session,
  handle,
});
const read = (handle: EndpointSpec['handle']): EndpointSpec => ({
  scopes: READ,
  write: false,
  session: false,
  handle,
});

export const ENDPOINTS: Record<EndpointId, EndpointSpec> = {
  'uploads:raw': upload(rawUpload, false),
  'uploads:start': upload(startSession, false),
  'uploads:chunk': upload(sessionChunk, true),
  'uploads:query': upload(querySession, true),
  'uploads:cancel': upload(cancelSession, true),
  'mediaItems:batchCreate': { scopes: APPEND, write: true, session: false, handle: batchCreate },
  'mediaItems:list': read(listMediaItems),
  'mediaItems:get': read(getMediaItem),
  'mediaItems:batchGet': read(batchGetMediaItems),
  'mediaItems:search': read(searchMediaItems),
  'albums:create': { scopes: APPEND, write: true, session: false, handle: createAlbum },
  'albums:list': read(listAlbums),
  'albums:get': read(getAlbum),
  'albums:batchAddMediaItems': {
    scopes: [PHOTOS_SCOPES.appendOnly, PHOTOS_SCOPES.editAppCreated],
    write: true,
    session: false,
    handle: batchAddMediaItems,
  },
};

export interface Route {
  endpoint: EndpointId;
  pathId: string | undefined;
}

function uploadRoute(url: URL, protocol: string | undefined, command: string | undefined): EndpointId {
  if (url.searchParams.has('upload_id')) {
    const words = (command ?? '').toLowerCase();
    if (words.includes('query')) return 'uploads:query';
    if (words.includes('cancel')) return 'uploads:cancel';
    return 'uploads:chunk';
  }
  return protocol?.toLowerCase() === 'resumable' ? 'uploads:start' : 'uploads:raw';
}

function decodedPath(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
}

/** Which endpoint a request is for; undefined for anything the API does not serve (an HTML 404). */
export function routePhotosRequest(
  method: string,
  url: URL,
  uploadHeaders: { protocol: string | undefined; command: string | undefined },
): Route | undefined {
  const path = decodedPath(url);
  if (path === undefined) return undefined;
  const plain = (endpoint: EndpointId): Route => ({ endpoint, pathId: undefined });
  if (method === 'POST' && path === '/v1/uploads') {
    return plain(uploadRoute(url, uploadHeaders.protocol, uploadHeaders.command));
  }
  if (method === 'POST' && path === '/v1/mediaItems:batchCreate') return plain('mediaItems:batchCreate');
  if (method === 'POST' && path === '/v1/mediaItems:search') return plain('mediaItems:search');
  if (method === 'GET' && path === '/v1/mediaItems:batchGet') return plain('mediaItems:batchGet');
  if (method === 'GET' && path === '/v1/mediaItems') return plain('mediaItems:list');
  if (method === 'POST' && path === '/v1/albums') return plain('albums:create');
  if (method === 'GET' && path === '/v1/albums') return plain('albums:list');
  const item = /^\/v1\/mediaItems\/([^/:]+)$/.exec(path);
  if (method === 'GET' && item) return { endpoint: 'mediaItems:get', pathId: item[1] };
  const album = /^\/v1\/albums\/([^/:]+)(:batchAddMediaItems)?$/.exec(path);
  if (album && method === 'GET' && !album[2]) return { endpoint: 'albums:get', pathId: album[1] };
  if (album && method === 'POST' && album[2]) {
    return { endpoint: 'albums:batchAddMediaItems', pathId: album[1] };
  }
  return undefined;
}
