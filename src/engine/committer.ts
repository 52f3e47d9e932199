/**
 * Turns upload tokens into media items and puts them in every album they belong to.
 *
 * One committer per job, and it is serial: parallel batchCreate calls for one user get 429
 * "concurrent write request" (google-photos-api.md §C11, §H4). Results are matched by upload
 * token, never by position (§H10). Before a batch is sent its items are written as `creating`
 * with the batch's id; `reconcileInterrupted` settles such items after a stop (§C8).
 */
import { type ErrorKind, isMigrationError } from '../shared/errors.ts';
import type { AlbumMaker } from './albums.ts';
import {
  type AlbumKey,
  albumKeyOf,
  type EngineDb,
  type ItemRecord,
  inState,
  ownedBy,
  updateItem,
} from './db.ts';
import type { BatchItemResult, DestinationPort } from './ports.ts';
import { SESSION_MAX_AGE_MS } from './transfer.ts';

export const BATCH_LIMIT = 50;
/** A failed creation goes back to a fresh upload this many times before the item fails. */
export const MAX_ATTEMPTS = 4;

export interface CommitContext {
  db: EngineDb;
  destination: DestinationPort;
  albums: AlbumMaker;
  jobId: string;
  accountKey: string;
  now: () => number;
  newId: () => string;
  /** Google album ids of extra albums by purpose (e.g. 'favorites'), made on demand. */
  extraAlbumId(purpose: string): Promise<string>;
  onItemFinal(item: ItemRecord): void;
}

async function itemsIn(db: EngineDb, jobId: string, state: ItemRecord['state']): Promise<ItemRecord[]> {
  const range = inState(jobId, state);
  return db.getAllFromIndex('items', 'byState', range);
}

function primaryKey(item: ItemRecord): AlbumKey {
  const first = item.albums[0];
  if (!first) throw new Error(`item ${item.id} has no album`);
  return albumKeyOf(item.jobId, first);
}

/**
 * Changes an item only while it is still `creating` in the batch `sent` was read from: what one
 * batch's outcome says must never overwrite what another step wrote meanwhile (a created item
 * turned back to `uploaded` would be sent again, and Google would make it twice).
 */
function updateWhileCreating(
  ctx: CommitContext,
  sent: ItemRecord,
  change: (item: ItemRecord) => ItemRecord,
): Promise<ItemRecord> {
  return updateItem(ctx.db, ctx.jobId, sent.id, (item) =>
    item.state === 'creating' && item.commitId === sent.commitId ? change(item) : item,
  );
}

async function skipWhileCreating(
  ctx: CommitContext,
  item: ItemRecord,
  reasonKind: ErrorKind,
  reason: string,
): Promise<void> {
  const after = await updateWhileCreating(ctx, item, (it) => ({
    ...it,
    state: 'skipped',
    reasonKind,
    reason,
  }));
  ctx.onItemFinal(after);
}

async function backToUpload(ctx: CommitContext, item: ItemRecord, message: string): Promise<void> {
  const attempts = item.attempts + 1;
  const after = await updateWhileCreating(ctx, item, (it) =>
    attempts >= MAX_ATTEMPTS
      ? { ...it, state: 'failed', attempts, reasonKind: 'unexpected-response', reason: message }
      : {
          ...it,
          state: 'planned',
          attempts,
          uploadToken: undefined,
          tokenAt: undefined,
          commitId: undefined,
        },
  );
  if (after.state === 'failed') ctx.onItemFinal(after);
}

async function applyResult(
  ctx: CommitContext,
  item: ItemRecord,
  result: BatchItemResult | undefined,
  googleAlbumId: string,
) {
  // Left `creating`: `settleCreating` looks for the item in the album afterwards.
  if (result?.kind === 'exists') return;
  if (!result || result.kind === 'retry') {
    await backToUpload(ctx, item, result?.message ?? 'Google returned no result for this item');
    return;
  }
  if (result.kind === 'rejected') {
    await skipWhileCreating(ctx, item, 'google-rejected-media', result.message);
    return;
  }
  await updateWhileCreating(ctx, item, (it) => ({
    ...it,
    state: 'created',
    mediaItemId: result.mediaItemId,
    productUrl: result.productUrl,
    inGoogleAlbums: [googleAlbumId],
  }));
}

