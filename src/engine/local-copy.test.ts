import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Downloads } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import type { SourceAlbum } from '../shared/model.ts';
import { type EngineDb, emptyCounts, type ItemRecord, openEngineDb } from './db.ts';
import { LOCAL_COPY_ATTEMPTS, LOCAL_COPY_PARALLEL, LocalCopier } from './local-copy.ts';
import { killProxy } from './testing/kill-proxy.ts';
import { MemoryDownloads, MemorySource, makeItem } from './testing/memory-ports.ts';

let dbCount = 0;

const clock: Clock = { now: () => Date.now(), sleep: async () => undefined };

interface Rig {
  db: EngineDb;
  source: MemorySource;
  browser: MemoryDownloads;
  /** A copier as a fresh service worker builds it, on the current connection. */
  copier(downloads?: Downloads): LocalCopier;
}

let rig: Rig;

beforeEach(async () => {
  const source = new MemorySource();
  const browser = new MemoryDownloads(source);
  rig = {
    db: await openEngineDb(`local-copy-${dbCount++}`),
    source,
    browser,
    copier(downloads = rig.browser) {
      let ids = 0;
      const copier = new LocalCopier({
        db: rig.db,
        source: rig.source,
        downloads,
        clock,
        newId: () => `copy-${dbCount}-${ids++}`,
        folderTitle: (album) => (album.system === 'camera' ? 'Camera' : album.name || 'Untitled album'),
        describe: (kind) => kind,
        onChange: () => undefined,
        keepAlive: { hold: () => () => undefined },
      });
      // As the background wires it: every change of a download wakes the copier.
      downloads.onChanged(() => copier.kick());
      return copier;
    },
  };
});

afterEach(() => rig.db.close());

function album(id: string, name: string, items: ReturnType<typeof makeItem>[]): SourceAlbum {
  rig.source.addAlbum({ id, name, mediaCount: items.length, lastUpdateTime: 0 }, items);
  return rig.source.albumList.at(-1)!;
}

/** Lets the browser finish what it was asked for, again and again, until the copy stops moving. */
async function runToEnd(copier: LocalCopier) {
  for (let round = 0; round < 50; round++) {
    await copier.idle();
    const status = (await copier.record())?.status;
    if (status !== 'listing' && status !== 'running') break;
    rig.browser.finishAll();
    copier.kick();
  }
  await copier.idle();
  return copier.view();
}

const bytesOf = (item: ReturnType<typeof makeItem>) => item.bytes;

