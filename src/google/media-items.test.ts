import { describe, expect, it } from 'vitest';
import { googleError, json, type RecordedRequest, signedInGoogle } from './test-support.ts';

function mediaItem(id: string, filename: string) {
  return {
    id,
    productUrl: `https://photos.google.com/lr/photo/${id}`,
    mimeType: 'image/jpeg',
    filename,
    mediaMetadata: { creationTime: '2024-07-14T10:21:08Z', width: '4032', height: '3024' },
  };
}

const items = [
  { uploadToken: 'T1', fileName: 'IMG_0042.JPG', description: 'Beach day' },
  { uploadToken: 'T2', fileName: 'DSC09999.ARW' },
  { uploadToken: 'T3', fileName: '海边.jpg' },
  { uploadToken: 'T4', fileName: 'dup.jpg' },
  { uploadToken: 'T5', fileName: 'dup2.jpg' },
  { uploadToken: 'T6', fileName: 'lost.jpg' },
  { uploadToken: 'T7', fileName: 'odd.jpg' },
];

describe('batchCreate', () => {
  it('sends album, names and descriptions, and matches every result by token whatever the order', async () => {
    const { google, fetch } = await signedInGoogle(() =>
      json(200, {
        newMediaItemResults: [
          { uploadToken: 'T7', status: { message: 'OK' } },
          {
            uploadToken: 'T5',
            status: {
              code: 6,
              message: 'EXISTS: There was an error while trying to create this media item.',
            },
          },
          {
            uploadToken: 'T4',
            status: { code: 6, message: 'EXISTS' },
            mediaItem: mediaItem('AFakeItem_4', 'dup.jpg'),
          },
          {
            uploadToken: 'T2',
            status: {
              code: 3,
              message: 'BAD_IMAGE: There was an error while trying to create this media item.',
            },
          },
          {
            uploadToken: 'T3',
            status: {
              code: 13,
              message: 'Failed: There was an error while trying to create this media item.',
            },
          },
          {
            uploadToken: 'T1',
            status: { message: 'Success' },
            mediaItem: mediaItem('AFakeItem_0001', 'IMG_0042.JPG'),
          },
          { uploadToken: 'UNKNOWN', status: { message: 'Success' }, mediaItem: mediaItem('Stray', 'x.jpg') },
        ],
      }),
    );
    const results = await google.mediaItems.batchCreate({ albumId: 'AFakeAlbum_01', items });

    const request = fetch.photosRequests()[0] as RecordedRequest;
    expect(request.url.toString()).toBe('https://photoslibrary.googleapis.com/v1/mediaItems:batchCreate');
    expect(request.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(request.text());
    expect(body.albumId).toBe('AFakeAlbum_01');
    expect(body.newMediaItems[0]).toEqual({
      description: 'Beach day',
      simpleMediaItem: { uploadToken: 'T1', fileName: 'IMG_0042.JPG' },
    });
    expect(body.newMediaItems[2]).toEqual({ simpleMediaItem: { uploadToken: 'T3', fileName: '海边.jpg' } });

    expect(results).toEqual([
      {
        kind: 'created',
        uploadToken: 'T1',
        mediaItemId: 'AFakeItem_0001',
        alreadyExisted: false,
        productUrl: 'https://photos.google.com/lr/photo/AFakeItem_0001',
        filename: 'IMG_0042.JPG',
        mimeType: 'image/jpeg',
        creationTime: Date.parse('2024-07-14T10:21:08Z'),
      },
      {
        kind: 'rejected',
        uploadToken: 'T2',
        message: 'BAD_IMAGE: There was an error while trying to create this media item.',
        error: expect.objectContaining({
          kind: 'google-rejected-media',
          details: { serverMessage: 'BAD_IMAGE: There was an error while trying to create this media item.' },
        }),
      },
      {
        kind: 'retry',
        uploadToken: 'T3',
        message: 'Failed: There was an error while trying to create this media item.',
      },
      expect.objectContaining({
        kind: 'created',
        uploadToken: 'T4',
        mediaItemId: 'AFakeItem_4',
        alreadyExisted: true,
      }),
      {
        kind: 'exists',
        uploadToken: 'T5',
        message: 'EXISTS: There was an error while trying to create this media item.',
      },
      { kind: 'retry', uploadToken: 'T6', message: 'Google returned no result for this item' },
      { kind: 'retry', uploadToken: 'T7', message: 'OK, but no media item' },
    ]);
  });

  it('sends no albumId when there is none, and reads a video still processing as created', async () => {
    const { google, fetch } = await signedInGoogle(() =>
      json(200, {
        newMediaItemResults: [
          {
            uploadToken: 'V',
            status: { message: 'Success' },
            mediaItem: {
              id: 'AFakeVideo',
              filename: 'clip.mp4',
              mediaMetadata: {
                creationTime: '2024-07-14T10:21:08Z',
                video: { fps: 29.97, status: 'PROCESSING' },
              },
            },
          },
        ],
      }),
    );
    const [result] = await google.mediaItems.batchCreate({
      items: [{ uploadToken: 'V', fileName: 'clip.mp4' }],
    });
    expect(result).toMatchObject({ kind: 'created', mediaItemId: 'AFakeVideo' });
    expect(JSON.parse(fetch.photosRequests()[0]?.text() ?? '')).not.toHaveProperty('albumId');
  });

  it('takes 1 to 50 items with distinct tokens, refusing others before any request', async () => {
    const { google, fetch } = await signedInGoogle(() => json(200, { newMediaItemResults: [] }));
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ uploadToken: `T${i}`, fileName: 'a.jpg' }));
    await expect(google.mediaItems.batchCreate({ items: [] })).rejects.toThrow(RangeError);
    await expect(google.mediaItems.batchCreate({ items: many(51) })).rejects.toThrow(RangeError);
    await expect(
      google.mediaItems.batchCreate({ items: [items[0], items[0]].filter((i) => i !== undefined) }),
    ).rejects.toThrow(RangeError);
    expect(fetch.photosRequests()).toHaveLength(0);
    const results = await google.mediaItems.batchCreate({ items: many(50) });
    expect(results).toHaveLength(50);
    expect(results.every((r) => r.kind === 'retry')).toBe(true);
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'Request must contain a valid upload token.', 'google-upload-token-invalid'],
    [400, 'INVALID_ARGUMENT', 'The provided ID does not match any albums.', 'google-album-missing'],
    [
      400,
      'INVALID_ARGUMENT',
      "The remaining storage in the user's account is not enough to perform this operation.",
      'google-storage-full',
    ],
    [403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'google-scope-missing'],
  ])('fails as a whole on %i "%s" → %s', async (status, rpcStatus, message, kind) => {
    const { google } = await signedInGoogle(() => googleError(status, rpcStatus, message));
    await expect(google.mediaItems.batchCreate({ items: items.slice(0, 1) })).rejects.toMatchObject({ kind });
  });

  it('never sends batchCreate twice after a 5xx: the items may exist', async () => {
    const { google, fetch } = await signedInGoogle(() =>
      googleError(500, 'INTERNAL', 'Internal error encountered.'),
    );
    await expect(google.mediaItems.batchCreate({ items: items.slice(0, 1) })).rejects.toMatchObject({
      kind: 'google-server-error',
    });
    expect(fetch.photosRequests()).toHaveLength(1);
  });
});