/** Errors with which Google refuses a whole request before doing anything (google-photos-api.md §I5). */
const REFUSED_WHOLE: ReadonlySet<string> = new Set([
  'google-album-missing',
  'google-rate-limited',
  'google-quota-daily',
  'google-storage-full',
  'google-scope-missing',
  'google-api-disabled',
  'google-photos-disabled',
  'google-signin-needed',
]);

/**
 * The person deleted one of our albums in Google Photos: its items are still in their library,
 * so they go back to `created` and are added to the album that replaces it.
 */
async function forgetDeletedAlbum(ctx: CommitContext, key: AlbumKey, googleAlbumId: string): Promise<void> {
  await ctx.albums.forget(key);
  const all = await ctx.db.getAll('items', ownedBy(ctx.jobId));
  for (const item of all) {
    if (!item.inGoogleAlbums.includes(googleAlbumId)) continue;
    await updateItem(ctx.db, ctx.jobId, item.id, (it) => ({
      ...it,
      state: it.state === 'done' ? 'created' : it.state,
      inGoogleAlbums: it.inGoogleAlbums.filter((id) => id !== googleAlbumId),
    }));
  }
}

/** Sends one batch of items that share a primary album. */
async function commitBatch(ctx: CommitContext, key: AlbumKey, batch: ItemRecord[]): Promise<void> {
  const album = await ctx.albums.ensure(key);
  const googleAlbumId = album.googleAlbumId!;
  const commitId = ctx.newId();
  const sentAt = ctx.now();
  const sending: ItemRecord[] = [];
  for (const item of batch) {
    sending.push(
      await updateItem(ctx.db, ctx.jobId, item.id, (it) => ({
        ...it,
        state: 'creating',
        commitId,
        commitSentAt: sentAt,
      })),
    );
  }
  let results: BatchItemResult[];
  try {
    results = await ctx.destination.batchCreate(
      googleAlbumId,
      sending.map((it) => ({ uploadToken: it.uploadToken!, fileName: it.fileName })),
    );
  } catch (error) {
    if (isMigrationError(error) && error.kind === 'google-upload-token-invalid') {
      // Spent tokens read the same as bad ones: an earlier send of this batch whose answer was lost
      // may have created the items (behind an HTTP/1.1-only proxy the body goes plain, and Chromium
      // sends it again by itself when a reused connection is reset: src/google/http.ts). Look in the
      // album before uploading again.
      await settleCreating(ctx, sending, 'tokens-refused');
      return;
    }
    if (!isMigrationError(error) || !REFUSED_WHOLE.has(error.kind)) {
      // The request may or may not have been carried out (connection lost, 5xx): look, don't guess.
      await reconcileInterrupted(ctx);
      if (isMigrationError(error) && error.scope === 'job') throw error;
      return;
    }
    // Google refused the request as a whole, so nothing was created: the items wait as `uploaded` again.
    for (const item of sending) {
      await updateWhileCreating(ctx, item, (it) => ({ ...it, state: 'uploaded', commitId: undefined }));
    }
    if (error.kind === 'google-album-missing') {
      await forgetDeletedAlbum(ctx, key, googleAlbumId);
      return;
    }
    throw error;
  }
  const byToken = new Map(results.map((r) => [r.uploadToken, r]));
  for (const item of sending) await applyResult(ctx, item, byToken.get(item.uploadToken!), googleAlbumId);
  const existing = sending.filter((it) => byToken.get(it.uploadToken!)?.kind === 'exists');
  if (existing.length > 0) await settleCreating(ctx, existing, 'already-in-library');
}

/**
 * Whether a batch goes now: when full, when everything is to go, or when its oldest entry has waited
 * `partialWaitMs`. A partial batch costs a request that a full one would have shared with up to 49
 * other items (google-photos-api.md §E3), so it waits for more while more are on their way.
 */
function batchIsDue(
  batch: ItemRecord[],
  flushAll: boolean,
  partialWaitMs: number,
  waited: (item: ItemRecord) => number,
): boolean {
  if (batch.length >= BATCH_LIMIT || flushAll) return true;
  return batch.some((item) => waited(item) >= partialWaitMs);
}