describe('saving albums to disk', () => {
  it('saves one folder per album with the original names and bytes, same names kept apart', async () => {
    const shared = makeItem('24886749771200001', '5', 1200);
    const first = makeItem('24886749771200002', '5', 800, { fileName: 'IMG_0001.jpg' });
    const second = makeItem('24886749771200003', '5', 900, { fileName: 'img_0001.JPG' });
    const video = makeItem('24886749771200004', '6', 3000, { fileName: 'VID 1.mp4', type: 'video' });
    const trips = [album('5', 'Trip', [shared, first, second]), album('6', 'Trip', [shared, video])];
    const copier = rig.copier();
    await copier.startAlbums(trips);
    await copier.idle();
    // A few at a time: the signed links must not wait in the browser's queue.
    expect([...rig.browser.downloads.values()].filter((d) => d.state === 'in_progress')).toHaveLength(
      LOCAL_COPY_PARALLEL,
    );

    const view = await runToEnd(copier);
    expect([...rig.browser.files.keys()].sort()).toEqual(
      [
        'Mi Cloud/Trip (2)/IMG_0001.jpg',
        'Mi Cloud/Trip (2)/VID 1.mp4',
        'Mi Cloud/Trip/IMG_0001 (2).jpg',
        'Mi Cloud/Trip/IMG_0001.jpg',
        'Mi Cloud/Trip/img_0001 (3).JPG',
      ].sort(),
    );
    expect(rig.browser.files.get('Mi Cloud/Trip/IMG_0001.jpg')).toEqual(bytesOf(shared));
    expect(rig.browser.files.get('Mi Cloud/Trip/IMG_0001 (2).jpg')).toEqual(bytesOf(first));
    expect(rig.browser.files.get('Mi Cloud/Trip/img_0001 (3).JPG')).toEqual(bytesOf(second));
    expect(rig.browser.files.get('Mi Cloud/Trip (2)/VID 1.mp4')).toEqual(bytesOf(video));
    expect(view).toMatchObject({
      status: 'done',
      total: 5,
      done: 5,
      failed: 0,
      bytesDone: 1200 * 2 + 800 + 900 + 3000,
    });
  });

  it('reports a file whose saved size differs from the listing’s, and saves the rest', async () => {
    const short = makeItem('24886749771200011', '5', 1000);
    const whole = makeItem('24886749771200012', '5', 1000);
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [short, whole])]);
    rig.browser.outcomes = [{ bytes: short.bytes.subarray(0, 600) }];
    const view = await runToEnd(copier);
    expect(view).toMatchObject({ status: 'done', total: 2, done: 1, failed: 1 });
    expect(view?.failures).toEqual([
      {
        fileName: short.item.fileName,
        folder: 'Trip',
        reasonKind: 'download-size-mismatch',
        reason: 'saved 600 bytes, Xiaomi lists 1000',
      },
    ]);
  });

  it('tries an interrupted download again with a new link, then fails it with the browser’s reason', async () => {
    const item = makeItem('24886749771200021', '5', 500);
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [item])]);
    rig.browser.outcomes = Array.from({ length: LOCAL_COPY_ATTEMPTS }, () => ({ error: 'NETWORK_FAILED' }));
    const view = await runToEnd(copier);
    expect(rig.source.calls.sign).toBe(LOCAL_COPY_ATTEMPTS);
    expect(rig.browser.files.size).toBe(0);
    expect(view?.failures).toEqual([
      expect.objectContaining({
        reasonKind: 'download-failed',
        reason: 'the browser stopped: NETWORK_FAILED',
      }),
    ]);
  });

  it('fails an item deleted on Xiaomi and one the browser refuses, with reasons, and saves the rest', async () => {
    const gone = makeItem('24886749771200031', '5', 100);
    const refused = makeItem('24886749771200032', '5', 100);
    const kept = makeItem('24886749771200033', '5', 100);
    rig.source.deleted.add(gone.item.id);
    rig.browser.refuseNext = new Error('Invalid filename');
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [gone, refused, kept])]);
    const view = await runToEnd(copier);
    expect(view).toMatchObject({ status: 'done', done: 1, failed: 2 });
    expect(view?.failures.map((f) => [f.fileName, f.reasonKind, f.reason])).toEqual([
      [gone.item.fileName, 'xiaomi-item-deleted', 'code 50050'],
      [refused.item.fileName, 'download-failed', 'Invalid filename'],
    ]);
    expect([...rig.browser.files.values()]).toEqual([kept.bytes]);
  });
});