describe('reading back app-created items', () => {
  it('lists every page of app-created media items', async () => {
    const { google, fetch } = await signedInGoogle((request) =>
      request.url.searchParams.get('pageToken') === 'p2'
        ? json(200, { mediaItems: [mediaItem('C', 'c.jpg')] })
        : json(200, { mediaItems: [mediaItem('A', 'a.jpg'), mediaItem('B', 'b.jpg')], nextPageToken: 'p2' }),
    );
    const found = await google.mediaItems.listAppMediaItems();
    expect(found.map((i) => i.id)).toEqual(['A', 'B', 'C']);
    expect(fetch.photosRequests().map((r) => r.url.search)).toEqual([
      '?pageSize=100',
      '?pageSize=100&pageToken=p2',
    ]);
  });

  it("searches an album's items over all pages, an empty page having no array", async () => {
    const { google, fetch } = await signedInGoogle((request) =>
      JSON.parse(request.text()).pageToken === 'p2'
        ? json(200, {})
        : json(200, { mediaItems: [mediaItem('A', 'a.jpg')], nextPageToken: 'p2' }),
    );
    expect((await google.mediaItems.searchAlbumItems('AFakeAlbum_01')).map((i) => i.id)).toEqual(['A']);
    const bodies = fetch.photosRequests().map((r) => JSON.parse(r.text()));
    expect(bodies).toEqual([
      { albumId: 'AFakeAlbum_01', pageSize: 100 },
      { albumId: 'AFakeAlbum_01', pageSize: 100, pageToken: 'p2' },
    ]);
  });

  it('reports an album Google does not know as missing', async () => {
    const { google } = await signedInGoogle(() => googleError(400, 'INVALID_ARGUMENT', 'Invalid album id.'));
    await expect(google.mediaItems.searchAlbumItems('gone')).rejects.toMatchObject({
      kind: 'google-album-missing',
    });
  });

  it('stops on a page token that comes back, rather than paging forever', async () => {
    const { google } = await signedInGoogle(() => json(200, { mediaItems: [], nextPageToken: 'same' }));
    await expect(google.mediaItems.listAppMediaItems()).rejects.toMatchObject({
      kind: 'unexpected-response',
    });
  });
});