/**
 * Sends every full batch; with `flushAll` the partial ones too, otherwise only those whose oldest
 * token has waited `partialWaitMs`. Tokens about to expire go back to a fresh upload instead of
 * being sent (§C4, §H6).
 */
export async function commitUploaded(
  ctx: CommitContext,
  flushAll: boolean,
  partialWaitMs = Number.POSITIVE_INFINITY,
): Promise<number> {
  const uploaded = await itemsIn(ctx.db, ctx.jobId, 'uploaded');
  const groups = new Map<string, { key: AlbumKey; items: ItemRecord[] }>();
  for (const item of uploaded) {
    if (ctx.now() - (item.tokenAt ?? 0) > SESSION_MAX_AGE_MS) {
      await updateItem(ctx.db, ctx.jobId, item.id, (it) => ({
        ...it,
        state: 'planned',
        uploadToken: undefined,
      }));
      continue;
    }
    const key = primaryKey(item);
    const id = key.join('/');
    const group = groups.get(id) ?? { key, items: [] };
    group.items.push(item);
    groups.set(id, group);
  }
  let sent = 0;
  for (const { key, items } of groups.values()) {
    for (let i = 0; i < items.length; i += BATCH_LIMIT) {
      const batch = items.slice(i, i + BATCH_LIMIT);
      if (!batchIsDue(batch, flushAll, partialWaitMs, (it) => ctx.now() - (it.tokenAt ?? 0))) break;
      await commitBatch(ctx, key, batch);
      sent += batch.length;
    }
  }
  return sent;
}

async function wantedAlbums(ctx: CommitContext, item: ItemRecord): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of item.albums) {
    const album = await ctx.albums.ensure(albumKeyOf(ctx.jobId, ref));
    ids.push(album.googleAlbumId!);
  }
  for (const purpose of item.extraAlbums) ids.push(await ctx.extraAlbumId(purpose));
  return ids;
}

async function markDone(ctx: CommitContext, item: ItemRecord, inGoogleAlbums: string[]): Promise<void> {
  // Ledger first: a stop in between leaves the item `created`, and repeating is harmless.
  await ctx.db.put('ledger', {
    accountKey: ctx.accountKey,
    xiaomiId: item.id,
    sha1: item.sha1,
    mediaItemId: item.mediaItemId!,
    productUrl: item.productUrl,
    doneAt: ctx.now(),
  });
  const after = await updateItem(ctx.db, ctx.jobId, item.id, (it) => ({
    ...it,
    state: 'done',
    inGoogleAlbums,
  }));
  ctx.onItemFinal(after);
}

/**
 * Adds created items to the rest of their albums (≤ 50 per call, §D3), then marks them done. As
 * with batchCreate, a partial call waits for more items unless `flushAll` or it has waited
 * `partialWaitMs` (counted from when its oldest item was created).
 */
export async function addToOtherAlbums(
  ctx: CommitContext,
  flushAll = true,
  partialWaitMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  const created = await itemsIn(ctx.db, ctx.jobId, 'created');
  const missingByAlbum = new Map<string, ItemRecord[]>();
  const wanted = new Map<string, string[]>();
  for (const item of created) {
    const albums = await wantedAlbums(ctx, item);
    wanted.set(item.id, albums);
    for (const albumId of albums) {
      if (item.inGoogleAlbums.includes(albumId)) continue;
      missingByAlbum.set(albumId, [...(missingByAlbum.get(albumId) ?? []), item]);
    }
  }
  const reached = new Map(created.map((item) => [item.id, new Set(item.inGoogleAlbums)]));
  for (const [albumId, items] of missingByAlbum) {
    for (let i = 0; i < items.length; i += BATCH_LIMIT) {
      const batch = items.slice(i, i + BATCH_LIMIT);
      // `updatedAt` is wall-clock time (db.ts), unlike the tokens' injected clock.
      if (!batchIsDue(batch, flushAll, partialWaitMs, (it) => Date.now() - it.updatedAt)) break;
      try {
        await ctx.destination.addToAlbum(
          albumId,
          batch.map((it) => it.mediaItemId!),
        );
      } catch (error) {
        if (!isMigrationError(error) || error.kind !== 'google-album-missing') throw error;
        const albums = await ctx.db.getAllFromIndex('albums', 'byJob', ctx.jobId);
        const deleted = albums.find((a) => a.googleAlbumId === albumId);
        if (deleted) await forgetDeletedAlbum(ctx, [ctx.jobId, deleted.xiaomiAlbumId, deleted.part], albumId);
        return;
      }
      for (const item of batch) reached.get(item.id)?.add(albumId);
    }
  }
  for (const item of created) {
    const inAlbums = [...(reached.get(item.id) ?? [])];
    const all = wanted.get(item.id) ?? [];
    if (all.every((id) => inAlbums.includes(id))) await markDone(ctx, item, inAlbums);
    else if (inAlbums.length > item.inGoogleAlbums.length) {
      // Some albums reached while others wait for a fuller call: remembered, so never sent twice.
      await updateItem(ctx.db, ctx.jobId, item.id, (it) => ({ ...it, inGoogleAlbums: inAlbums }));
    }
  }
}