describe('waiting', () => {
  it('waits for the person when the disk is full, and goes on after Resume without losing the file', async () => {
    const item = makeItem('24886749771200041', '5', 700);
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [item])]);
    rig.browser.outcomes = [{ error: 'FILE_NO_SPACE' }];
    const waiting = await runToEnd(copier);
    expect(waiting).toMatchObject({
      status: 'waiting',
      pause: { kind: 'download-disk-full', resumesByItself: false },
    });
    await copier.tick();
    expect((await copier.record())?.status).toBe('waiting');

    await copier.resume();
    expect(await runToEnd(copier)).toMatchObject({ status: 'done', done: 1, failed: 0 });
    expect([...rig.browser.files.values()]).toEqual([item.bytes]);
  });

  it('waits while the Xiaomi session is gone and goes on by itself once it is back', async () => {
    const item = makeItem('24886749771200051', '5', 700);
    rig.source.loggedIn = false;
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [item])]);
    expect(await runToEnd(copier)).toMatchObject({
      status: 'waiting',
      pause: { kind: 'xiaomi-logged-out', resumesByItself: true },
    });
    await copier.tick();
    expect((await copier.record())?.status).toBe('waiting');
    rig.source.loggedIn = true;
    await copier.tick();
    expect(await runToEnd(copier)).toMatchObject({ status: 'done', done: 1 });
  });

  it('lists on from the page it stopped at, planning no file twice', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => makeItem(`2488674977120006${n}`, '5', 100 + n));
    const trip = album('5', 'Trip', items);
    const realList = rig.source.listAlbumItems.bind(rig.source);
    let cut = false;
    rig.source.listAlbumItems = async function* (albumId, fromPage) {
      for await (const page of realList(albumId, fromPage)) {
        if (page.pageNum === 1 && !cut) {
          cut = true;
          throw new TypeError('Failed to fetch');
        }
        yield page;
      }
    };
    const copier = rig.copier();
    await copier.startAlbums([trip]);
    expect(await runToEnd(copier)).toMatchObject({ status: 'waiting', pause: { kind: 'network-error' } });
    await copier.tick();
    expect(await runToEnd(copier)).toMatchObject({ status: 'done', total: 5, done: 5 });
    expect(rig.browser.files.size).toBe(5);
  });
});

describe('a stop at any moment', () => {
  /**
   * Stops the worker at every call to the browser or to Xiaomi in turn, before the call or once it
   * took effect: the connection closes there, so nothing more is written. A copier on a new
   * connection must then finish with every file on disk exactly once.
   */
  it.each(['before', 'after'] as const)('saves each file once after a stop %s any call', async (when) => {
    const items = [1, 2, 3, 4].map((n) => makeItem(`2488674977120007${n}`, '5', 300 + n));
    const trip = album('5', 'Trip', items);
    // The dead copier's storage errors are expected here; keep the output readable.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let lastKill = 0;
    for (let killAt = 1; ; killAt++) {
      const name = `local-copy-kill-${when}-${killAt}-${dbCount++}`;
      rig.db.close();
      rig.db = await openEngineDb(name);
      rig.browser = new MemoryDownloads(rig.source);
      const kill = killProxy({
        killAt,
        when,
        onKill: () => rig.db.close(),
        untouched: ['onChanged'],
      });
      const realSource = rig.source;
      rig.source = kill.dying(realSource);
      const first = rig.copier(kill.dying(rig.browser));
      await first.startAlbums([trip]);
      await Promise.race([runToEnd(first), kill.killedNow]);
      rig.source = realSource;
      if (!kill.killed) break;
      lastKill = killAt;
      rig.db = await openEngineDb(name);
      const second = rig.copier();
      await second.tick();
      const view = await runToEnd(second);
      const label = `stop ${when} call ${killAt}`;
      expect(view?.status, label).toBe('done');
      expect([...rig.browser.files.keys()].sort(), label).toEqual(
        items.map((i) => `Mi Cloud/Trip/${i.item.fileName}`).sort(),
      );
      for (const item of items)
        expect(rig.browser.files.get(`Mi Cloud/Trip/${item.item.fileName}`), label).toEqual(item.bytes);
    }
    expect(lastKill).toBeGreaterThan(8);
  });
});

