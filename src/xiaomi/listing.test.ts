import { describe, expect, it } from 'vitest';
import { albumItemPages, listAlbums, parseItem } from './listing.ts';
import {
  instantClock,
  json,
  ok,
  type RecordedRequest,
  recordingFetch,
  testHttp,
  unauthorized,
} from './test-support.ts';

const ALBUM_LIST = '/gallery/user/album/list';
const ALBUM_FULL = '/gallery/album/full';
const GALLERIES = '/gallery/user/galleries';

const pageNum = (r: RecordedRequest) => Number(r.url.searchParams.get('pageNum'));

function galleryEntry(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `2488674977120${String(n).padStart(4, '0')}`,
    fileName: `IMG_${n}.jpg`,
    type: 'image',
    mimeType: 'image/jpeg',
    size: 1000 + n,
    sha1: n.toString(16).padStart(40, 'a'),
    dateTaken: 1717208100000 + n,
    ...extra,
  };
}

/** An album of `count` items served in pages of the requested size. */
function galleryServer(count: number) {
  return recordingFetch((request) => {
    const size = Number(request.url.searchParams.get('pageSize'));
    const first = pageNum(request) * size;
    const entries = Array.from({ length: Math.max(0, Math.min(size, count - first)) }, (_, i) =>
      galleryEntry(first + i),
    );
    return ok({ galleries: entries, isLastPage: first + size >= count, indexHash: 1054380001 });
  });
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('listAlbums', () => {
  const systemAndUser = [
    { albumId: '1', name: null, mediaCount: 3, lastUpdateTime: 1718000000000 },
    { albumId: 2, name: '', mediaCount: 1, lastUpdateTime: 1717900000000 },
    { albumId: '1000', name: '', mediaCount: 1, lastUpdateTime: 1717800000000 },
  ];
  const userAlbum = {
    albumId: '31415926535897932',
    name: 'Trip 2024',
    mediaCount: '2',
    lastUpdateTime: 1717700000000,
  };

  function albumServer(full: () => Response) {
    return recordingFetch((request) => {
      if (request.url.pathname === ALBUM_FULL) return full();
      return pageNum(request) === 0
        ? ok({ albums: systemAndUser, isLastPage: false, indexHash: 1054380001 })
        : ok({ albums: [userAlbum], isLastPage: true });
    });
  }

  it('pages until isLastPage and names system albums for the UI to localise', async () => {
    const fetch = albumServer(() =>
      ok({
        albums: [
          { albumId: '1', totalSize: 60817408 },
          { albumId: '31415926535897932', totalSize: '1234' },
        ],
      }),
    );
    const albums = await listAlbums(testHttp(fetch), 'i.mi.com');
    expect(albums).toEqual([
      {
        id: '1',
        name: 'Camera',
        system: 'camera',
        mediaCount: 3,
        totalSize: 60817408,
        lastUpdateTime: 1718000000000,
      },
      { id: '2', name: 'Screenshots', system: 'screenshots', mediaCount: 1, lastUpdateTime: 1717900000000 },
      { id: '1000', name: 'Private', system: 'private', mediaCount: 1, lastUpdateTime: 1717800000000 },
      {
        id: '31415926535897932',
        name: 'Trip 2024',
        mediaCount: 2,
        totalSize: 1234,
        lastUpdateTime: 1717700000000,
      },
    ]);
    const listCalls = fetch.to(ALBUM_LIST);
    expect(listCalls.map(pageNum)).toEqual([0, 1]);
    expect(Object.fromEntries(listCalls[0]!.url.searchParams)).toMatchObject({
      pageSize: '100',
      isShared: 'false',
      numOfThumbnails: '1',
    });
  });

  it.each([
    ['is absent', () => new Response('', { status: 404 })],
    ['fails', () => new Response('', { status: 500 })],
    ['answers garbage', () => json('<html>')],
  ])('lists albums without sizes, after one try, when album/full %s', async (_, full) => {
    const fetch = albumServer(full);
    const albums = await listAlbums(testHttp(fetch), 'i.mi.com');
    expect(albums.map((a) => a.id)).toEqual(['1', '2', '1000', '31415926535897932']);
    expect(albums.every((a) => a.totalSize === undefined)).toBe(true);
    expect(fetch.to(ALBUM_FULL)).toHaveLength(1);
  });

  it('names a user album without a name, or with spaces only, by its id; other names stay as they are', async () => {
    const fetch = recordingFetch((request) =>
      request.url.pathname === ALBUM_FULL
        ? new Response('', { status: 404 })
        : ok({
            albums: [
              { albumId: '40000000000000001', name: '', mediaCount: 1 },
              { albumId: '40000000000000002', name: ' \u3000 ', mediaCount: 1 },
              { albumId: '40000000000000009', name: ' Trip ', mediaCount: 1 },
            ],
            isLastPage: true,
          }),
    );
    const albums = await listAlbums(testHttp(fetch), 'i.mi.com');
    expect(albums.map((a) => a.name)).toEqual([
      'Album 40000000000000001',
      'Album 40000000000000002',
      ' Trip ',
    ]);
  });

  it('adds the normal albums only album/full knows (hidden ones)', async () => {
    const fetch = albumServer(() =>
      ok({
        albums: [
          { albumId: '1', name: 'Camera', totalImageCount: 3, totalSize: 100, status: 1 },
          {
            albumId: '27182818284590452',
            name: 'Hidden',
            totalImageCount: 4,
            totalSize: 400,
            status: 1,
            lastUpdateTime: 5,
          },
          { albumId: '16180339887498948', name: 'Gone', totalImageCount: 1, totalSize: 1, status: 2 },
        ],
      }),
    );
    const albums = await listAlbums(testHttp(fetch), 'i.mi.com');
    expect(albums.map((a) => a.id)).toEqual(['1', '2', '1000', '31415926535897932', '27182818284590452']);
    expect(albums.at(-1)).toEqual({
      id: '27182818284590452',
      name: 'Hidden',
      mediaCount: 4,
      totalSize: 400,
      lastUpdateTime: 5,
    });
    expect(albums[0]).toMatchObject({ name: 'Camera', mediaCount: 3, totalSize: 100 });
  });

  it('does not hide a lost session behind the optional sizes', async () => {
    const fetch = albumServer(() => unauthorized());
    await expect(listAlbums(testHttp(fetch), 'i.mi.com')).rejects.toMatchObject({
      kind: 'xiaomi-logged-out',
    });
  });
});

describe('parseItem', () => {
  it('reads a size given as a string and normalises the SHA-1 to lower case', () => {
    const item = parseItem(galleryEntry(1, { size: '3145728', sha1: 'AB'.repeat(20) }), '1');
    expect(item).toMatchObject({
      id: '24886749771200001',
      size: 3145728,
      sha1: 'ab'.repeat(20),
      albumId: '1',
    });
  });

  it('reads the favourite flag from the description JSON when the field is missing', () => {
    const entry = galleryEntry(1, { description: '{"isFavorite":true,"specialTypeFlags":0}' });
    expect(parseItem(entry, '1').isFavorite).toBe(true);
    expect(parseItem(galleryEntry(1, { description: 'not json' }), '1').isFavorite).toBe(false);
  });

  it('takes the type of a video from its MIME type and falls back on later dates', () => {
    const entry = galleryEntry(2, { type: undefined, mimeType: 'video/mp4', dateTaken: null, sortTime: 42 });
    expect(parseItem(entry, '1')).toMatchObject({ type: 'video', dateTaken: 42 });
  });

  it.each([
    ['an id that lost precision', { id: Number('24886749771200001') }],
    ['no id', { id: undefined }],
    ['no size', { size: 'big' }],
    ['a short sha1', { sha1: 'abc' }],
    ['no date at all', { dateTaken: undefined }],
  ])('refuses an entry with %s', (_, extra) => {
    expect(() => parseItem(galleryEntry(1, extra), '1')).toThrow(
      expect.objectContaining({ kind: 'xiaomi-malformed-response' }),
    );
  });
});

describe('albumItemPages', () => {
  it('pages through all items 100 at a time, without a date window', async () => {
    const fetch = galleryServer(250);
    const pages = await collect(albumItemPages(testHttp(fetch), 'i.mi.com', '31415926535897932'));
    expect(pages.map((p) => [p.pageNum, p.items.length, p.isLastPage])).toEqual([
      [0, 100, false],
      [1, 100, false],
      [2, 50, true],
    ]);
    expect(new Set(pages.flatMap((p) => p.items.map((i) => i.id))).size).toBe(250);
    expect(fetch.requests).toHaveLength(3);
    for (const request of fetch.requests) {
      expect(request.url.pathname).toBe(GALLERIES);
      expect(request.url.searchParams.get('albumId')).toBe('31415926535897932');
      expect(request.url.searchParams.get('pageSize')).toBe('100');
      expect(request.url.searchParams.has('startDate')).toBe(false);
      expect(request.url.searchParams.has('endDate')).toBe(false);
      expect(request.credentials).toBe('include');
    }
  });

  it('caps the page size at 100 and resumes from a given page', async () => {
    const fetch = galleryServer(250);
    const pages = await collect(albumItemPages(testHttp(fetch), 'i.mi.com', '1', 2, { pageSize: 500 }));
    expect(pages.map((p) => p.pageNum)).toEqual([2]);
    expect(pages[0]?.items[0]?.id).toBe('24886749771200200');
    expect(fetch.requests.map((r) => r.url.searchParams.get('pageSize'))).toEqual(['100']);
  });

  it('keeps ids sent as JSON numbers exact and ignores unknown and oversized fields', async () => {
    const body =
      '{"result":"ok","code":0,"data":{"isLastPage":true,"indexHash":1054380001,"galleries":[' +
      '{"id":24886749771200001,"fileName":"IMG_1.jpg","type":"image","mimeType":"image/jpeg","size":3145728,' +
      '"sha1":"0a1b2c3d4e5f60718293a4b5c6d7e8f901234567","dateTaken":1717208100000,"tag":48926435156960001,' +
      '"groupId":31415926535897932,"exifInfo":{"imageWidth":4000},"novelty":{"x":[1,2]}}]}}';
    const fetch = recordingFetch(() => json(body));
    const [page] = await collect(albumItemPages(testHttp(fetch), 'i.mi.com', '1'));
    expect(page?.items).toEqual([
      {
        id: '24886749771200001',
        albumId: '1',
        fileName: 'IMG_1.jpg',
        type: 'image',
        mimeType: 'image/jpeg',
        size: 3145728,
        sha1: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
        dateTaken: 1717208100000,
        isFavorite: false,
        isLivePhoto: false,
        // exifInfo without dateTime: the file very likely carries no capture date.
        exifDateListed: false,
      },
    ]);
  });

  it('keeps different items that share a file name', async () => {
    const fetch = recordingFetch(() =>
      ok({
        galleries: [galleryEntry(1, { fileName: 'a.jpg' }), galleryEntry(2, { fileName: 'a.jpg' })],
        isLastPage: true,
      }),
    );
    const [page] = await collect(albumItemPages(testHttp(fetch), 'i.mi.com', '1'));
    expect(page?.items.map((i) => i.id)).toEqual(['24886749771200001', '24886749771200002']);
  });

  it('yields an empty album as one empty last page', async () => {
    const fetch = recordingFetch(() => ok({ galleries: [], isLastPage: true }));
    const pages = await collect(albumItemPages(testHttp(fetch), 'i.mi.com', '1'));
    expect(pages).toEqual([{ albumId: '1', pageNum: 0, items: [], isLastPage: true }]);
  });

  it('fetches a malformed page again with back-off and carries on', async () => {
    const clock = instantClock();
    const answers = [
      () => json('<html>502</html>'),
      () => json('{"result":"ok","code":0,"data":{"galleries":[{"id":"2488'),
      () => ok({ galleries: [], isLastPage: false }),
      () => ok({ galleries: [galleryEntry(1)], isLastPage: true }),
    ];
    const fetch = recordingFetch(() => answers.shift()!());
    const pages = await collect(albumItemPages(testHttp(fetch, clock), 'i.mi.com', '1'));
    expect(pages.map((p) => p.items.length)).toEqual([1]);
    expect(fetch.requests.map(pageNum)).toEqual([0, 0, 0, 0]);
    expect(clock.sleeps).toHaveLength(3);
    expect(clock.sleeps[2]).toBeGreaterThan(clock.sleeps[0]!);
  });

  it.each([
    ['an HTML page', () => json('<html>maintenance</html>')],
    ['an empty page that claims more follow', () => ok({ galleries: [], isLastPage: false })],
    ['a page without isLastPage', () => ok({ galleries: [galleryEntry(1)] })],
    ['a page without its list', () => ok({ isLastPage: true })],
    ['an entry without sha1', () => ok({ galleries: [galleryEntry(1, { sha1: null })], isLastPage: true })],
  ])('reports %s as malformed once retries run out, never as the end', async (_, answer) => {
    const fetch = recordingFetch(answer);
    const pages = albumItemPages(testHttp(fetch), 'i.mi.com', '1');
    await expect(collect(pages)).rejects.toMatchObject({ kind: 'xiaomi-malformed-response' });
    expect(fetch.requests).toHaveLength(5);
  });

  it('reports a server that ignores pageNum instead of paging forever', async () => {
    const fetch = recordingFetch(() => ok({ galleries: [galleryEntry(1)], isLastPage: false }));
    const pages = albumItemPages(testHttp(fetch), 'i.mi.com', '1');
    await expect(collect(pages)).rejects.toMatchObject({ kind: 'xiaomi-malformed-response' });
    expect(fetch.requests.map(pageNum)).toEqual([0, 1, 1, 1, 1, 1]);
  });

  it('throws a 401 in the middle of an album after the pages before it', async () => {
    const fetch = recordingFetch((r) =>
      pageNum(r) === 0 ? ok({ galleries: [galleryEntry(1)], isLastPage: false }) : unauthorized(),
    );
    const seen: number[] = [];
    const walk = async () => {
      for await (const page of albumItemPages(testHttp(fetch), 'i.mi.com', '1')) seen.push(page.pageNum);
    };
    await expect(walk()).rejects.toMatchObject({ kind: 'xiaomi-logged-out' });
    expect(seen).toEqual([0]);
    expect(fetch.requests).toHaveLength(2);
  });
});