/**
 * Settles items whose creation is uncertain by looking at what their album holds: an item already
 * there (matched by file name, in request order, among media items no record claims) is adopted.
 * For the others, `missing` says what they mean: after a stop, the batch was never carried out
 * (the token was not consumed, so it is sent again while fresh); after Google refused the tokens,
 * they go to a fresh upload; after a code 6, Google holds the bytes as an item of the library this
 * app cannot see (§C10), so it ends skipped with that reason.
 */
async function settleCreating(
  ctx: CommitContext,
  creating: ItemRecord[],
  missing: 'not-created' | 'tokens-refused' | 'already-in-library',
): Promise<void> {
  // Media items some record already owns (this job's, or an earlier job's for this account).
  const claimed = new Set<string>();
  const all = await ctx.db.getAll('items', ownedBy(ctx.jobId));
  for (const item of all) if (item.mediaItemId) claimed.add(item.mediaItemId);
  const ledger = await ctx.db.getAll('ledger', ownedBy(ctx.accountKey));
  for (const entry of ledger) claimed.add(entry.mediaItemId);
  const byAlbum = new Map<string, ItemRecord[]>();
  for (const item of creating.sort(
    (a, b) => (a.commitSentAt ?? 0) - (b.commitSentAt ?? 0) || a.seq - b.seq,
  )) {
    const id = primaryKey(item).join('/');
    byAlbum.set(id, [...(byAlbum.get(id) ?? []), item]);
  }
  for (const items of byAlbum.values()) {
    const album = await ctx.albums.ensure(primaryKey(items[0]!));
    const inAlbum = await ctx.destination.albumItems(album.googleAlbumId!);
    for (const item of items) {
      const stored = ctx.destination.storedFileName(item.fileName);
      const match = inAlbum.find((m) => m.filename === stored && !claimed.has(m.id));
      if (match) {
        claimed.add(match.id);
        await applyResult(
          ctx,
          item,
          {
            uploadToken: item.uploadToken!,
            kind: 'created',
            mediaItemId: match.id,
            productUrl: match.productUrl,
          },
          album.googleAlbumId!,
        );
      } else if (missing === 'already-in-library') {
        await skipWhileCreating(
          ctx,
          item,
          'google-already-in-library',
          'Google Photos already holds these exact bytes as an item this extension did not create',
        );
      } else if (missing === 'not-created' && ctx.now() - (item.tokenAt ?? 0) <= SESSION_MAX_AGE_MS) {
        await updateWhileCreating(ctx, item, (it) => ({ ...it, state: 'uploaded', commitId: undefined }));
      } else {
        await backToUpload(
          ctx,
          item,
          missing === 'tokens-refused'
            ? 'Google refused the upload token'
            : 'upload token expired before it could be used',
        );
      }
    }
  }
}

/** Settles items a stop caught between a batchCreate request and its recorded result (§C8). */
export async function reconcileInterrupted(ctx: CommitContext): Promise<void> {
  const creating = await itemsIn(ctx.db, ctx.jobId, 'creating');
  if (creating.length > 0) await settleCreating(ctx, creating, 'not-created');
}