describe('the failed and skipped items of a migration', () => {
  it('saves just those, into the folders of every album they were in', async () => {
    const jobId = 'job-1';
    const items = [
      makeItem('24886749771200081', '1', 100),
      makeItem('24886749771200082', '1', 200),
      makeItem('24886749771200083', '9', 300),
      makeItem('24886749771200084', '9', 400),
    ];
    rig.source.addAlbum(
      { id: '1', name: '', system: 'camera', mediaCount: 2, lastUpdateTime: 0 },
      items.slice(0, 2),
    );
    rig.source.addAlbum({ id: '9', name: 'Trip/2024', mediaCount: 2, lastUpdateTime: 0 }, items.slice(2));
    const states = ['done', 'failed', 'skipped', 'done'] as const;
    for (const [albumId, name, system] of [
      ['1', '', 'camera'],
      ['9', 'Trip/2024', undefined],
    ] as const) {
      await rig.db.put('albums', {
        jobId,
        xiaomiAlbumId: albumId,
        part: 1,
        name,
        system,
        xiaomiCount: 2,
        title: name,
        counts: emptyCounts(),
      });
    }
    for (const [n, { item }] of items.entries()) {
      const record: ItemRecord = {
        ...item,
        jobId,
        seq: n,
        // The failed one was in both albums.
        albums:
          n === 1
            ? [
                { xiaomiAlbumId: '1', part: 1 },
                { xiaomiAlbumId: '9', part: 1 },
              ]
            : [{ xiaomiAlbumId: item.albumId, part: 1 }],
        extraAlbums: [],
        state: states[n]!,
        attempts: 0,
        inGoogleAlbums: [],
        updatedAt: 0,
        ...(states[n] === 'done' ? {} : { reasonKind: 'photo-too-large' as const, reason: 'too large' }),
      };
      await rig.db.put('items', record);
    }
    const copier = rig.copier();
    expect(await copier.startLeftovers(jobId)).toBe(2);
    const view = await runToEnd(copier);
    expect(view).toMatchObject({ status: 'done', total: 3, done: 3 });
    expect(new Map(rig.browser.files)).toEqual(
      new Map([
        [`Mi Cloud/Camera/${items[1]!.item.fileName}`, items[1]!.bytes],
        [`Mi Cloud/Trip_2024/${items[1]!.item.fileName}`, items[1]!.bytes],
        [`Mi Cloud/Trip_2024/${items[2]!.item.fileName}`, items[2]!.bytes],
      ]),
    );
  });

  it('starts nothing when nothing failed or was skipped', async () => {
    const copier = rig.copier();
    expect(await copier.startLeftovers('job-none')).toBe(0);
    expect(await copier.view()).toBeUndefined();
  });
});

describe('stopping', () => {
  it('keeps the files already saved, counts them, and removes what was half-written', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => makeItem(`2488674977120009${n}`, '5', 100 + n));
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', items)]);
    await copier.idle();
    rig.browser.finish(1);
    await copier.idle();
    await copier.cancel();
    await copier.idle();
    expect(await copier.view()).toMatchObject({ status: 'cancelled', done: 1 });
    const states = [...rig.browser.downloads.values()].map((d) => [d.state, d.error]);
    expect(states).toEqual([
      ['complete', undefined],
      ...Array.from({ length: LOCAL_COPY_PARALLEL }, () => ['interrupted', 'USER_CANCELED']),
    ]);
    expect(rig.browser.files.size).toBe(1);
  });
});

describe('a new local copy', () => {
  it('is refused while one is under way, and replaces the list of a finished one', async () => {
    const item = makeItem('24886749771200101', '5', 100);
    const copier = rig.copier();
    await copier.startAlbums([album('5', 'Trip', [item])]);
    expect(await copier.busy()).toBe(true);
    await runToEnd(copier);
    expect(await copier.busy()).toBe(false);
    await copier.startAlbums(rig.source.albumList);
    expect(await runToEnd(copier)).toMatchObject({ status: 'done', total: 1, done: 1 });
    // Chrome numbers the second copy of the name, rather than writing over the first.
    expect([...rig.browser.files.keys()].sort()).toEqual([
      'Mi Cloud/Trip/IMG_0101 (1).jpg',
      'Mi Cloud/Trip/IMG_0101.jpg',
    ]);
  });
});
