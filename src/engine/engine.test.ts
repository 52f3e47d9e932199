import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { repairCaptureDate } from '../fidelity/repair.ts';
import { baseJpeg } from '../fidelity/test-support.ts';
import { RetryDelays } from '../google/backoff.ts';
import { classifyFailure, malformedSuccess } from '../google/errors.ts';
import type { Clock } from '../shared/clock.ts';
import { MigrationError } from '../shared/errors.ts';
import { DEFAULT_SETTINGS } from '../shared/messages.ts';
import type { SourceItem } from '../shared/model.ts';
import { readApiData } from '../xiaomi/envelope.ts';
import { type EngineDb, inState, openEngineDb, updateItem } from './db.ts';
import { Engine, type EngineDeps } from './engine.ts';
import { TRANSIENT_RETRIES } from './policy.ts';
import type { DestinationPort } from './ports.ts';
import { killProxy } from './testing/kill-proxy.ts';
import { MemoryDestination, MemorySource, makeItem, sha1Hex } from './testing/memory-ports.ts';

let dbCount = 0;

class TestClock implements Clock {
  offset = 0;
  now = () => Date.now() + this.offset;
  sleep = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    this.offset += ms;
    await new Promise((r) => setImmediate(r));
  };
}

function preflight(item: SourceItem) {
  if (item.size === 0) return new MigrationError('empty-file', 'empty');
  if (item.type === 'image' && item.size > 200 * 1024 * 1024)
    return new MigrationError('photo-too-large', 'too large');
  return undefined;
}

interface Rig {
  db: EngineDb;
  source: MemorySource;
  dest: MemoryDestination;
  clock: TestClock;
  keepAliveHeld: number;
  engine(destination?: DestinationPort, extra?: Partial<EngineDeps>): Engine;
}

let rig: Rig;

beforeEach(async () => {
  const db = await openEngineDb(`engine-test-${dbCount++}`);
  const source = new MemorySource();
  const dest = new MemoryDestination();
  const clock = new TestClock();
  rig = {
    db,
    source,
    dest,
    clock,
    keepAliveHeld: 0,
    engine(destination = dest, extra = {}) {
      let ids = 0;
      return new Engine({
        repairCaptureDate: (bytes, item) => repairCaptureDate(bytes, item, { enabled: true }),
        db: rig.db,
        source: rig.source,
        destination,
        clock,
        settings: async () => DEFAULT_SETTINGS,
        preflight,
        albumTitle: (album, part, parts) => (parts > 1 ? `${album.name} (part ${part})` : album.name),
        favoritesTitle: () => 'Favorites (Xiaomi)',
        describe: (kind) => kind,
        newId: () => `id-${Date.now()}-${ids++}`,
        onChange: () => undefined,
        onAttention: () => undefined,
        keepAlive: {
          hold: () => {
            rig.keepAliveHeld += 1;
            return () => {
              rig.keepAliveHeld -= 1;
            };
          },
        },
        ...extra,
      });
    },
  };
});

afterEach(() => rig.db.close());

/** Two albums; item 003 is in both; item 004 is above the raw limit and goes resumable. */
function seedLibrary() {
  const a1 = makeItem('24886749771200001', '1', 1200);
  const a2 = makeItem('24886749771200002', '1', 3000, { isFavorite: true });
  const shared = makeItem('24886749771200003', '1', 900);
  const big = makeItem('24886749771200004', '31415926535897932', 10_000, {
    type: 'video',
    mimeType: 'video/mp4',
  });
  const b1 = makeItem('24886749771200005', '31415926535897932', 800, { fileName: 'IMG_0001.jpg' });
  rig.source.addAlbum({ id: '1', name: 'Camera', system: 'camera', mediaCount: 0, lastUpdateTime: 0 }, [
    a1,
    a2,
    shared,
  ]);
  rig.source.addAlbum({ id: '31415926535897932', name: 'Trip 2024', mediaCount: 0, lastUpdateTime: 0 }, [
    shared,
    big,
    b1,
  ]);
  return [a1, a2, shared, big, b1];
}

async function runToEnd(engine: Engine) {
  for (let i = 0; i < 20; i++) {
    engine.kick();
    await engine.idle();
    const job = await engine.activeJob();
    if (job && job.status !== 'running' && job.status !== 'planning') return job;
  }
  return engine.activeJob();
}

