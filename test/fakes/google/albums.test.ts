import { beforeEach, describe, expect, it } from 'vitest';
import { createFakeGoogle, DEFAULT_CONFIG, jpegFile, movieFile, PHOTOS_SCOPES } from './index.ts';
import {
  getJson,
  postJson,
  restoreDefaults,
  serveFakeGoogle,
  startFakeGoogleServers,
  uploadRaw,
} from './test-servers.ts';

const OTHER_CLIENT = '999888777666-otherapp.apps.googleusercontent.com';

const { google, clock, servers } = serveFakeGoogle({ writesPerMinute: 10_000 });
let token: string;
let otherToken: string;
let saltCounter = 0;

beforeEach(() => {
  restoreDefaults(google, ['albumTitleOverflow', 'pageSizeOverflow']);
  token = google.issueAccessToken();
  otherToken = google.issueAccessToken({ clientId: OTHER_CLIENT });
});

async function createAlbum(title: string, bearer = token): Promise<string> {
  const response = await postJson(servers, bearer, '/v1/albums', { album: { title } });
  expect(response.status).toBe(200);
  return response.json().id;
}

/** Creates media items from fresh photos (or given files) and returns their ids in order. */
async function createItems(count: number, bearer = token, files?: Buffer[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = files?.[i] ?? jpegFile({ salt: `albums-${saltCounter++}` });
    const uploadToken = await uploadRaw(servers, bearer, bytes, `photo-${saltCounter}.jpg`);
    const response = await postJson(servers, bearer, '/v1/mediaItems:batchCreate', {
      newMediaItems: [{ simpleMediaItem: { uploadToken } }],
    });
    ids.push(response.json().newMediaItemResults[0].mediaItem.id);
  }
  return ids;
}

function addToAlbum(albumId: string, mediaItemIds: string[], bearer = token) {
  return postJson(servers, bearer, `/v1/albums/${albumId}:batchAddMediaItems`, { mediaItemIds });
}

/** Follows nextPageToken through GET pages and returns every page's ids. */
async function collectPages(
  path: string,
  key: 'albums' | 'mediaItems',
  pageSize: number,
): Promise<string[][]> {
  const pages: string[][] = [];
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({ pageSize: String(pageSize), ...(pageToken ? { pageToken } : {}) });
    const body = (await getJson(servers, token, `${path}?${query}`)).json();
    pages.push((body[key] ?? []).map((entry: { id: string }) => entry.id));
    pageToken = body.nextPageToken;
  } while (pageToken);
  return pages;
}

describe('albums.create (§D1, §I6)', () => {
  it('answers the album resource; equal titles make separate albums', async () => {
    const response = await postJson(servers, token, '/v1/albums', {
      album: { title: 'Chrome uploads 2026-09' },
    });
    expect(response.json()).toEqual({
      id: expect.stringMatching(/^AFakeAlbum/),
      title: 'Chrome uploads 2026-09',
      productUrl: `https://photos.google.com/lr/album/${response.json().id}`,
      isWriteable: true,
    });
    const twin = await createAlbum('Chrome uploads 2026-09');
    expect(twin).not.toBe(response.json().id);
  });

  it('refuses a title over 500 characters by default, or truncates it when configured', async () => {
    const long = 't'.repeat(501);
    const refused = await postJson(servers, token, '/v1/albums', { album: { title: long } });
    expect(refused.status).toBe(400);
    expect((await postJson(servers, token, '/v1/albums', { album: { title: 't'.repeat(500) } })).status).toBe(
      200,
    );
    google.configure({ albumTitleOverflow: 'truncate' });
    const truncated = await postJson(servers, token, '/v1/albums', { album: { title: long } });
    expect(truncated.json().title).toHaveLength(500);
  });
});

