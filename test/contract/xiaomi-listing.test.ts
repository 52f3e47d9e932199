/**
 * Album and item listing (xiaomi-api.md §4, §5, §7) against the fake Xiaomi Cloud: paging until
 * isLastPage with the request counts that implies, lossless ids, and malformed pages retried, then
 * reported, never taken for the end of an album.
 */
import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../../src/shared/model.ts';
import { makeLibrary, presetHugeAlbum, SMALL_TRIP_ALBUM_ID } from '../fakes/library/index.ts';
import { type Fault, MALFORMED } from '../fakes/xiaomi/index.ts';
import { type XiaomiHarness, xiaomiPerTest } from './xiaomi-harness.ts';

const start = xiaomiPerTest();

async function allItems(h: XiaomiHarness, albumId: string): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const page of h.source.listAlbumItems(albumId)) items.push(...page.items);
  return items;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** In id order: the fake serves an album newest first. */
async function sortedItems(h: XiaomiHarness, albumId: string): Promise<SourceItem[]> {
  return (await allItems(h, albumId)).sort(byId);
}

/** What the listing should say about an album's items, from the library behind the fake, in id order. */
function expectedItems(h: XiaomiHarness, albumId: string): SourceItem[] {
  return [...h.xiaomi.library.itemsIn(albumId)].sort(byId).map((item) => ({
    id: item.id,
    albumId,
    fileName: item.fileName,
    type: item.type,
    mimeType: item.mimeType,
    size: item.size,
    sha1: item.sha1,
    dateTaken: item.dateTaken,
    isFavorite: item.isFavorite,
    isLivePhoto: item.isLivePhoto,
    // The fake's exifInfo names a capture time exactly when the photo's file carries one.
    ...(item.type === 'image' ? { exifDateListed: item.embeddedDate } : {}),
  }));
}

describe('listAlbums against the fake', () => {
  it('lists system and user albums with counts and album/full’s sizes', async () => {
    const h = await start();
    const albums = await h.source.listAlbums();
    const { library } = h.xiaomi;
    const facts = (id: string) => ({
      mediaCount: library.itemsIn(id).length,
      totalSize: library.itemsIn(id).reduce((sum, item) => sum + item.size, 0),
    });
    expect(albums).toEqual([
      expect.objectContaining({ id: '1', name: 'Camera', system: 'camera', ...facts('1') }),
      expect.objectContaining({ id: '2', name: 'Screenshots', system: 'screenshots', ...facts('2') }),
      expect.objectContaining({ id: '1000', name: 'Private', system: 'private', ...facts('1000') }),
      expect.objectContaining({ id: SMALL_TRIP_ALBUM_ID, name: 'Trip 2024', ...facts(SMALL_TRIP_ALBUM_ID) }),
    ]);
    expect(facts('1').mediaCount).toBeGreaterThan(1);
    expect(albums[3]).not.toHaveProperty('system');
    expect(h.xiaomi.requestsTo('album-list')[1]?.query).toMatchObject({ isShared: 'false', pageNum: '0' });
  });

  it('pages the album list until isLastPage', async () => {
    const h = await start({ maxPageSize: 1 });
    const albums = await h.source.listAlbums();
    expect(albums.map((a) => a.id)).toEqual(['1', '2', '1000', SMALL_TRIP_ALBUM_ID]);
    // One probe from the session check, then one request per album.
    expect(
      h.xiaomi
        .requestsTo('album-list')
        .slice(1)
        .map((r) => r.query.pageNum),
    ).toEqual(['0', '1', '2', '3']);
  });

  it('also lists the hidden albums only album/full shows', async () => {
    const library = makeLibrary({
      userId: '98765432101234567',
      albums: [
        { id: '1', name: null },
        { id: '27182818284590452', name: '私密旅行', hidden: true },
      ],
      items: [
        { id: '24886749771200101', fileName: 'a.jpg', kind: 'jpeg', dateTaken: 1717208100000, albums: ['1'] },
        {
          id: '24886749771200102',
          fileName: 'b.jpg',
          kind: 'jpeg',
          dateTaken: 1717208100000,
          albums: ['27182818284590452'],
        },
      ],
    });
    const h = await start({ library });
    const albums = await h.source.listAlbums();
    expect(albums.map((a) => [a.id, a.name, a.mediaCount])).toEqual([
      ['1', 'Camera', 1],
      ['27182818284590452', '私密旅行', 1],
    ]);
    expect((await allItems(h, '27182818284590452')).map((i) => i.id)).toEqual(['24886749771200102']);
    // The userId above 2^53 comes from the cookie, exact.
    expect(await h.source.checkSession()).toMatchObject({ userId: '98765432101234567' });
  });
});

