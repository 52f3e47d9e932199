/**
 * Albums (google-photos-api.md §D1–§D4, §I6): create, list, get and batchAddMediaItems, limited to
 * albums and items the calling OAuth client created; a user may delete an album by hand meanwhile.
 */

import { randomId } from '../random.ts';
import { jsonReply, type Reply } from './http.ts';
import { queryPaging, readPage } from './paging.ts';
import { isRecord, type PhotosContext } from './photos-context.ts';
import { albumJson } from './resource-json.ts';
import type { AlbumRecord } from './state.ts';

const MAX_TITLE_LENGTH = 500;
const MAX_IDS_PER_CALL = 50;

/** The album, if the caller created it and the user has not deleted it. */
export function ownedAlbum(ctx: PhotosContext, albumId: string): AlbumRecord | undefined {
  const album = ctx.deps.state.albums.get(albumId);
  if (!album || album.deletedByUser || album.clientId !== ctx.caller.clientId) return undefined;
  return album;
}

export type AlbumPosition = { at: 'end' } | { at: 'start' } | { at: 'after'; mediaItemId: string };

/** Adds items in the given order at `position`, skipping any the album already holds. */
export function insertIntoAlbum(
  album: AlbumRecord,
  itemIds: readonly string[],
  position: AlbumPosition,
): void {
  const fresh = itemIds.filter((id, index) => !album.itemIds.includes(id) && itemIds.indexOf(id) === index);
  const at =
    position.at === 'start'
      ? 0
      : position.at === 'after'
        ? album.itemIds.indexOf(position.mediaItemId) + 1
        : album.itemIds.length;
  album.itemIds.splice(at, 0, ...fresh);
}

export async function createAlbum(ctx: PhotosContext): Promise<Reply> {
  const body = await ctx.readJson();
  if (!body.ok) return body.reply;
  const album = isRecord(body.value) ? body.value.album : undefined;
  if (!isRecord(album) || typeof album.title !== 'string') {
    return ctx.error('invalid-argument', 'album.title missing');
  }
  let title = album.title;
  if (title.length > MAX_TITLE_LENGTH) {
    if (ctx.deps.config.albumTitleOverflow === 'reject') {
      return ctx.error('invalid-argument', `title of ${title.length} characters`);
    }
    title = title.slice(0, MAX_TITLE_LENGTH);
  }
  const { state, clock, random } = ctx.deps;
  const record: AlbumRecord = {
    id: `AFakeAlbum${String(state.albums.size + 1).padStart(2, '0')}_${randomId(random, 40)}`,
    clientId: ctx.caller.clientId,
    title,
    itemIds: [],
    deletedByUser: false,
    createdAt: clock.now(),
  };
  state.albums.set(record.id, record);
  return jsonReply(200, albumJson(record));
}

export function getAlbum(ctx: PhotosContext): Reply {
  const album = ownedAlbum(ctx, ctx.pathId ?? '');
  if (!album) return ctx.error('album-not-found');
  return jsonReply(200, albumJson(album));
}

export function listAlbums(ctx: PhotosContext): Reply {
  const albums = ctx.deps.state.albumList().filter((album) => ownedAlbum(ctx, album.id));
  const page = readPage(ctx, 'albums', albums, { defaultSize: 20, maxSize: 50 }, queryPaging(ctx.url));
  if ('reply' in page) return page.reply;
  return jsonReply(200, {
    ...(page.items.length > 0 ? { albums: page.items.map(albumJson) } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

/** §D3: all or nothing; every id must be an item the caller created. */
export async function batchAddMediaItems(ctx: PhotosContext): Promise<Reply> {
  const body = await ctx.readJson();
  if (!body.ok) return body.reply;
  const ids = isRecord(body.value) ? body.value.mediaItemIds : undefined;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return ctx.error('invalid-argument', 'mediaItemIds missing');
  }
  // Wording assumed (§I6): the batchCreate limit message.
  if (ids.length > MAX_IDS_PER_CALL) return ctx.error('too-many-items');
  const album = ownedAlbum(ctx, ctx.pathId ?? '');
  if (!album) return ctx.error('album-not-found');
  const { mediaItems } = ctx.deps.state;
  const foreign = ids.find((id) => mediaItems.get(id)?.clientId !== ctx.caller.clientId);
  if (foreign !== undefined) {
    return ctx.error('invalid-media-item-id', `not created by this client: ${foreign}`);
  }
  insertIntoAlbum(album, ids, { at: 'end' });
  return jsonReply(200, {});
}