async function startAll(engine: Engine) {
  return engine.start(await rig.source.listAlbums(), 'account-1', '123');
}

function albumByTitle(title: string) {
  return rig.dest.albums.find((a) => a.title === title);
}

describe('a full job', () => {
  it('moves every item once, with identical bytes, into every album it was in, and verifies', async () => {
    const library = seedLibrary();
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);

    expect(job?.status).toBe('done');
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
    const camera = albumByTitle('Camera')!;
    const trip = albumByTitle('Trip 2024')!;
    const shared = rig.dest.items.find((i) => i.sha1 === library[2]!.item.sha1)!;
    expect(camera.itemIds).toHaveLength(3);
    expect(trip.itemIds).toHaveLength(3);
    expect(camera.itemIds).toContain(shared.id);
    expect(trip.itemIds).toContain(shared.id);
    // The favourite also lands in the favourites album.
    const favourite = rig.dest.items.find((i) => i.sha1 === library[1]!.item.sha1)!;
    expect(albumByTitle('Favorites (Xiaomi)')?.itemIds).toEqual([favourite.id]);
    // The video went resumable: one start, ceil(10000 / 4096) chunks.
    expect(rig.dest.calls.start).toBe(1);
    expect(rig.dest.calls.chunk).toBe(3);
    expect(rig.dest.calls.raw).toBe(4);
    const albums = await engine.albums(job!.id);
    expect(albums.filter((a) => a.xiaomiAlbumId !== 'favorites').every((a) => a.verified)).toBe(true);
    const receipt = await engine.receipt();
    expect(receipt).toHaveLength(5);
    expect(receipt.every((r) => r.state === 'done' && r.googleMediaItemId)).toBe(true);
    expect(rig.keepAliveHeld).toBe(0);
  });

  it('does not move again what an earlier job moved for the same Google account', async () => {
    seedLibrary();
    const first = rig.engine();
    await startAll(first);
    await runToEnd(first);
    const uploads = rig.dest.calls.raw + rig.dest.calls.start;
    const newcomer = makeItem('24886749771200009', '1', 700);
    rig.source.albumItems.get('1')!.push(newcomer.item);
    rig.source.bytes.set(newcomer.item.id, newcomer.bytes);

    const second = rig.engine();
    await startAll(second);
    const job = await runToEnd(second);

    expect(job?.status).toBe('done');
    expect(rig.dest.calls.raw + rig.dest.calls.start).toBe(uploads + 1);
    expect(rig.dest.items).toHaveLength(6);
    // The albums of the first job are reused, not duplicated.
    expect(rig.dest.albums.filter((a) => a.title === 'Camera')).toHaveLength(1);
    expect(albumByTitle('Camera')!.itemIds).toHaveLength(4);
  });

  it('skips empty files before any byte is sent and says why', async () => {
    const empty = makeItem('24886749771200011', '1', 0);
    const ok = makeItem('24886749771200012', '1', 100);
    rig.source.addAlbum({ id: '1', name: 'Camera', mediaCount: 0, lastUpdateTime: 0 }, [empty, ok]);
    const engine = rig.engine();
    await startAll(engine);
    await runToEnd(engine);
    const receipt = await engine.receipt();
    expect(receipt.find((r) => r.xiaomiId === empty.item.id)).toMatchObject({
      state: 'skipped',
      reasonKind: 'empty-file',
    });
    expect(rig.source.calls.download).toBe(1);
    expect((await engine.albums((await engine.activeJob())!.id))[0]?.verified).toBe(true);
  });
});

