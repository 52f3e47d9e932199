/**
 * Google allows 10,000 Photos Library requests a day (google-photos-api.md §E3): the committer must
 * fill every batchCreate and every batchAddMediaItems call (50 items) that it can, whatever order
 * the uploads finish in. bench/ measures the same thing against the fakes.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/messages.ts';
import { openEngineDb } from './db.ts';
import { Engine } from './engine.ts';
import { MemoryDestination, MemorySource, makeItem } from './testing/memory-ports.ts';

it('uses one batchCreate per 50 items and one batchAddMediaItems per 50 second-album memberships', async () => {
  const db = await openEngineDb('batching-test');
  const source = new MemorySource();
  const destination = new MemoryDestination();
  const photos = Array.from({ length: 120 }, (_, n) =>
    makeItem(String(24_886_749_771_300_000n + BigInt(n)), '1', 100),
  );
  // Every tenth photo is also in a user album: 12 memberships, one call.
  source.addAlbum(
    { id: '1', name: 'Camera', system: 'camera', mediaCount: photos.length, lastUpdateTime: 0 },
    photos,
  );
  source.addAlbum(
    { id: '27182818284590452', name: 'Trip', mediaCount: 12, lastUpdateTime: 0 },
    photos.filter((_, n) => n % 10 === 0),
  );
  let ids = 0;
  const engine = new Engine({
    db,
    source,
    destination,
    clock: { now: () => Date.now(), sleep: async () => {} },
    settings: async () => ({ ...DEFAULT_SETTINGS, favoritesAlbum: false }),
    preflight: () => undefined,
    albumTitle: (album) => album.name,
    favoritesTitle: () => 'Favorites',
    describe: (kind) => kind,
    newId: () => `id-${ids++}`,
    onChange: () => undefined,
    onAttention: () => undefined,
    keepAlive: { hold: () => () => undefined },
  });
  await engine.start(await source.listAlbums(), 'account-1', '123');
  for (let round = 0; round < 5; round++) {
    engine.kick();
    await engine.idle();
    if ((await engine.activeJob())?.status === 'done') break;
  }

  expect((await engine.activeJob())?.status).toBe('done');
  expect(destination.items).toHaveLength(120);
  expect(destination.calls.raw).toBe(120);
  expect(destination.calls.batchCreate).toBe(3);
  expect(destination.calls.add).toBe(1);
  expect(destination.albums.find((a) => a.title === 'Trip')?.itemIds).toHaveLength(12);
  db.close();
});