describe('albums.batchAddMediaItems (§D3, §I6)', () => {
  it('appends own items in the given order and answers {}', async () => {
    const albumId = await createAlbum('Ordered');
    const ids = await createItems(3);
    const first = await addToAlbum(albumId, [ids[2]!, ids[0]!]);
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({});
    await addToAlbum(albumId, [ids[1]!]);
    expect(google.state.albums.get(albumId)?.itemIds).toEqual([ids[2], ids[0], ids[1]]);
  });

  it('fails the whole request for an item another client created, changing nothing', async () => {
    const albumId = await createAlbum('Mine');
    const [own] = await createItems(1);
    const [foreign] = await createItems(1, otherToken);
    const response = await addToAlbum(albumId, [own!, foreign!]);
    expect(response.status).toBe(400);
    expect(response.json().error).toEqual({
      code: 400,
      message: 'Request contains an invalid media item id.',
      status: 'INVALID_ARGUMENT',
    });
    expect(google.state.albums.get(albumId)?.itemIds).toEqual([]);
  });

  it('refuses more than 50 ids, and albums that are gone or not ours', async () => {
    const albumId = await createAlbum('Limits');
    const [own] = await createItems(1);
    expect(
      (
        await addToAlbum(
          albumId,
          Array.from({ length: 51 }, () => own!),
        )
      ).status,
    ).toBe(400);
    const foreignAlbum = await createAlbum('Theirs', otherToken);
    expect((await addToAlbum(foreignAlbum, [own!])).json().error.message).toBe(
      'The provided ID does not match any albums.',
    );
    google.deleteAlbumAsUser(albumId);
    expect((await addToAlbum(albumId, [own!])).json().error.message).toBe(
      'The provided ID does not match any albums.',
    );
  });

  it('accepts the edit.appcreateddata scope instead of appendonly', async () => {
    const albumId = await createAlbum('Edit scope');
    const [own] = await createItems(1);
    const editor = google.issueAccessToken({ scopes: [PHOTOS_SCOPES.editAppCreated] });
    expect((await addToAlbum(albumId, [own!], editor)).status).toBe(200);
  });
});

describe('reading albums back (§D4)', () => {
  it("lists only the caller's albums, 50 per page at most, with paging", async () => {
    const fresh = createFakeGoogle();
    const freshServers = await startFakeGoogleServers(fresh);
    try {
      const bearer = fresh.issueAccessToken();
      const created = [];
      for (let i = 0; i < 53; i++) {
        created.push(
          (await postJson(freshServers, bearer, '/v1/albums', { album: { title: `A${i}` } })).json().id,
        );
      }
      await postJson(freshServers, fresh.issueAccessToken({ clientId: OTHER_CLIENT }), '/v1/albums', {
        album: { title: 'not mine' },
      });
      const firstPage = (await getJson(freshServers, bearer, '/v1/albums?pageSize=100')).json();
      expect(firstPage.albums).toHaveLength(50);
      const second = (
        await getJson(freshServers, bearer, `/v1/albums?pageToken=${firstPage.nextPageToken}`)
      ).json();
      expect([...firstPage.albums, ...second.albums].map((album: { id: string }) => album.id)).toEqual(
        created.slice(0, 70),
      );
      expect(second.nextPageToken).toBeUndefined();
      fresh.configure({ pageSizeOverflow: 'reject' });
      expect((await getJson(freshServers, bearer, '/v1/albums?pageSize=51')).status).toBe(400);
      const empty = (
        await getJson(
          freshServers,
          fresh.issueAccessToken({ clientId: '1-nobody.apps.googleusercontent.com' }),
          '/v1/albums',
        )
      ).json();
      expect(empty).toEqual({});
    } finally {
      await freshServers.close();
    }
  });

  it('gets an own album with its count and cover; not a deleted or foreign one', async () => {
    const albumId = await createAlbum('Counted');
    const ids = await createItems(2);
    await addToAlbum(albumId, ids);
    expect((await getJson(servers, token, `/v1/albums/${albumId}`)).json()).toMatchObject({
      id: albumId,
      mediaItemsCount: '2',
      coverPhotoMediaItemId: ids[0],
    });
    const foreign = await createAlbum('Foreign', otherToken);
    expect((await getJson(servers, token, `/v1/albums/${foreign}`)).status).toBe(400);
    google.deleteAlbumAsUser(albumId);
    expect((await getJson(servers, token, `/v1/albums/${albumId}`)).status).toBe(400);
    const listed = (await collectPages('/v1/albums', 'albums', 50)).flat();
    expect(listed).not.toContain(albumId);
  });

  it('needs the readonly.appcreateddata scope', async () => {
    const appendOnly = google.issueAccessToken({ scopes: [PHOTOS_SCOPES.appendOnly] });
    const response = await getJson(servers, appendOnly, '/v1/albums');
    expect(response.status).toBe(403);
    expect(response.json().error.message).toBe('Request had insufficient authentication scopes.');
  });
});