describe('listAlbumItems against the fake', () => {
  it('lists every item exactly as the library holds it, without a date window', async () => {
    const h = await start();
    for (const albumId of ['1', '2', '1000', SMALL_TRIP_ALBUM_ID]) {
      expect(await sortedItems(h, albumId)).toEqual(expectedItems(h, albumId));
    }
    for (const request of h.xiaomi.requestsTo('galleries')) {
      expect(request.query.pageSize).toBe('100');
      expect(request.query).not.toHaveProperty('startDate');
      expect(request.query).not.toHaveProperty('endDate');
    }
  });

  it('lists an item in each of its albums, and items sharing a file name separately', async () => {
    const h = await start();
    const camera = await allItems(h, '1');
    const trip = await allItems(h, SMALL_TRIP_ALBUM_ID);
    const shared = camera.filter((c) => trip.some((t) => t.id === c.id));
    expect(shared.map((i) => i.fileName)).toEqual(['IMG_20240601_101500.jpg']);
    const sameName = camera.filter((i) => i.fileName === 'IMG_20240601_101500.jpg');
    expect(new Set(sameName.map((i) => i.id)).size).toBe(2);
    expect(new Set(sameName.map((i) => i.sha1)).size).toBe(2);
  });

  it('costs one request per page of 100 in a 1,001-item album, and resumes from a page', async () => {
    const h = await start({ library: presetHugeAlbum({ items: 1_001 }) });
    let items = 0;
    const pageNums: number[] = [];
    for await (const page of h.source.listAlbumItems('1')) {
      items += page.items.length;
      pageNums.push(page.pageNum);
    }
    expect(items).toBe(1_001);
    expect(pageNums).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.xiaomi.state.counters.galleries).toBe(11);

    h.xiaomi.clearRequests();
    const resumed = [];
    for await (const page of h.source.listAlbumItems('1', 10)) resumed.push(page);
    expect(resumed.map((p) => [p.pageNum, p.items.length, p.isLastPage])).toEqual([[10, 1, true]]);
    expect(h.xiaomi.state.counters.galleries).toBe(1);
  });

  it('pages by isLastPage when the server caps the page size below what was asked', async () => {
    const h = await start({ maxPageSize: 2 });
    expect(await sortedItems(h, '1')).toEqual(expectedItems(h, '1'));
    expect(h.xiaomi.state.counters.galleries).toBe(3);
  });

  it('keeps ids exact when they come as JSON numbers, next to tag and indexHash above 2^53', async () => {
    const h = await start();
    h.xiaomi.failNext('/gallery/user/galleries', MALFORMED.numericIds);
    const items = await allItems(h, '1');
    expect(items.map((i) => i.id).sort()).toEqual(
      h.xiaomi.library
        .itemsIn('1')
        .map((i) => i.id)
        .sort(),
    );
    expect(h.xiaomi.requestsTo('galleries')[0]?.fault).toBeDefined();
  });

  it('reads an upper-case sha1 as the same checksum', async () => {
    const h = await start();
    h.xiaomi.failNext('/gallery/user/galleries', MALFORMED.upperCaseSha1);
    expect(await sortedItems(h, '1')).toEqual(expectedItems(h, '1'));
  });

  it.each<[string, Fault]>([
    ['truncated JSON', MALFORMED.truncatedJson],
    ['an HTML page', MALFORMED.htmlInsteadOfJson],
    ['an empty body', MALFORMED.emptyBody],
    ['null data', MALFORMED.nullData],
    ['an empty page that claims more follow', MALFORMED.emptyPageNotLast],
    ['a page without isLastPage', MALFORMED.missingIsLastPage],
    ['items without sha1', MALFORMED.missingSha1],
    ['a 502 page', { kind: 'server-error', status: 502 }],
    ['a retriable error', { kind: 'retriable' }],
  ])('fetches a page again after %s, with back-off, and lists everything', async (_, fault) => {
    const h = await start({ maxPageSize: 2 });
    h.xiaomi.failNext(/galleries.*pageNum=1/, fault);
    expect(await sortedItems(h, '1')).toEqual(expectedItems(h, '1'));
    expect(h.xiaomi.requestsTo('galleries').map((r) => r.query.pageNum)).toEqual(['0', '1', '1', '2']);
    expect(h.clock.sleeps).toHaveLength(1);
  });

  it('reports a page that stays malformed as xiaomi-malformed-response, after the pages before it', async () => {
    const h = await start({ maxPageSize: 2 });
    h.xiaomi.failNext(/galleries.*pageNum=1/, MALFORMED.truncatedJson, 10);
    const seen: number[] = [];
    const walk = async () => {
      for await (const page of h.source.listAlbumItems('1')) seen.push(page.pageNum);
    };
    await expect(walk()).rejects.toMatchObject({ kind: 'xiaomi-malformed-response' });
    expect(seen).toEqual([0]);
    expect(h.xiaomi.requestsTo('galleries').map((r) => r.query.pageNum)).toEqual([
      '0',
      '1',
      '1',
      '1',
      '1',
      '1',
    ]);
    expect(h.clock.sleeps).toHaveLength(4);
  });

  it('throws xiaomi-logged-out on a 401 in the middle of an album, and lists again once the session is back', async () => {
    const h = await start({ maxPageSize: 2 });
    const seen: number[] = [];
    const walk = async () => {
      for await (const page of h.source.listAlbumItems('1')) {
        seen.push(page.pageNum);
        h.xiaomi.expireSession();
      }
    };
    await expect(walk()).rejects.toMatchObject({ kind: 'xiaomi-logged-out', scope: 'job' });
    expect(seen).toEqual([0]);
    h.xiaomi.restoreSession();
    const rest: SourceItem[] = [];
    for await (const page of h.source.listAlbumItems('1', 1)) rest.push(...page.items);
    expect(rest).toHaveLength(expectedItems(h, '1').length - 2);
    expect(h.xiaomi.requestsTo('galleries').at(-1)?.status).toBe(200);
  });

  it('reports the private album’s extra verification, when the fake locks it', async () => {
    const h = await start({ privateAlbum: 'locked' });
    await expect(allItems(h, '1000')).rejects.toMatchObject({ kind: 'xiaomi-second-validation' });
    expect(await sortedItems(h, '1')).toEqual(expectedItems(h, '1'));
  });
});
