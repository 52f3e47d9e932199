/**
 * `POST /v1/mediaItems:batchCreate` (google-photos-api.md §C, §I4, §I5): whole-request errors for a
 * malformed request, an unknown album or any bad upload token; otherwise HTTP 200 with one status
 * per item, matched to the request by `uploadToken` only.
 */

import { randomId, shuffled } from '../random.ts';
import { type AlbumPosition, insertIntoAlbum, ownedAlbum } from './albums.ts';
import { ITEM_FAILED_MESSAGE } from './faults.ts';
import { jsonReply, type Reply } from './http.ts';
import { isRecord, type PhotosContext } from './photos-context.ts';
import { mediaItemJson } from './resource-json.ts';
import type { AlbumRecord, MediaItemRecord, UploadTokenRecord } from './state.ts';

const MAX_ITEMS = 50;
const MAX_FILE_NAME_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 1000;
const BAD_IMAGE_MESSAGE = 'BAD_IMAGE: There was an error while trying to create this media item.';
const EXISTS_MESSAGE = 'EXISTS: There was an error while trying to create this media item.';

interface NewItem {
  uploadToken: string;
  fileName: string | undefined;
  description: string | undefined;
}

/** A planned item to create; `record` is set once the whole request has passed its checks. */
interface PendingCreation {
  token: UploadTokenRecord;
  item: NewItem;
  record?: MediaItemRecord;
}

type Outcome =
  | { kind: 'create'; creation: PendingCreation }
  | { kind: 'existing'; item: MediaItemRecord | PendingCreation; token: UploadTokenRecord }
  | { kind: 'failed'; code: number; message: string };

function parseNewItem(entry: unknown): NewItem | undefined {
  if (!isRecord(entry) || !isRecord(entry.simpleMediaItem)) return undefined;
  const { uploadToken, fileName } = entry.simpleMediaItem;
  const { description } = entry;
  if (typeof uploadToken !== 'string') return undefined;
  if (fileName !== undefined && (typeof fileName !== 'string' || fileName.length > MAX_FILE_NAME_LENGTH)) {
    return undefined;
  }
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH)
  ) {
    return undefined;
  }
  return { uploadToken, fileName, description };
}

function parsePosition(position: unknown, album: AlbumRecord | undefined): AlbumPosition | undefined {
  if (position === undefined) return { at: 'end' };
  if (!isRecord(position) || !album) return undefined;
  switch (position.position) {
    case 'FIRST_IN_ALBUM':
      return { at: 'start' };
    case 'AFTER_MEDIA_ITEM': {
      const relative = position.relativeMediaItemId;
      if (typeof relative !== 'string' || !album.itemIds.includes(relative)) return undefined;
      return { at: 'after', mediaItemId: relative };
    }
    case 'AFTER_ENRICHMENT_ITEM':
    case 'LAST_IN_ALBUM':
    case 'POSITION_TYPE_UNSPECIFIED':
    case undefined:
      return { at: 'end' };
    default:
      return undefined;
  }
}

function isUsable(ctx: PhotosContext, token: UploadTokenRecord | undefined): token is UploadTokenRecord {
  const { clock, config } = ctx.deps;
  if (!token || clock.now() - token.createdAt >= config.uploadTokenLifetimeMs) return false;
  return token.consumedByItemId === undefined || config.consumedTokenReuse !== 'invalid-token';
}

/** §E9: without any name Google names the item after the upload date. */
function effectiveFileName(item: NewItem, token: UploadTokenRecord): string {
  if (item.fileName) return item.fileName;
  if (token.fileNameHeader) return token.fileNameHeader;
  const date = new Date(token.createdAt).toISOString().slice(0, 10);
  return `${date}.${token.file.media?.extension ?? 'bin'}`;
}

function tooLarge(ctx: PhotosContext, token: UploadTokenRecord): boolean {
  const { config } = ctx.deps;
  const limit = token.file.media?.kind === 'video' ? config.maxVideoBytes : config.maxPhotoBytes;
  return token.file.byteLength > limit;
}

class BatchPlanner {
  /** Identical bytes already planned in this same request, by SHA-1. */
  private readonly plannedBySha1 = new Map<string, PendingCreation>();

  constructor(private readonly ctx: PhotosContext) {}

  private librarySibling(sha1: string): MediaItemRecord | PendingCreation | undefined {
    const planned = this.plannedBySha1.get(sha1);
    if (planned) return planned;
    return this.ctx.deps.state.mediaItemList().find((item) => item.sha1 === sha1);
  }