describe('reading media items back (§D4)', () => {
  it('searches an album in album order, page by page', async () => {
    const albumId = await createAlbum('Searchable');
    const ids = await createItems(5);
    await addToAlbum(albumId, [...ids].reverse());
    const pages = [];
    let pageToken: string | undefined;
    do {
      const body = (
        await postJson(servers, token, '/v1/mediaItems:search', { albumId, pageSize: 2, pageToken })
      ).json();
      pages.push(body.mediaItems.map((item: { id: string }) => item.id));
      pageToken = body.nextPageToken;
    } while (pageToken);
    expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
  });

  it('filters by media type and date, and refuses albumId together with filters', async () => {
    const fresh = createFakeGoogle();
    const freshServers = await startFakeGoogleServers(fresh);
    try {
      const bearer = fresh.issueAccessToken();
      const files = [
        jpegFile({ salt: 'f1', exif: { dateTimeOriginal: '2020:05:01 10:00:00' } }),
        jpegFile({ salt: 'f2', exif: { dateTimeOriginal: '2021:05:01 10:00:00' } }),
        movieFile({ salt: 'f3', createdAt: new Date('2020-05-02T10:00:00Z') }),
      ];
      const ids: string[] = [];
      for (const bytes of files) {
        const uploadToken = await uploadRaw(freshServers, bearer, bytes);
        const body = (
          await postJson(freshServers, bearer, '/v1/mediaItems:batchCreate', {
            newMediaItems: [{ simpleMediaItem: { uploadToken } }],
          })
        ).json();
        ids.push(body.newMediaItemResults[0].mediaItem.id);
      }
      const search = async (body: unknown) =>
        ((await postJson(freshServers, bearer, '/v1/mediaItems:search', body)).json().mediaItems ?? []).map(
          (item: { id: string }) => item.id,
        );
      expect(await search({ filters: { mediaTypeFilter: { mediaTypes: ['VIDEO'] } } })).toEqual([ids[2]]);
      expect(await search({ filters: { dateFilter: { dates: [{ year: 2020 }] } } })).toEqual([
        ids[2],
        ids[0],
      ]);
      expect(
        await search({
          filters: {
            dateFilter: {
              ranges: [
                { startDate: { year: 2021, month: 1, day: 1 }, endDate: { year: 2021, month: 12, day: 31 } },
              ],
            },
          },
        }),
      ).toEqual([ids[1]]);
      expect(
        await search({
          filters: { dateFilter: { dates: [{ year: 2020 }] } },
          orderBy: 'MediaMetadata.creation_time',
        }),
      ).toEqual([ids[0], ids[2]]);
      const both = await postJson(freshServers, bearer, '/v1/mediaItems:search', {
        albumId: 'x',
        filters: {},
      });
      expect(both.status).toBe(400);
    } finally {
      await freshServers.close();
    }
  });

  it("lists, gets and batch-gets only the caller's items", async () => {
    const [own] = await createItems(1);
    const [foreign] = await createItems(1, otherToken);
    const listed = (await collectPages('/v1/mediaItems', 'mediaItems', 100)).flat();
    expect(listed).toContain(own);
    expect(listed).not.toContain(foreign);
    expect((await getJson(servers, token, `/v1/mediaItems/${own}`)).json().id).toBe(own);
    expect((await getJson(servers, token, `/v1/mediaItems/${foreign}`)).status).toBe(400);
    const batch = (
      await getJson(servers, token, `/v1/mediaItems:batchGet?mediaItemIds=${own}&mediaItemIds=${foreign}`)
    ).json();
    expect(batch.mediaItemResults[0].mediaItem.id).toBe(own);
    expect(batch.mediaItemResults[1].mediaItem).toBeUndefined();
    expect(batch.mediaItemResults[1].status.code).toBe(3);
  });

  it('reports a video READY once its processing time has passed on the fake clock', async () => {
    const [video] = await createItems(1, token, [movieFile({ salt: `ready-${saltCounter++}` })]);
    const status = async () =>
      (await getJson(servers, token, `/v1/mediaItems/${video}`)).json().mediaMetadata.video.status;
    expect(await status()).toBe('PROCESSING');
    clock.advance(DEFAULT_CONFIG.videoProcessingMs);
    token = google.issueAccessToken();
    expect(await status()).toBe('READY');
  });
});
