import { describe, expect, it } from 'vitest';
import { presetHugeAlbum } from '../library/bad-inputs.ts';
import { type Library, makeLibrary } from '../library/library.ts';
import { beijingTime, SMALL_TRIP_ALBUM_ID } from '../library/presets.ts';
import { fakePerTest, type LocalClient } from './self-test-server.ts';

const start = fakePerTest();

interface Envelope<T> {
  result: string;
  code: number;
  data: T;
}
interface Album {
  albumId: string;
  name: string | null;
  mediaCount: number;
  thumbnails: { url: string; orientation: number }[];
}
interface Item {
  id: string;
  fileName: string;
  sha1: string;
  size: number;
  [key: string]: unknown;
}
interface GalleriesPage {
  isLastPage: boolean;
  galleries: Item[];
}

const galleriesUrl = (query: string) => `https://i.mi.com/gallery/user/galleries?ts=1&${query}`;

async function getData<T>(client: LocalClient, url: string): Promise<T> {
  const response = await client.get(url);
  expect(response.status).toBe(200);
  return (response.json() as Envelope<T>).data;
}

/** Pages until isLastPage, as every client does (§5.1). */
async function listAll(client: LocalClient, query: string, pageSize: number): Promise<Item[]> {
  const items: Item[] = [];
  for (let pageNum = 0; ; pageNum++) {
    const page = await getData<GalleriesPage>(
      client,
      galleriesUrl(`${query}&pageNum=${pageNum}&pageSize=${pageSize}`),
    );
    items.push(...page.galleries);
    if (page.isLastPage) return items;
  }
}