  plan(item: NewItem, token: UploadTokenRecord): Outcome {
    const { config, state, faults } = this.ctx.deps;
    if (token.consumedByItemId !== undefined) {
      const created = state.mediaItems.get(token.consumedByItemId);
      if (config.consumedTokenReuse === 'same-item' && created) {
        return { kind: 'existing', item: created, token };
      }
      return { kind: 'failed', code: 3, message: ITEM_FAILED_MESSAGE };
    }
    const injected = faults.takeItemFailure(effectiveFileName(item, token));
    if (injected) return { kind: 'failed', ...injected };
    if (!token.file.media || tooLarge(this.ctx, token)) {
      return { kind: 'failed', code: 3, message: BAD_IMAGE_MESSAGE };
    }
    const sibling = this.librarySibling(token.file.sha1);
    if (sibling && config.dedupe === 'same-item') return { kind: 'existing', item: sibling, token };
    if (sibling && config.dedupe === 'exists') return { kind: 'failed', code: 6, message: EXISTS_MESSAGE };
    const creation: PendingCreation = { token, item };
    this.plannedBySha1.set(token.file.sha1, creation);
    return { kind: 'create', creation };
  }
}

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function createItem(ctx: PhotosContext, { token, item }: PendingCreation): MediaItemRecord {
  const { state, clock, random } = ctx.deps;
  const media = token.file.media!;
  const sequence = state.mediaItems.size + 1;
  const record: MediaItemRecord = {
    id: `AFakeItem${String(sequence).padStart(4, '0')}_${randomId(random, 40)}`,
    clientId: ctx.caller.clientId,
    filename: effectiveFileName(item, token),
    mimeType: media.mimeType,
    kind: media.kind,
    description: item.description,
    // §E8: the embedded capture date, else the upload time.
    creationTime: rfc3339(media.capturedAt ?? token.createdAt),
    width: media.width,
    height: media.height,
    cameraMake: media.cameraMake,
    cameraModel: media.cameraModel,
    sha1: token.file.sha1,
    byteLength: token.file.byteLength,
    bytes: token.file.bytes,
    createdAt: clock.now(),
    sequence,
    uploadToken: token.token,
  };
  state.mediaItems.set(record.id, record);
  state.storageRemainingBytes -= record.byteLength;
  return record;
}

function resolved(item: MediaItemRecord | PendingCreation): MediaItemRecord {
  return 'sequence' in item ? item : item.record!;
}

function ordered<T>(ctx: PhotosContext, results: T[]): T[] {
  const { resultOrder } = ctx.deps.config;
  if (resultOrder === 'reversed') return [...results].reverse();
  if (resultOrder === 'shuffled') return shuffled(results, ctx.deps.random);
  return results;
}

export async function batchCreate(ctx: PhotosContext): Promise<Reply> {
  const body = await ctx.readJson();
  if (!body.ok) return body.reply;
  const request = isRecord(body.value) ? body.value : {};
  const entries = request.newMediaItems;
  if (!Array.isArray(entries) || entries.length === 0) {
    return ctx.error('invalid-argument', 'newMediaItems missing');
  }
  if (entries.length > MAX_ITEMS) return ctx.error('too-many-items', `${entries.length} items`);
  const { albumId } = request;
  if (albumId !== undefined && typeof albumId !== 'string') return ctx.error('invalid-argument', 'albumId');
  const album = albumId === undefined ? undefined : ownedAlbum(ctx, albumId);
  if (albumId !== undefined && !album) return ctx.error('album-not-found', `album ${albumId}`);
  const position = parsePosition(request.albumPosition, album);
  if (!position) return ctx.error('invalid-argument', 'albumPosition');

  const items = entries.map(parseNewItem);
  if (!items.every((item): item is NewItem => item !== undefined)) {
    return ctx.error('invalid-argument', 'malformed newMediaItems entry');
  }
  const { state, config } = ctx.deps;
  const tokens = items.map((item) => state.uploadTokens.get(item.uploadToken));
  const badToken = tokens.findIndex((token) => !isUsable(ctx, token));
  if (badToken !== -1) {
    return ctx.error('invalid-upload-token', `upload token #${badToken} empty, unknown, expired or reused`);
  }

  const planner = new BatchPlanner(ctx);
  const outcomes = items.map((item, i) => planner.plan(item, tokens[i]!));
  const creations = outcomes.flatMap((outcome) => (outcome.kind === 'create' ? [outcome.creation] : []));
  const neededBytes = creations.reduce((sum, creation) => sum + creation.token.file.byteLength, 0);
  if (neededBytes > state.storageRemainingBytes) {
    return ctx.error('storage-full', `${neededBytes} bytes needed, ${state.storageRemainingBytes} left`);
  }

  for (const creation of creations) {
    creation.record = createItem(ctx, creation);
    creation.token.consumedByItemId = creation.record.id;
  }
  const placed: string[] = [];
  const results = outcomes.map((outcome, i) => {
    const { uploadToken } = items[i]!;
    if (outcome.kind === 'failed') {
      return { uploadToken, status: { code: outcome.code, message: outcome.message } };
    }
    const record = outcome.kind === 'create' ? outcome.creation.record! : resolved(outcome.item);
    if (outcome.kind === 'existing') outcome.token.consumedByItemId ??= record.id;
    placed.push(record.id);
    return {
      uploadToken,
      status: { message: config.successMessage },
      mediaItem: mediaItemJson(record, ctx.deps.clock.now(), config.videoProcessingMs),
    };
  });
  if (album) insertIntoAlbum(album, placed, position);
  const partial = placed.length > 0 && placed.length < results.length;
  return jsonReply(partial ? config.partialSuccessStatus : 200, {
    newMediaItemResults: ordered(ctx, results),
  });
}