describe('exactly once across faults', () => {
  it('a new run lets the batchCreate the last run left on the wire land before it reconciles', async () => {
    // Fifty uploads start a batch in the background; the next upload meets an expired sign-in
    // and ends the run while the batch is still on the wire (chaos token-expiry, seed 239489).
    const library = Array.from({ length: 60 }, (_, n) =>
      makeItem(`248867497713${String(n).padStart(5, '0')}`, '1', 100),
    );
    rig.source.addAlbum(
      { id: '1', name: 'Camera', system: 'camera', mediaCount: 0, lastUpdateTime: 0 },
      library,
    );
    let release = () => {};
    const onTheWire = new Promise<void>((resolve) => {
      release = resolve;
    });
    const realBatchCreate = rig.dest.batchCreate.bind(rig.dest);
    let batches = 0;
    rig.dest.batchCreate = async (albumId, entries) => {
      if (batches++ === 0) await onTheWire;
      return realBatchCreate(albumId, entries);
    };
    const realUpload = rig.dest.uploadRaw.bind(rig.dest);
    let uploads = 0;
    rig.dest.uploadRaw = async (meta, body) => {
      // At most six uploads run at once: by the 57th call fifty have landed.
      if (++uploads === 57) throw new MigrationError('google-signin-needed', 'silent renewal failed');
      return realUpload(meta, body);
    };
    const engine = rig.engine();
    await startAll(engine);
    await engine.idle();
    expect((await engine.activeJob())?.pause?.kind).toBe('google-signin-needed');
    await vi.waitUntil(() => batches === 1);

    // The person signs in again.
    await engine.resume();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rig.dest.calls.albumItems).toBe(0);
    release();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(60);
    expect(new Set(rig.dest.items.map((i) => i.sha1)).size).toBe(60);
  });

  it("keeps a batch's outcome when a reconciliation that listed the album before it landed settles later", async () => {
    seedLibrary();
    // The first batch's answer is lost before Google acted: the committer reconciles at once.
    rig.dest.faults.batchCreate = [new TypeError('Failed to fetch')];
    const engine = rig.engine();
    const realAlbumItems = rig.dest.albumItems.bind(rig.dest);
    let landed = false;
    rig.dest.albumItems = async (albumId) => {
      const listed = await realAlbumItems(albumId);
      if (!landed) {
        landed = true;
        // Right after the listing, another step's batch with one of these items lands and is recorded.
        const job = (await engine.activeJob())!;
        const range = inState(job.id, 'creating');
        const [item] = await rig.db.getAllFromIndex('items', 'byState', range);
        const [result] = await rig.dest.batchCreate(albumId, [
          { uploadToken: item!.uploadToken!, fileName: item!.fileName },
        ]);
        if (result?.kind !== 'created') throw new Error('the landing batch made nothing');
        await updateItem(rig.db, job.id, item!.id, (it) => ({
          ...it,
          state: 'created',
          mediaItemId: result.mediaItemId,
          inGoogleAlbums: [albumId],
        }));
      }
      return listed;
    };
    await startAll(engine);
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(landed).toBe(true);
    expect(rig.dest.items).toHaveLength(5);
    expect(new Set(rig.dest.items.map((i) => i.sha1)).size).toBe(5);
  });

  it('does not duplicate when a batchCreate response is lost after Google created the items', async () => {
    const library = seedLibrary();
    rig.dest.loseNextBatchResponse = new TypeError('Failed to fetch');
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(library.length);
    expect(rig.dest.calls.albumItems).toBeGreaterThan(0);
  });

  /**
   * Kills the engine at every call to either cloud in turn (before the call, or after it took
   * effect): the database connection closes at that instant, so nothing more is written, and
   * every later call hangs. A fresh engine on a new connection must then finish the job with
   * every item present once and no album twice, as after a service-worker stop.
   */
  it.each(['before', 'after'] as const)('survives a stop %s any call to either cloud', async (when) => {
    const library = seedLibrary();
    // The dead engine's storage errors are expected here; keep the output readable.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let lastKill = 0;
    for (let killAt = 1; ; killAt++) {
      const dbName = `engine-kill-${when}-${killAt}-${dbCount++}`;
      rig.db.close();
      rig.db = await openEngineDb(dbName);
      rig.dest = new MemoryDestination();
      const kill = killProxy({
        killAt,
        when,
        onKill: () => rig.db.close(),
        untouched: ['accountKey'],
      });
      const realSource = rig.source;
      rig.source = kill.dying(realSource);
      const first = rig.engine(kill.dying(rig.dest));
      await startAll(first).catch(() => undefined);
      // Either the first engine finishes (the kill point lies beyond the job) or it is killed.
      await Promise.race([first.idle(), kill.killedNow]);
      rig.source = realSource;
      if (!kill.killed) break;
      lastKill = killAt;
      rig.db = await openEngineDb(dbName);
      const second = rig.engine(rig.dest);
      if (!(await second.activeJob())) {
        await startAll(second);
      }
      await second.tick();
      const job = await runToEnd(second);
      const label = `kill ${when} call ${killAt}`;
      expect(job?.status, label).toBe('done');
      expect(rig.dest.items.map((i) => i.sha1).sort(), label).toEqual(library.map((l) => l.item.sha1).sort());
      expect(new Set(rig.dest.albums.map((a) => a.title)).size, label).toBe(rig.dest.albums.length);
    }
    // The library needs dozens of calls; every one of them was a kill point.
    expect(lastKill).toBeGreaterThan(20);
  });

  it('resumes a resumable upload cut mid-chunk from Google’s count, not from zero', async () => {
    seedLibrary();
    rig.dest.cutNextChunk = true;
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    expect(rig.dest.calls.start).toBe(1);
    expect(rig.dest.calls.query).toBe(1);
    expect(rig.dest.calls.chunk).toBe(4);
  });

  it('re-creates an album the person deleted mid-job and puts its items back', async () => {
    seedLibrary();
    const engine = rig.engine();
    let deleted = false;
    const original = rig.dest.batchCreate.bind(rig.dest);
    rig.dest.batchCreate = async (albumId, entries) => {
      const camera = albumByTitle('Camera');
      if (!deleted && camera && camera.itemIds.length > 0 && albumId === camera.id) {
        deleted = true;
        rig.dest.deleteAlbumAsUser(camera.id);
      }
      return original(albumId, entries);
    };
    rig.source.pageSize = 1;
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(5);
    expect(albumByTitle('Camera')?.itemIds).toHaveLength(3);
  });
});

