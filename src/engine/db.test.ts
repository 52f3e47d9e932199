import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlbumCounts,
  type EngineDb,
  emptyCounts,
  type ItemRecord,
  openEngineDb,
  updateItem,
  writeItem,
} from './db.ts';
import { makeItem } from './testing/memory-ports.ts';

let db: EngineDb;
let dbCount = 0;
const JOB = 'job-1';
const CAMERA = { xiaomiAlbumId: '1', part: 1 };
const TRIP = { xiaomiAlbumId: '31415926535897932', part: 1 };

beforeEach(async () => {
  db = await openEngineDb(`db-test-${dbCount++}`);
  const tx = db.transaction(['jobs', 'albums'], 'readwrite');
  await tx.objectStore('jobs').put({
    id: JOB,
    createdAt: 0,
    status: 'running',
    accountKey: 'account-1',
    xiaomiUserId: '1',
    albumIds: ['1', TRIP.xiaomiAlbumId],
    nextSeq: 0,
    counts: emptyCounts(),
  });
  for (const ref of [CAMERA, TRIP]) {
    await tx.objectStore('albums').put({
      jobId: JOB,
      ...ref,
      name: ref.xiaomiAlbumId,
      xiaomiCount: 1,
      title: ref.xiaomiAlbumId,
      counts: emptyCounts(),
    });
  }
  await tx.done;
});

afterEach(() => db.close());

async function plan(id: string, size: number, albums = [CAMERA]): Promise<void> {
  const { item } = makeItem(id, albums[0]!.xiaomiAlbumId, size);
  const record: ItemRecord = {
    ...item,
    jobId: JOB,
    seq: 0,
    albums,
    extraAlbums: [],
    state: 'planned',
    attempts: 0,
    inGoogleAlbums: [],
    updatedAt: 0,
  };
  const tx = db.transaction(['items', 'albums', 'jobs'], 'readwrite');
  await writeItem(tx, undefined, record);
  await tx.done;
}

const jobCounts = async (): Promise<AlbumCounts> => (await db.get('jobs', JOB))!.counts;
const albumCounts = async (ref: typeof CAMERA): Promise<AlbumCounts> =>
  (await db.get('albums', [JOB, ref.xiaomiAlbumId, ref.part]))!.counts;
const set = (id: string, change: Partial<ItemRecord>) =>
  updateItem(db, JOB, id, (it) => ({ ...it, ...change }));

describe('the counters beside the items', () => {
  it('count the bytes Google holds as they move, before the batch that makes them media items', async () => {
    await plan('24886749771200001', 20_000, [CAMERA, TRIP]);
    await plan('24886749771200002', 1_000);
    const upload = { sessionUrl: 'https://upload', createdAt: 0, granularity: 1024, offset: 0 };

    await set('24886749771200001', { state: 'transferring', upload });
    await set('24886749771200001', { upload: { ...upload, offset: 8_192 } });
    expect(await jobCounts()).toMatchObject({ bytesTotal: 21_000, bytesSent: 8_192, bytesDone: 0 });
    // An item in two albums moves both albums' counters.
    expect((await albumCounts(TRIP)).bytesSent).toBe(8_192);

    await set('24886749771200001', { state: 'uploaded', upload: undefined, uploadToken: 'token' });
    await set('24886749771200002', { state: 'skipped', reasonKind: 'empty-file' });
    expect(await jobCounts()).toMatchObject({ bytesSent: 20_000, bytesSettled: 1_000, bytesDone: 0 });
    expect((await jobCounts()).items).toMatchObject({ uploaded: 1, skipped: 1, planned: 0 });

    await set('24886749771200001', { state: 'done' });
    expect(await jobCounts()).toMatchObject({ bytesSent: 20_000, bytesDone: 20_000 });
    expect(await albumCounts(CAMERA)).toMatchObject({
      bytesTotal: 21_000,
      bytesSent: 20_000,
      bytesSettled: 1_000,
    });
  });

  it('take the bytes back when a stale upload has to start again', async () => {
    await plan('24886749771200003', 5_000);
    await set('24886749771200003', { state: 'uploaded', uploadToken: 'token' });
    // Tokens older than 23 h go back to planned (src/engine/README.md).
    await set('24886749771200003', { state: 'planned', uploadToken: undefined });
    expect(await jobCounts()).toMatchObject({ bytesSent: 0, bytesSettled: 0, bytesTotal: 5_000 });
  });
});