describe('album/list (§4.1)', () => {
  it('has the fixture shape: string albumIds, null/empty system names, raw userId and indexHash', async () => {
    const { client } = await start();
    const response = await client.get(
      'https://i.mi.com/gallery/user/album/list?ts=1&pageNum=0&pageSize=10&isShared=false&numOfThumbnails=1',
    );
    expect(response.text).toMatch(
      /^\{"result":"ok","retriable":false,"code":0,"description":"成功","data":\{"albums":\[/,
    );
    expect(response.text).toMatch(/"isLastPage":true,"indexHash":18014398509481985\},"ts":\d+\}$/);
    expect(response.text).toContain('"userId":123456789,');
    const { albums } = (response.json() as Envelope<{ albums: Album[] }>).data;
    expect(albums.map((album) => [album.albumId, album.name, album.mediaCount])).toEqual([
      ['1', null, 6],
      ['2', null, 2],
      ['1000', '', 1],
      [SMALL_TRIP_ALBUM_ID, 'Trip 2024', 4],
    ]);
    expect(albums[0]!.thumbnails).toEqual([
      {
        url: expect.stringMatching(/^https:\/\/ali\.xmssdn\.micloud\.mi\.com\/2\/\d+\/get_thumbnail\?.*sig=/),
        orientation: 0,
      },
    ]);
    expect(albums[0]).toHaveProperty('fakeUnknownField');
  });

  it('pages albums until isLastPage, and lists no shared albums', async () => {
    const { client } = await start();
    const first = await getData<{ albums: Album[]; isLastPage: boolean }>(
      client,
      'https://i.mi.com/gallery/user/album/list?pageNum=0&pageSize=3',
    );
    const second = await getData<{ albums: Album[]; isLastPage: boolean }>(
      client,
      'https://i.mi.com/gallery/user/album/list?pageNum=1&pageSize=3',
    );
    expect([first.albums.length, first.isLastPage, second.albums.length, second.isLastPage]).toEqual([
      3,
      false,
      1,
      true,
    ]);
    const shared = await getData<{ albums: Album[] }>(
      client,
      'https://i.mi.com/gallery/user/album/list?isShared=true',
    );
    expect(shared.albums).toEqual([]);
  });
});

describe('galleries (§5.1)', () => {
  it('has the fixture item shape, with tag and groupId as raw numbers above or near 2^53', async () => {
    const { client, xiaomi } = await start();
    const response = await client.get(galleriesUrl('albumId=1&pageNum=0&pageSize=20'));
    expect(response.text).toMatch(/"tag":4892643515696\d{4},/);
    expect(response.text).toContain('"groupId":1,');
    const { galleries } = (response.json() as Envelope<GalleriesPage>).data;
    const listed = galleries.find((item) => item.id === '24886749771200001')!;
    const fixtureKeys = [
      'id',
      'fileName',
      'title',
      'type',
      'mimeType',
      'size',
      'sha1',
      'dateTaken',
      'sortTime',
      'dateModified',
      'createTime',
      'groupId',
      'status',
      'tag',
      'isFavorite',
      'isFrontCamera',
      'isUbiImage',
      'isLivePhoto',
      'description',
      'exifInfo',
      'geoInfo',
      'thumbStatus',
      'thumbnailInfo',
      'bigThumbnailInfo',
    ];
    for (const key of fixtureKeys) expect(listed).toHaveProperty(key);
    const item = xiaomi.library.item('24886749771200001')!;
    expect(listed).toMatchObject({
      fileName: 'IMG_20240601_101500.jpg',
      title: 'IMG_20240601_101500',
      type: 'image',
      mimeType: 'image/jpeg',
      size: item.size,
      sha1: item.sha1,
      dateTaken: 1_717_208_100_000,
      createTime: 1_717_208_300_000,
      status: 'custom',
      exifInfo: { dateTime: '2024:06:01 10:15:00', imageWidth: 64, imageLength: 48 },
    });
    expect(JSON.parse(listed.description as string)).toEqual({ isFavorite: false, specialTypeFlags: 0 });
    const video = galleries.find((entry) => entry.type === 'video')!;
    expect(video).toMatchObject({ duration: 58, isFavorite: true, mimeType: 'video/mp4' });
  });

  it('lists newest first and pages with exactly ceil(n / pageSize) calls', async () => {
    const { client, xiaomi } = await start();
    const items = await listAll(client, 'albumId=1', 4);
    expect(items.map((item) => item.id)).toHaveLength(6);
    const dates = items.map((item) => item.dateTaken as number);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(xiaomi.state.counters.galleries).toBe(2);
  });

  it('lists an item once per album it is in, and once in the whole library, which leaves out the private album', async () => {
    const { client, xiaomi } = await start();
    const inTrip = await listAll(client, `albumId=${SMALL_TRIP_ALBUM_ID}`, 50);
    const inCamera = await listAll(client, 'albumId=1', 50);
    expect(inTrip.map((i) => i.id)).toContain('24886749771200001');
    expect(inCamera.map((i) => i.id)).toContain('24886749771200001');
    const whole = await listAll(client, 'albumId=', 50);
    expect(whole).toHaveLength(xiaomi.library.items.length - 1);
    expect(new Set(whole.map((item) => item.id)).size).toBe(whole.length);
    xiaomi.configure({ wholeLibraryIncludesPrivate: true });
    expect(await listAll(client, 'x=1', 50)).toHaveLength(xiaomi.library.items.length);
  });

  it('honours a startDate/endDate window of UTC+8 days, so a client passing one by mistake is caught', async () => {
    const library: Library = makeLibrary({
      userId: '123456789',
      albums: [{ id: '1', name: null }],
      items: [
        // 01:00 on 2 June in Beijing is still 1 June in UTC.
        {
          id: '24886749771200001',
          fileName: 'a.jpg',
          kind: 'jpeg',
          dateTaken: beijingTime('2024-06-02 01:00:00'),
          albums: ['1'],
        },
        {
          id: '24886749771200002',
          fileName: 'b.jpg',
          kind: 'jpeg',
          dateTaken: beijingTime('2024-06-01 12:00:00'),
          albums: ['1'],
        },
      ],
    });
    const { client, xiaomi } = await start({ library });
    const day = async (date: string) =>
      (await listAll(client, `albumId=1&startDate=${date}&endDate=${date}`, 10)).map((item) => item.fileName);
    expect(await day('20240602')).toEqual(['a.jpg']);
    expect(await day('20240601')).toEqual(['b.jpg']);
    xiaomi.configure({ dayBucketUtcOffsetMinutes: 0 });
    expect(await day('20240601')).toEqual(['a.jpg', 'b.jpg']);
  });

  it('caps the page size when configured, so only isLastPage tells the end', async () => {
    const { client } = await start({ maxPageSize: 4 });
    const page = await getData<GalleriesPage>(client, galleriesUrl('albumId=1&pageNum=0&pageSize=50'));
    expect([page.galleries.length, page.isLastPage]).toEqual([4, false]);
    expect(await listAll(client, 'albumId=1', 50)).toHaveLength(6);
  });

  it('answers an empty, last page for an album that does not exist', async () => {
    const { client } = await start();
    expect(await getData<GalleriesPage>(client, galleriesUrl('albumId=99999999999999999'))).toMatchObject({
      galleries: [],
      isLastPage: true,
    });
  });

  it('lists an album of 20,001 items in exactly ceil(20001 / 500) = 41 calls', async () => {
    const { client, xiaomi } = await start({ library: presetHugeAlbum() });
    const items = await listAll(client, 'albumId=1', 500);
    expect(items).toHaveLength(20_001);
    expect(new Set(items.map((item) => item.id)).size).toBe(20_001);
    expect(xiaomi.state.counters.galleries).toBe(41);
  });
});

describe('deletions and the other listings (§4.3, §5.3)', () => {
  it('drops a deleted item from the listings, moves it to deleted_v2 and changes indexHash', async () => {
    const { client, xiaomi } = await start();
    xiaomi.deleteItem('24886749771200002');
    const camera = await listAll(client, 'albumId=1', 50);
    expect(camera.map((item) => item.id)).not.toContain('24886749771200002');
    const bin = await getData<{ content: Item[]; lastPage: boolean }>(
      client,
      'https://i.mi.com/gallery/deleted_v2?maxTag=0&limit=50',
    );
    expect(bin.content).toMatchObject([
      { id: '24886749771200002', status: 'deleted', fileName: 'VID_20240601_102000.mp4' },
    ]);
    expect(bin.lastPage).toBe(true);
    expect((await client.get(galleriesUrl('albumId=1'))).text).toContain('"indexHash":18014398509481986');
    expect(xiaomi.state.deletedIds).toEqual(['24886749771200002']);
  });

  it('counts items per UTC+8 day in timeline', async () => {
    const { client } = await start();
    const data = await getData<{ dayCount: Record<string, number> }>(
      client,
      'https://i.mi.com/gallery/user/timeline?albumId=1',
    );
    expect(data.dayCount).toEqual({ '20240601': 3, '20240602': 1, '20240605': 1, '20240606': 1 });
  });

  it('lists every album in album/full, hidden ones too, with names for the system albums', async () => {
    const library = makeLibrary({
      userId: '123456789',
      albums: [
        { id: '1', name: null },
        { id: '22222222222222222', name: 'Secret', hidden: true },
      ],
      items: [
        {
          id: '24886749771200001',
          fileName: 'a.jpg',
          kind: 'jpeg',
          dateTaken: 0,
          albums: ['22222222222222222'],
        },
      ],
    });
    const { client } = await start({ library });
    const listed = await getData<{ albums: Album[] }>(
      client,
      'https://i.mi.com/gallery/user/album/list?pageSize=10',
    );
    expect(listed.albums.map((album) => album.albumId)).toEqual(['1']);
    const full = await getData<{ albums: (Album & { totalImageCount: number })[] }>(
      client,
      'https://i.mi.com/gallery/album/full',
    );
    expect(full.albums.map((album) => [album.albumId, album.name, album.totalImageCount])).toEqual([
      ['1', 'Camera', 0],
      ['22222222222222222', 'Secret', 1],
    ]);
  });

  it('replays an album in tag order from a cursor in allitems, with deletions as tombstones', async () => {
    const { client, xiaomi } = await start();
    type Feed = {
      content: { id: string; tag: string; status: string }[];
      syncTag: string;
      lastPage: boolean;
    };
    const first = await getData<Feed>(client, 'https://i.mi.com/gallery/allitems?groupId=1&tag=0&limit=4');
    expect([first.content.length, first.lastPage]).toEqual([4, false]);
    expect(first.syncTag).toBe(first.content.at(-1)!.tag);
    const rest = await getData<Feed>(
      client,
      `https://i.mi.com/gallery/allitems?groupId=1&tag=${first.syncTag}&limit=60`,
    );
    expect([rest.content.length, rest.lastPage]).toEqual([2, true]);
    xiaomi.deleteItem('24886749771200003');
    const after = await getData<Feed>(
      client,
      `https://i.mi.com/gallery/allitems?groupId=1&tag=${rest.syncTag}`,
    );
    expect(after.content).toMatchObject([{ id: '24886749771200003', status: 'deleted' }]);
  });
});
