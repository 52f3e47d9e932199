import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/messages.ts';
import { openEngineDb } from './db.ts';
import { Engine } from './engine.ts';
import { MemoryDestination, MemorySource, makeItem } from './testing/memory-ports.ts';

it('huge', async () => {
  const db = await openEngineDb('huge');
  const source = new MemorySource();
  source.pageSize = 100;
  const dest = new MemoryDestination();
  const items = Array.from({ length: 20_001 }, (_, n) => makeItem(String(24886749771200000n + BigInt(n)), '7', 10));
  source.addAlbum({ id: '7', name: 'Big', mediaCount: 0, lastUpdateTime: 0 }, items);
  let ids = 0;
  const engine = new Engine({ db, source, destination: dest, clock: { now: () => Date.now(), sleep: async () => {} }, settings: async () => DEFAULT_SETTINGS, preflight: () => undefined, albumTitle: (a, p, n) => (n > 1 ? `${a.name} (part ${p})` : a.name), favoritesTitle: () => 'F', describe: (k) => k, newId: () => `id-${ids++}`, onChange: () => {}, onAttention: () => {}, keepAlive: { hold: () => () => {} } });
  const t0 = Date.now();
  await engine.start(await source.listAlbums(), 'a', '1');
  for (let i = 0; i < 200; i++) { engine.kick(); await engine.idle(); const j = await engine.activeJob(); if (j?.status !== 'running' && j?.status !== 'planning') break; }
  console.log('took', Date.now() - t0, (await engine.activeJob())?.status, dest.albums.map((a) => [a.title, a.itemIds.length]));
}, 600_000);