describe('items that fail', () => {
  it('retries a SHA-1 mismatch, then fails the item with that reason; retry failed finishes it', async () => {
    const library = seedLibrary();
    rig.source.corrupt.add(library[0]!.item.id);
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    const row = (await engine.receipt()).find((r) => r.xiaomiId === library[0]!.item.id);
    expect(row).toMatchObject({ state: 'failed', reasonKind: 'sha1-mismatch' });
    expect(
      rig.dest.items.some((i) => i.sha1 !== library.find((l) => l.item.sha1 === i.sha1)?.item.sha1),
    ).toBe(false);
    expect((await engine.albums(job!.id)).find((a) => a.xiaomiAlbumId === '1')?.verified).toBe(false);

    rig.source.corrupt.clear();
    await engine.retryFailed();
    const again = await runToEnd(engine);
    expect(again?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(5);
    expect((await engine.albums(job!.id)).find((a) => a.xiaomiAlbumId === '1')?.verified).toBe(true);
  });

  it('starts a resumable upload over after bytes corrupted early in transit, instead of failing it', async () => {
    const library = seedLibrary();
    const big = library[3]!.item;
    // In the first chunk: acknowledged by Google and folded into the saved hash state before the
    // mismatch shows at the end of the file.
    rig.source.corruptOnce.set(big.id, 100);
    const engine = rig.engine();
    await startAll(engine);
    expect((await runToEnd(engine))?.status).toBe('done');
    expect((await engine.receipt()).find((r) => r.xiaomiId === big.id)).toMatchObject({ state: 'done' });
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
  });

  it('skips an item deleted on Xiaomi after listing, and its albums, favourites too, still verify', async () => {
    const library = seedLibrary();
    // A favourite: in Camera and in the favourites album, whose count Xiaomi does not know; the
    // album still holds another favourite.
    const gone = library[1]!.item;
    library[4]!.item.isFavorite = true;
    rig.source.downloadFaults = [];
    const engine = rig.engine();
    const realOpen = rig.source.openDownload.bind(rig.source);
    rig.source.openDownload = async (item, options) => {
      if (item.id === gone.id) {
        const list = rig.source.albumItems.get('1')!;
        rig.source.albumItems.set(
          '1',
          list.filter((i) => i.id !== gone.id),
        );
        throw new MigrationError('xiaomi-item-deleted', 'code 50050');
      }
      return realOpen(item, options);
    };
    await startAll(engine);
    const job = await runToEnd(engine);
    expect((await engine.receipt()).find((r) => r.xiaomiId === gone.id)).toMatchObject({
      state: 'skipped',
      reasonKind: 'xiaomi-item-deleted',
    });
    const albums = await engine.albums(job!.id);
    expect(albums.map((a) => [a.xiaomiAlbumId, a.verified])).toEqual(
      albums.map((a) => [a.xiaomiAlbumId, true]),
    );
    expect(albums.map((a) => a.xiaomiAlbumId)).toContain('favorites');
  });
});

describe('capture dates', () => {
  it('writes a missing capture date into a JPEG after verifying it, and the receipt says so', async () => {
    const bytes = baseJpeg();
    const item = { ...makeItem('24886749771200021', '1', bytes.length).item, sha1: sha1Hex(bytes) };
    rig.source.addAlbum({ id: '1', name: 'Camera', mediaCount: 0, lastUpdateTime: 0 }, [{ item, bytes }]);
    const engine = rig.engine();
    await startAll(engine);
    await runToEnd(engine);
    const [row] = await engine.receipt();
    expect(row).toMatchObject({ state: 'done', sha1: item.sha1, captureDateChange: 'exif-date-written' });
    expect(row?.uploadedSha1).not.toBe(item.sha1);
    expect(rig.dest.items[0]?.sha1).toBe(row?.uploadedSha1);
  });
});

describe('already in Google Photos', () => {
  it('skips, with the reason, an item Google says it already holds as an item of another app', async () => {
    const library = seedLibrary();
    rig.dest.inLibraryElsewhere.add(library[0]!.item.sha1);
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    expect((await engine.receipt()).find((r) => r.xiaomiId === library[0]!.item.id)).toMatchObject({
      state: 'skipped',
      reasonKind: 'google-already-in-library',
    });
    expect(rig.dest.items).toHaveLength(4);
  });
});

describe('waiting and resuming', () => {
  it('waits for the quota day after a daily-quota error and goes on by itself after it', async () => {
    seedLibrary();
    const resumeAt = rig.clock.now() + 3_600_000;
    rig.dest.faults.raw = [new MigrationError('google-quota-daily', 'All requests per day', { resumeAt })];
    const engine = rig.engine();
    await startAll(engine);
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('waiting');
    expect((await engine.activeJob())?.pause).toMatchObject({
      kind: 'google-quota-daily',
      resumesByItself: true,
    });
    await engine.tick();
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('waiting');
    rig.clock.offset += 3_600_000;
    await engine.tick();
    const job = await runToEnd(engine);
    // It looked again after 30 minutes (still refused) and went on after the reset.
    expect(rig.dest.calls.raw).toBeGreaterThan(4);
    expect(job?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(5);
  });

  it('waits while the Xiaomi session is gone and resumes when it is back', async () => {
    seedLibrary();
    const engine = rig.engine();
    rig.source.loggedIn = false;
    await startAll(engine);
    await engine.idle();
    expect((await engine.activeJob())?.pause?.kind).toBe('xiaomi-logged-out');
    await engine.tick();
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('waiting');
    rig.source.loggedIn = true;
    await engine.tick();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(5);
  });

  it('waits for the person when storage is full, and does not lose the uploaded items', async () => {
    seedLibrary();
    rig.dest.faults.batchCreate = [new MigrationError('google-storage-full', 'The remaining storage …')];
    const engine = rig.engine();
    await startAll(engine);
    await engine.idle();
    const waiting = await engine.activeJob();
    expect(waiting?.pause).toMatchObject({ kind: 'google-storage-full', resumesByItself: false });
    await engine.tick();
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('waiting');
    await engine.resume();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(5);
  });

  it('pauses and resumes on request, and cancel keeps the receipt', async () => {
    seedLibrary();
    const engine = rig.engine();
    await startAll(engine);
    await engine.pause();
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('paused');
    await engine.resume();
    expect((await runToEnd(engine))?.status).toBe('done');
    await engine.cancel();
    expect((await engine.activeJob())?.status).toBe('done');
    expect(await engine.receipt()).toHaveLength(5);
  });

  it('Pause stops a chunk on the wire at once, and Resume finishes the video from what Google holds', async () => {
    const [, , , big] = seedLibrary();
    rig.dest.chunksOnTheWire = new Promise(() => {});
    const engine = rig.engine();
    await startAll(engine);
    await vi.waitUntil(() => rig.dest.calls.chunk > 0);
    await engine.pause();
    // Without the abort this would wait for a chunk that never lands.
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('paused');

    rig.dest.chunksOnTheWire = undefined;
    await engine.resume();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items.filter((i) => i.sha1 === big!.item.sha1)).toHaveLength(1);
    expect(rig.dest.items).toHaveLength(5);
  });

  it('a Resume pressed while the paused run still winds down carries on at once, not at the next alarm', async () => {
    seedLibrary();
    // The first upload settles only when released, as a request still on the wire when Pause is
    // pressed does: the paused run cannot end before then.
    let release = () => {};
    const onTheWire = new Promise<void>((resolve) => {
      release = resolve;
    });
    const realUpload = rig.dest.uploadRaw.bind(rig.dest);
    let uploading = false;
    rig.dest.uploadRaw = async (meta, body) => {
      uploading = true;
      await onTheWire;
      return realUpload(meta, body);
    };
    const engine = rig.engine();
    await startAll(engine);
    await vi.waitUntil(() => uploading);
    await engine.pause();
    setTimeout(release, 50);
    await engine.resume();
    // No kick and no tick: the run Resume started must finish the job by itself.
    await engine.idle();
    expect((await engine.activeJob())?.status).toBe('done');
  });
});

/** A web server's error page, as proxies and maintenance windows send it where JSON belongs. */
const HTML_PAGE = '<!DOCTYPE html><html><title>502 Bad Gateway</title><body>nginx</body></html>';

/** The error the Google client makes of an HTML error page (src/google/errors.ts). */
function googleHtmlError(status: number): MigrationError {
  const exchange = { status, body: HTML_PAGE, contentType: 'text/html', retryAfter: null };
  return classifyFailure(exchange, {
    operation: 'upload',
    scope: 'appendonly',
    now: Date.now(),
    delays: new RetryDelays(() => 0),
  });
}

/** The error the Xiaomi client makes of an HTML page where its JSON belongs (src/xiaomi/envelope.ts). */
async function xiaomiHtmlError(): Promise<MigrationError> {
  const error = await readApiData(new Response(HTML_PAGE, { status: 200 }), '/gallery/user/galleries').catch(
    (e: unknown) => e,
  );
  if (!(error instanceof MigrationError)) throw new Error('expected the Xiaomi client to refuse the page');
  return error;
}

describe('bad inputs', () => {
  it('splits an album one item over Google’s limit into numbered parts, each verified on its own', async () => {
    // 5 items at a limit of 4 stand for 20,001 at Google's 20,000 (google-photos-api.md §C3).
    const items = [1, 2, 3, 4, 5].map((n) => makeItem(`2488674977120010${n}`, '7', 100 + n));
    rig.source.addAlbum({ id: '7', name: 'Big', mediaCount: 0, lastUpdateTime: 0 }, items);
    const engine = rig.engine(rig.dest, { maxAlbumItems: 4 });
    await startAll(engine);
    const job = await runToEnd(engine);

    expect(job?.status).toBe('done');
    expect(rig.dest.albums.map((a) => [a.title, a.itemIds.length])).toEqual([
      ['Big (part 1)', 4],
      ['Big (part 2)', 1],
    ]);
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(items.map((i) => i.item.sha1).sort());
    const parts = (await engine.albums(job!.id)).sort((a, b) => a.part - b.part);
    expect(parts.map((p) => [p.part, p.verified, p.verification])).toEqual([
      [1, true, { receipt: 4, xiaomi: 4, google: 4 }],
      [2, true, { receipt: 1, xiaomi: 1, google: 1 }],
    ]);
  });

  it('does not verify a part whose Google album lacks one of its items, though the total adds up', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => makeItem(`2488674977120011${n}`, '7', 100 + n));
    rig.source.addAlbum({ id: '7', name: 'Big', mediaCount: 0, lastUpdateTime: 0 }, items);
    const engine = rig.engine(rig.dest, { maxAlbumItems: 4 });
    await startAll(engine);
    const realGetAlbum = rig.dest.getAlbum.bind(rig.dest);
    // Google counts one item fewer in part 1 and one more in part 2: the sum would hide it.
    rig.dest.getAlbum = async (albumId) => {
      const album = await realGetAlbum(albumId);
      const shift = album.title.endsWith('(part 1)') ? -1 : 1;
      return { ...album, mediaItemsCount: album.mediaItemsCount + shift };
    };
    const job = await runToEnd(engine);
    const parts = (await engine.albums(job!.id)).sort((a, b) => a.part - b.part);
    expect(parts.map((p) => p.verified)).toEqual([false, false]);
    expect(parts[0]?.verification).toEqual({ receipt: 4, xiaomi: 4, google: 3 });
  });

  it('finds an item named past 255 characters after a lost batchCreate answer, not creating it twice', async () => {
    const longName = `IMG_${'a'.repeat(300)}.jpg`;
    const item = makeItem('24886749771200031', '1', 700, { fileName: longName });
    rig.source.addAlbum({ id: '1', name: 'Camera', mediaCount: 0, lastUpdateTime: 0 }, [item]);
    rig.dest.loseNextBatchResponse = new TypeError('Failed to fetch');
    const engine = rig.engine();
    await startAll(engine);
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items).toHaveLength(1);
    expect(rig.dest.items[0]?.filename).toHaveLength(255);
    expect(rig.dest.items[0]?.filename.endsWith('.jpg')).toBe(true);
  });

  it('adopts an album whose title Google shortened when the answer to its creation was lost', async () => {
    const name = `旅行${'🏖️'.repeat(300)}`;
    rig.source.addAlbum({ id: '5', name, mediaCount: 0, lastUpdateTime: 0 }, [
      makeItem('24886749771200041', '5', 300),
    ]);
    const realCreate = rig.dest.createAlbum.bind(rig.dest);
    let lost = false;
    rig.dest.createAlbum = async (title) => {
      const album = await realCreate(title);
      if (lost) return album;
      lost = true;
      throw new TypeError('Failed to fetch');
    };
    const engine = rig.engine();
    await startAll(engine);
    // The lost answer reads as a dropped connection: the job waits, and the watchdog goes on.
    expect((await runToEnd(engine))?.pause?.kind).toBe('network-error');
    await engine.tick();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.albums).toHaveLength(1);
    expect(rig.dest.albums[0]?.itemIds).toHaveLength(1);
  });

  it('waits on an HTML page where Xiaomi’s JSON belongs, goes on by itself, and lists everything once', async () => {
    const library = seedLibrary();
    const realList = rig.source.listAlbumItems.bind(rig.source);
    const page = await xiaomiHtmlError();
    let refused = false;
    // The first album lists; the second answers with the page.
    rig.source.listAlbumItems = (albumId, fromPage) => {
      if (refused || albumId === '1') return realList(albumId, fromPage);
      refused = true;
      // The Xiaomi client tried again with back-off before giving this up (src/xiaomi/retry.ts).
      return (async function* () {
        yield* [];
        throw page;
      })();
    };
    const engine = rig.engine();
    await startAll(engine);
    await engine.idle();
    expect((await engine.activeJob())?.pause).toMatchObject({
      kind: 'xiaomi-malformed-response',
      resumesByItself: true,
    });
    await engine.tick();
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
  });

  it('fails an item Google keeps answering with an HTML error page, saying so; Retry failed moves it', async () => {
    const library = seedLibrary();
    const target = library[0]!.item;
    const realUpload = rig.dest.uploadRaw.bind(rig.dest);
    let refusals = 0;
    rig.dest.uploadRaw = async (meta, body) => {
      if (meta.sha1 !== target.sha1 || refusals > TRANSIENT_RETRIES) return realUpload(meta, body);
      refusals += 1;
      throw googleHtmlError(502);
    };
    const engine = rig.engine();
    await startAll(engine);
    const job = await runToEnd(engine);
    expect(job?.status).toBe('done');
    const row = (await engine.receipt()).find((r) => r.xiaomiId === target.id);
    expect(row).toMatchObject({ state: 'failed', reasonKind: 'google-server-error' });
    expect(row?.reason).toContain('an HTML page "502 Bad Gateway"');
    expect(rig.dest.items).toHaveLength(library.length - 1);

    await engine.retryFailed();
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
  });

  it('does not duplicate when a resent batchCreate meets the tokens its lost first send used up', async () => {
    // Chromium sends a POST again by itself when a reused connection is reset: the answer that
    // arrives is the resend's "invalid upload token", though the first send created the items.
    const library = seedLibrary();
    rig.dest.loseNextBatchResponse = new MigrationError(
      'google-upload-token-invalid',
      'Request must contain a valid upload token.',
    );
    const engine = rig.engine();
    await startAll(engine);
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
  });

  it('finds the items of a batchCreate answered with an HTML page, instead of creating them twice', async () => {
    const library = seedLibrary();
    rig.dest.loseNextBatchResponse = malformedSuccess('batchCreate', 'the body is not JSON', {
      contentType: 'text/html',
      body: HTML_PAGE,
    });
    const engine = rig.engine();
    await startAll(engine);
    expect((await runToEnd(engine))?.status).toBe('done');
    expect(rig.dest.items.map((i) => i.sha1).sort()).toEqual(library.map((l) => l.item.sha1).sort());
    expect(rig.dest.calls.albumItems).toBeGreaterThan(0);
  });
});
