/**
 * Downloads of originals (xiaomi-api.md §6) against the fake Xiaomi Cloud: the three steps, SHA-1
 * checked as the bytes pass, the error answers, and a download cut mid-body resumed from a saved
 * hash state whether the storage host honours Range or not.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../../src/shared/model.ts';
import { concat, readAll } from '../../src/xiaomi/test-support.ts';
import { itemId, makeLibrary } from '../fakes/library/index.ts';
import type { Fault } from '../fakes/xiaomi/index.ts';
import { downloadVerified, listedItem, type XiaomiHarness, xiaomiPerTest } from './xiaomi-harness.ts';

const start = xiaomiPerTest();

/** The 120 KB MP4 of the small preset: large enough to be cut mid-body. */
const VIDEO_ID = itemId(2);
const PHOTO_ID = itemId(1);

const bytesOf = (h: XiaomiHarness, id: string) => new Uint8Array(h.xiaomi.library.item(id)!.buffer());
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

describe('openDownload against the fake', () => {
  it('downloads every item of the library with its SHA-1 verified', async () => {
    const h = await start();
    for (const album of await h.source.listAlbums()) {
      for await (const page of h.source.listAlbumItems(album.id)) {
        for (const item of page.items) {
          const bytes = await downloadVerified(h.source, item);
          expect(bytes).toEqual(bytesOf(h, item.id));
        }
      }
    }
    // Once per album membership: the first photo is in Camera and in the trip album.
    expect(h.xiaomi.state.counters['storage-download']).toBe(h.xiaomi.library.items.length + 1);
  });

  it('sends the session cookies at step 1 only, and meta as a form body at step 3', async () => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    await downloadVerified(h.source, item);
    const [storage] = h.xiaomi.requestsTo('storage');
    const [resolve] = h.xiaomi.requestsTo('storage-resolve');
    const [download] = h.xiaomi.requestsTo('storage-download');
    expect(storage?.query.id).toBe(PHOTO_ID);
    expect(storage?.cookieNames).toEqual(expect.arrayContaining(['serviceToken', 'userId']));
    expect([resolve?.cookieNames, download?.cookieNames]).toEqual([[], []]);
    expect([resolve?.host, download?.host]).toEqual([
      'ali.xmssdn.micloud.mi.com',
      'ali.xmssdn.micloud.mi.com',
    ]);
    expect(download?.method).toBe('POST');
    expect(download?.status).toBe(200);
  });

  it('reads the JSONP whatever the callback is called', async () => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    h.xiaomi.failNext('/mic/dl/', { kind: 'jsonp-callback', name: 'dl_img_cb_1718000000000_0' });
    expect(await downloadVerified(h.source, item)).toEqual(bytesOf(h, PHOTO_ID));
  });

  it('reports bytes that do not hash to the listing’s sha1 as sha1-mismatch', async () => {
    const h = await start();
    const item = await listedItem(h.source, '1', VIDEO_ID);
    h.xiaomi.failNext('download_file', { kind: 'corrupt' });
    const download = await h.source.openDownload(item);
    const bytes = await readAll(download.stream);
    expect(bytes).toHaveLength(item.size);
    expect(() => download.verify()).toThrow(
      expect.objectContaining({ kind: 'sha1-mismatch', scope: 'item' }),
    );
  });

  it('reports a listing whose sha1 never matches the file as sha1-mismatch', async () => {
    const library = makeLibrary({
      userId: '123456789',
      albums: [{ id: '1', name: null }],
      items: [
        {
          id: PHOTO_ID,
          fileName: 'IMG.jpg',
          kind: 'jpeg',
          dateTaken: 1717208100000,
          albums: ['1'],
          listedSha1: 'f'.repeat(40),
        },
      ],
    });
    const h = await start({ library });
    const item = await listedItem(h.source, '1', PHOTO_ID);
    await expect(downloadVerified(h.source, item)).rejects.toMatchObject({ kind: 'sha1-mismatch' });
  });

  it('reports a deleted item (code 50050) as xiaomi-item-deleted, without retrying', async () => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    h.xiaomi.deleteItem(PHOTO_ID);
    await expect(h.source.openDownload(item)).rejects.toMatchObject({
      kind: 'xiaomi-item-deleted',
      scope: 'item',
    });
    expect(h.xiaomi.state.counters.storage).toBe(1);
    expect(h.xiaomi.state.counters['storage-resolve']).toBe(0);
  });

  it.each<[string, string, Fault]>([
    ['a retriable error at step 1', '/gallery/storage', { kind: 'retriable' }],
    ['a 503 at step 1', '/gallery/storage', { kind: 'server-error', status: 503 }],
    ['a 502 at step 2', '/mic/dl/', { kind: 'server-error', status: 502 }],
    ['a 502 at step 3', 'download_file', { kind: 'server-error', status: 502 }],
    ['an HTML page at step 2', '/mic/dl/', { kind: 'html-page' }],
  ])('retries %s with back-off, from step 1', async (_, pattern, fault) => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    h.xiaomi.failNext(pattern, fault, 2);
    expect(await downloadVerified(h.source, item)).toEqual(bytesOf(h, PHOTO_ID));
    expect(h.xiaomi.state.counters.storage).toBe(3);
    expect(h.clock.sleeps).toHaveLength(2);
    expect(h.clock.sleeps[1]).toBeGreaterThan(h.clock.sleeps[0]!);
  });

  it.each([
    ['step 2', '/mic/dl/'],
    ['step 3', 'download_file'],
  ])('starts again at step 1 when the signed link has expired at %s', async (_, pattern) => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    h.xiaomi.failNext(pattern, { kind: 'link-expired' });
    expect(await downloadVerified(h.source, item)).toEqual(bytesOf(h, PHOTO_ID));
    expect(h.xiaomi.state.counters.storage).toBe(2);
    const statuses = h.xiaomi.requestsTo(pattern === '/mic/dl/' ? 'storage-resolve' : 'storage-download');
    expect(statuses.map((r) => r.status)).toEqual([403, 200]);
  });

  it('starts again at step 1 when a link outlived its lifetime on the fake clock', async () => {
    const h = await start({ signedUrlLifetimeMs: 60_000 });
    const item = await listedItem(h.source, '1', PHOTO_ID);
    await downloadVerified(h.source, item);
    h.xiaomi.clock.advance(120_000);
    expect(await downloadVerified(h.source, item)).toEqual(bytesOf(h, PHOTO_ID));
    expect(h.xiaomi.state.counters.storage).toBe(2);
  });

  it('throws xiaomi-logged-out when the session is gone at step 1', async () => {
    const h = await start();
    const item = await listedItem(h.source, '1', PHOTO_ID);
    h.xiaomi.expireSession();
    await expect(h.source.openDownload(item)).rejects.toMatchObject({
      kind: 'xiaomi-logged-out',
      scope: 'job',
    });
  });

  it('runs several downloads at once', async () => {
    const h = await start();
    const items = await Promise.all(
      [PHOTO_ID, VIDEO_ID, itemId(3), itemId(4)].map((id) => listedItem(h.source, '1', id)),
    );
    const downloads = await Promise.all(items.map((item) => h.source.openDownload(item)));
    const bodies = await Promise.all(downloads.map((d) => readAll(d.stream)));
    for (const [i, download] of downloads.entries()) {
      expect(() => download.verify()).not.toThrow();
      expect(sha1(bodies[i]!)).toBe(items[i]!.sha1);
    }
  });

  describe('a connection reset mid-body', () => {
    const CUT_AFTER = 50_000;

    /** Reads until the reset; returns what arrived and where the download stood. */
    async function cutDownload(h: XiaomiHarness, item: SourceItem) {
      h.xiaomi.failNext('download_file', { kind: 'reset', afterBytes: CUT_AFTER });
      const download = await h.source.openDownload(item);
      const reader = download.stream.getReader();
      const parts: Uint8Array[] = [];
      const failure = await (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          parts.push(value);
        }
      })().catch((error: unknown) => error);
      return {
        failure,
        received: concat(parts),
        offset: download.position(),
        hashState: download.hashState(),
      };
    }

    it.each([
      ['honours Range', 'honour' as const, 206],
      ['ignores Range', 'ignore' as const, 200],
    ])('resumes from the saved hash state when the storage host %s', async (_, range, status) => {
      const h = await start({ range });
      const item = await listedItem(h.source, '1', VIDEO_ID);
      const cut = await cutDownload(h, item);
      expect(cut.failure).toMatchObject({ kind: 'network-error', scope: 'retry' });
      expect(cut.offset).toBe(cut.received.byteLength);
      expect(cut.offset).toBeGreaterThan(0);
      expect(cut.offset).toBeLessThan(item.size);

      const resumed = await h.source.openDownload(item, { offset: cut.offset, hashState: cut.hashState });
      expect(resumed.rangeHonoured).toBe(range === 'honour');
      expect(resumed.totalSize).toBe(item.size);
      const rest = await readAll(resumed.stream);
      expect(() => resumed.verify()).not.toThrow();
      expect(concat([cut.received, rest])).toEqual(bytesOf(h, VIDEO_ID));

      const lastStep3 = h.xiaomi.requestsTo('storage-download').at(-1);
      expect(lastStep3?.status).toBe(status);
      expect(h.xiaomi.requestsTo('storage').length).toBe(2);
    });

    it('resumes without a saved hash state by hashing the repeated bytes again', async () => {
      const h = await start({ range: 'honour' });
      const item = await listedItem(h.source, '1', VIDEO_ID);
      const cut = await cutDownload(h, item);
      const resumed = await h.source.openDownload(item, { offset: cut.offset });
      expect(resumed.rangeHonoured).toBe(false);
      expect(concat([cut.received, await readAll(resumed.stream)])).toEqual(bytesOf(h, VIDEO_ID));
      expect(() => resumed.verify()).not.toThrow();
    });
  });
});
