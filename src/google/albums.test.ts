import { describe, expect, it } from 'vitest';
import { googleError, json, signedInGoogle } from './test-support.ts';

const album = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  id,
  title,
  productUrl: `https://photos.google.com/lr/album/${id}`,
  isWriteable: true,
  ...extra,
});

describe('Albums', () => {
  it('creates an album with its title, shortened past 500 characters', async () => {
    const { google, fetch } = await signedInGoogle((request) =>
      json(200, album('AFakeAlbum_01', JSON.parse(request.text()).album.title)),
    );
    expect(await google.albums.createAlbum('Camera 2024')).toEqual({
      id: 'AFakeAlbum_01',
      title: 'Camera 2024',
      productUrl: 'https://photos.google.com/lr/album/AFakeAlbum_01',
      mediaItemsCount: 0,
    });
    await google.albums.createAlbum('t'.repeat(600));
    const bodies = fetch.photosRequests().map((r) => JSON.parse(r.text()));
    expect(bodies[0]).toEqual({ album: { title: 'Camera 2024' } });
    expect(bodies[1].album.title).toBe(`${'t'.repeat(497)}...`);
    expect(fetch.photosRequests()[0]?.url.toString()).toBe('https://photoslibrary.googleapis.com/v1/albums');
  });

  it('never creates an album twice after a 5xx', async () => {
    const { google, fetch } = await signedInGoogle(() =>
      googleError(503, 'UNAVAILABLE', 'Internal error encountered.'),
    );
    await expect(google.albums.createAlbum('A')).rejects.toMatchObject({ kind: 'google-server-error' });
    expect(fetch.photosRequests()).toHaveLength(1);
  });

  it('lists every page of app-created albums, counts as numbers', async () => {
    const { google, fetch } = await signedInGoogle((request) =>
      request.url.searchParams.get('pageToken')
        ? json(200, { albums: [album('B', 'Two', { mediaItemsCount: '12' })] })
        : json(200, { albums: [album('A', 'One')], nextPageToken: 'next' }),
    );
    expect(await google.albums.listAppAlbums()).toEqual([
      expect.objectContaining({ id: 'A', title: 'One', mediaItemsCount: 0 }),
      expect.objectContaining({ id: 'B', title: 'Two', mediaItemsCount: 12 }),
    ]);
    expect(fetch.photosRequests().map((r) => r.url.search)).toEqual([
      '?pageSize=50',
      '?pageSize=50&pageToken=next',
    ]);
  });

  it('gets one album, and reports one Google does not know as missing', async () => {
    const { google } = await signedInGoogle((request) =>
      request.url.pathname.endsWith('/A%2FB')
        ? json(200, album('A/B', 'x'))
        : googleError(404, 'NOT_FOUND', 'Requested entity was not found.'),
    );
    expect((await google.albums.getAlbum('A/B')).id).toBe('A/B');
    await expect(google.albums.getAlbum('C')).rejects.toMatchObject({ kind: 'google-album-missing' });
  });

  it('adds up to 50 items to an album', async () => {
    const { google, fetch } = await signedInGoogle(() => json(200, {}));
    await google.albums.batchAddMediaItems('AFakeAlbum_01', ['I1', 'I2']);
    const request = fetch.photosRequests()[0];
    expect(request?.url.toString()).toBe(
      'https://photoslibrary.googleapis.com/v1/albums/AFakeAlbum_01:batchAddMediaItems',
    );
    expect(JSON.parse(request?.text() ?? '')).toEqual({ mediaItemIds: ['I1', 'I2'] });
    await expect(google.albums.batchAddMediaItems('AFakeAlbum_01', [])).rejects.toThrow(RangeError);
    await expect(
      google.albums.batchAddMediaItems(
        'AFakeAlbum_01',
        Array.from({ length: 51 }, (_, i) => `I${i}`),
      ),
    ).rejects.toThrow(RangeError);
    expect(fetch.photosRequests()).toHaveLength(1);
  });

  it.each([
    ['The provided ID does not match any albums.', 'google-album-missing'],
    ['Request contains an invalid media item id.', 'google-rejected-media'],
  ])('adding fails as a whole on "%s" → %s', async (message, kind) => {
    const { google } = await signedInGoogle(() => googleError(400, 'INVALID_ARGUMENT', message));
    await expect(google.albums.batchAddMediaItems('A', ['I1'])).rejects.toMatchObject({ kind });
  });

  it('a created album without an id is a MigrationError, not a half album', async () => {
    const { google } = await signedInGoogle(() => json(200, { title: 'no id' }));
    await expect(google.albums.createAlbum('x')).rejects.toMatchObject({ kind: 'unexpected-response' });
  });
});

describe('testSignIn', () => {
  it('signs in and makes exactly one Photos request', async () => {
    const { google, fetch } = await signedInGoogle(() => json(200, {}));
    const result = await google.testSignIn();
    expect(result.redirectUrl).toMatch(/\.chromiumapp\.org\/$/);
    expect(fetch.photosRequests().map((r) => r.url.toString())).toEqual([
      'https://photoslibrary.googleapis.com/v1/albums?pageSize=1',
    ]);
  });

  it('shows a disabled API right away', async () => {
    const { google } = await signedInGoogle(() =>
      googleError(
        403,
        'PERMISSION_DENIED',
        'Photos Library API has not been used in project 1 before or it is disabled.',
      ),
    );
    await expect(google.testSignIn()).rejects.toMatchObject({ kind: 'google-api-disabled' });
  });
});
