import { beforeEach, describe, expect, it } from 'vitest';
import { jpegFile, movieFile, PHOTOS_SCOPES, pngFile } from './index.ts';
import { postJson, restoreDefaults, serveFakeGoogle, uploadRaw } from './test-servers.ts';

const OTHER_CLIENT = '999888777666-otherapp.apps.googleusercontent.com';

const { google, clock, servers } = serveFakeGoogle();
let token: string;
let saltCounter = 0;

beforeEach(() => {
  restoreDefaults(google, [
    'dedupe',
    'consumedTokenReuse',
    'resultOrder',
    'maxPhotoBytes',
    'partialSuccessStatus',
    'successMessage',
  ]);
  google.setStorageRemaining(Number.POSITIVE_INFINITY);
  google.clearFaults();
  token = google.issueAccessToken();
});

function uniqueJpeg(options: Parameters<typeof jpegFile>[0] = {}): Buffer {
  saltCounter++;
  return jpegFile({ ...options, salt: `bc-${saltCounter}` });
}

interface NewItem {
  uploadToken: string;
  fileName?: string;
  description?: string;
}

function batchCreate(items: NewItem[], extra: Record<string, unknown> = {}, bearer = token) {
  return postJson(servers, bearer, '/v1/mediaItems:batchCreate', {
    ...extra,
    newMediaItems: items.map(({ uploadToken, fileName, description }) => ({
      ...(description === undefined ? {} : { description }),
      simpleMediaItem: { uploadToken, ...(fileName === undefined ? {} : { fileName }) },
    })),
  });
}

async function createAlbum(title: string, bearer = token): Promise<string> {
  const response = await postJson(servers, bearer, '/v1/albums', { album: { title } });
  expect(response.status).toBe(200);
  return response.json().id;
}

describe('batchCreate: success (§I4, §C5)', () => {
  it('creates items with the documented shape, dates from EXIF, and records what arrived', async () => {
    const photo = uniqueJpeg({
      width: 4032,
      height: 3024,
      exif: {
        dateTimeOriginal: '2024:07:14 18:21:08',
        offsetTimeOriginal: '+08:00',
        make: 'Google',
        model: 'Pixel 8',
      },
    });
    const uploadToken = await uploadRaw(servers, token, photo, 'header-name.jpg');
    const response = await batchCreate([{ uploadToken, fileName: 'IMG_0042.JPG', description: 'Beach day' }]);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8');
    const [result] = response.json().newMediaItemResults;
    expect(result).toEqual({
      uploadToken,
      status: { message: 'Success' },
      mediaItem: {
        id: expect.stringMatching(/^AFakeItem/),
        description: 'Beach day',
        productUrl: `https://photos.google.com/lr/photo/${result.mediaItem.id}`,
        mimeType: 'image/jpeg',
        filename: 'IMG_0042.JPG',
        mediaMetadata: {
          creationTime: '2024-07-14T10:21:08Z',
          width: '4032',
          height: '3024',
          photo: { cameraMake: 'Google', cameraModel: 'Pixel 8' },
        },
      },
    });
    const item = google.state.mediaItems.get(result.mediaItem.id)!;
    expect(item).toMatchObject({
      filename: 'IMG_0042.JPG',
      description: 'Beach day',
      uploadToken,
      byteLength: photo.length,
    });
    expect(google.state.bytesOf(item.id)?.equals(photo)).toBe(true);
  });

  it('uses the upload time without an embedded date, and marks videos PROCESSING', async () => {
    clock.set(Date.parse('2026-09-14T12:00:00Z'));
    const plain = await uploadRaw(servers, token, uniqueJpeg(), 'plain.jpg');
    const video = await uploadRaw(
      servers,
      token,
      movieFile({ salt: 'bc-video', createdAt: new Date('2019-08-07T06:05:04Z') }),
    );
    const undated = await uploadRaw(servers, token, movieFile({ salt: 'bc-undated' }));
    const results = (
      await batchCreate([{ uploadToken: plain }, { uploadToken: video }, { uploadToken: undated }])
    ).json().newMediaItemResults;
    const byToken = (uploadToken: string) =>
      results.find((result: NewItem) => result.uploadToken === uploadToken).mediaItem;
    expect(byToken(plain).mediaMetadata.creationTime).toMatch(/^2026-09-14T12:00:\d\dZ$/);
    expect(byToken(video).mediaMetadata).toEqual({
      creationTime: '2019-08-07T06:05:04Z',
      width: '1920',
      height: '1080',
      video: { status: 'PROCESSING' },
    });
    expect(byToken(undated).mediaMetadata.creationTime).toMatch(/^2026-09-14T12:00:\d\dZ$/);
  });

  it('names items: simpleMediaItem.fileName over the header, else the upload date (§E9)', async () => {
    clock.set(Date.parse('2023-10-23T08:00:00Z'));
    const named = await uploadRaw(servers, token, uniqueJpeg(), 'FROM_HEADER.JPG');
    const nameless = await uploadRaw(servers, token, pngFile({ salt: `bc-nameless-${saltCounter++}` }));
    const results = (await batchCreate([{ uploadToken: named }, { uploadToken: nameless }])).json()
      .newMediaItemResults;
    const names = results
      .map((result: { mediaItem: { filename: string } }) => result.mediaItem.filename)
      .sort();
    expect(names).toEqual(['2023-10-23.png', 'FROM_HEADER.JPG']);
  });

  it('accepts exactly 50 items and refuses 51 with the exact error', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 51 }, () => uploadRaw(servers, token, uniqueJpeg())),
    );
    const itemsBefore = google.state.mediaItems.size;
    const tooMany = await batchCreate(tokens.map((uploadToken) => ({ uploadToken })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json()).toEqual({
      error: { code: 400, message: 'Request must have less than 50 items.', status: 'INVALID_ARGUMENT' },
    });
    expect(google.state.mediaItems.size).toBe(itemsBefore);
    const fifty = await batchCreate(tokens.slice(0, 50).map((uploadToken) => ({ uploadToken })));
    expect(fifty.status).toBe(200);
    expect(fifty.json().newMediaItemResults).toHaveLength(50);
  });

  it('shuffles results by default, so only matching by uploadToken is safe', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => uploadRaw(servers, token, uniqueJpeg())),
    );
    const results = (await batchCreate(tokens.map((uploadToken) => ({ uploadToken })))).json()
      .newMediaItemResults;
    const answered = results.map((result: NewItem) => result.uploadToken);
    expect([...answered].sort()).toEqual([...tokens].sort());
    expect(answered).not.toEqual(tokens);
    google.configure({ resultOrder: 'reversed' });
    const more = await Promise.all(Array.from({ length: 3 }, () => uploadRaw(servers, token, uniqueJpeg())));
    const reversed = (await batchCreate(more.map((uploadToken) => ({ uploadToken })))).json()
      .newMediaItemResults;
    expect(reversed.map((result: NewItem) => result.uploadToken)).toEqual([...more].reverse());
  });
});

describe('batchCreate: per-item failures inside HTTP 200 (§C6, §C7)', () => {
  it('answers BAD_IMAGE (code 3, no mediaItem) for unsupported bytes and creates the rest', async () => {
    const good = await uploadRaw(servers, token, uniqueJpeg(), 'IMG_0042.JPG');
    const raw = await uploadRaw(
      servers,
      token,
      Buffer.from('not a picture at all, just text'),
      'DSC09999.ARW',
    );
    const response = await batchCreate([{ uploadToken: good }, { uploadToken: raw }]);
    expect(response.status).toBe(200);
    const results = response.json().newMediaItemResults;
    expect(results.find((result: NewItem) => result.uploadToken === raw)).toEqual({
      uploadToken: raw,
      status: { code: 3, message: 'BAD_IMAGE: There was an error while trying to create this media item.' },
    });
    expect(results.find((result: NewItem) => result.uploadToken === good).mediaItem.filename).toBe(
      'IMG_0042.JPG',
    );
  });

  it("answers partial success with 207 and success as 'OK' when configured so", async () => {
    google.configure({ partialSuccessStatus: 207, successMessage: 'OK' });
    const good = await uploadRaw(servers, token, uniqueJpeg());
    const bad = await uploadRaw(servers, token, Buffer.from('unsupported bytes here'));
    const partial = await batchCreate([{ uploadToken: good }, { uploadToken: bad }]);
    expect(partial.status).toBe(207);
    const okResult = partial
      .json()
      .newMediaItemResults.find((result: NewItem) => result.uploadToken === good);
    expect(okResult.status).toEqual({ message: 'OK' });
    const whole = await batchCreate([{ uploadToken: await uploadRaw(servers, token, uniqueJpeg()) }]);
    expect(whole.status).toBe(200);
  });

  it('fails an injected item with code 13, once', async () => {
    google.failNextItem({ code: 13, fileName: 'flaky.jpg' });
    const flaky = await uploadRaw(servers, token, uniqueJpeg(), 'flaky.jpg');
    const first = (await batchCreate([{ uploadToken: flaky }])).json().newMediaItemResults[0];
    expect(first.status).toEqual({
      code: 13,
      message: 'Failed: There was an error while trying to create this media item.',
    });
    expect(first.mediaItem).toBeUndefined();
    const second = (await batchCreate([{ uploadToken: flaky }])).json().newMediaItemResults[0];
    expect(second.status).toEqual({ message: 'Success' });
  });

  it('fails a photo above the size limit with code 3', async () => {
    google.configure({ maxPhotoBytes: 20 });
    const big = await uploadRaw(servers, token, uniqueJpeg());
    const result = (await batchCreate([{ uploadToken: big }])).json().newMediaItemResults[0];
    expect(result.status.code).toBe(3);
  });
});

describe('batchCreate: identical bytes and reused tokens (§C8, §I4)', () => {
  it("(a) 'same-item' returns the first item, keeping its first name", async () => {
    const photo = uniqueJpeg();
    const first = await uploadRaw(servers, token, photo);
    const firstItem = (await batchCreate([{ uploadToken: first, fileName: 'first.jpg' }])).json()
      .newMediaItemResults[0].mediaItem;
    const again = await uploadRaw(servers, token, photo);
    const result = (await batchCreate([{ uploadToken: again, fileName: 'second.jpg' }])).json()
      .newMediaItemResults[0];
    expect(result.status).toEqual({ message: 'Success' });
    expect(result.mediaItem.id).toBe(firstItem.id);
    expect(result.mediaItem.filename).toBe('first.jpg');
    expect(google.state.mediaItemList().filter((item) => item.id === firstItem.id)).toHaveLength(1);
  });

  it("(b) 'exists' answers code 6 for a re-created duplicate, also within one request", async () => {
    google.configure({ dedupe: 'exists' });
    const photo = uniqueJpeg();
    const tokens = [await uploadRaw(servers, token, photo), await uploadRaw(servers, token, photo)];
    const results = (await batchCreate(tokens.map((uploadToken) => ({ uploadToken })))).json()
      .newMediaItemResults;
    const statuses = tokens.map(
      (uploadToken) => results.find((result: NewItem) => result.uploadToken === uploadToken).status,
    );
    expect(statuses).toEqual([
      { message: 'Success' },
      { code: 6, message: 'EXISTS: There was an error while trying to create this media item.' },
    ]);
  });

  it("(c) 'new-item' creates a second copy", async () => {
    google.configure({ dedupe: 'new-item' });
    const photo = uniqueJpeg();
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const uploadToken = await uploadRaw(servers, token, photo);
      ids.push((await batchCreate([{ uploadToken }])).json().newMediaItemResults[0].mediaItem.id);
    }
    expect(new Set(ids).size).toBe(2);
  });

  it('answers a reused upload token per consumedTokenReuse', async () => {
    const uploadToken = await uploadRaw(servers, token, uniqueJpeg());
    const created = (await batchCreate([{ uploadToken }])).json().newMediaItemResults[0].mediaItem;

    const invalid = await batchCreate([{ uploadToken }]);
    expect(invalid.status).toBe(400);
    expect(invalid.json().error.message).toBe('Request must contain a valid upload token.');

    google.configure({ consumedTokenReuse: 'same-item' });
    expect((await batchCreate([{ uploadToken }])).json().newMediaItemResults[0].mediaItem.id).toBe(
      created.id,
    );

    google.configure({ consumedTokenReuse: 'bad-image' });
    const failed = (await batchCreate([{ uploadToken }])).json().newMediaItemResults[0];
    expect(failed.status.code).toBe(3);
    expect(failed.mediaItem).toBeUndefined();
  });
});

describe('batchCreate: whole-request errors (§I5)', () => {
  it('refuses the whole request for one unknown token and creates nothing', async () => {
    const good = await uploadRaw(servers, token, uniqueJpeg());
    const before = google.state.mediaItems.size;
    const response = await batchCreate([{ uploadToken: good }, { uploadToken: 'CAISnot-a-real-token' }]);
    expect(response.status).toBe(400);
    expect(response.json().error).toEqual({
      code: 400,
      message: 'Request must contain a valid upload token.',
      status: 'INVALID_ARGUMENT',
    });
    expect(google.state.mediaItems.size).toBe(before);
  });

  it('refuses a file name over 255 or a description over 1000 characters', async () => {
    const uploadToken = await uploadRaw(servers, token, uniqueJpeg());
    expect((await batchCreate([{ uploadToken, fileName: `${'x'.repeat(252)}.jpg` }])).status).toBe(400);
    expect((await batchCreate([{ uploadToken, description: 'd'.repeat(1001) }])).status).toBe(400);
    expect(
      (
        await batchCreate([
          { uploadToken, fileName: `${'x'.repeat(251)}.jpg`, description: 'd'.repeat(1000) },
        ])
      ).status,
    ).toBe(200);
  });

  it('needs the appendonly scope (403 insufficient scopes)', async () => {
    const uploadToken = await uploadRaw(servers, token, uniqueJpeg());
    const readOnly = google.issueAccessToken({ scopes: [PHOTOS_SCOPES.readAppCreated] });
    const response = await batchCreate([{ uploadToken }], {}, readOnly);
    expect(response.status).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
    });
  });

  it('refuses albumPosition without albumId', async () => {
    const uploadToken = await uploadRaw(servers, token, uniqueJpeg());
    const response = await batchCreate([{ uploadToken }], { albumPosition: { position: 'FIRST_IN_ALBUM' } });
    expect(response.status).toBe(400);
    expect(response.json().error.status).toBe('INVALID_ARGUMENT');
  });

  it('stops at full storage with the exact message, and goes on once space is freed', async () => {
    const photo = uniqueJpeg();
    const uploadToken = await uploadRaw(servers, token, photo);
    google.setStorageRemaining(photo.length - 1);
    const full = await batchCreate([{ uploadToken }]);
    expect(full.status).toBe(400);
    expect(full.json().error).toEqual({
      code: 400,
      message: "The remaining storage in the user's account is not enough to perform this operation.",
      status: 'INVALID_ARGUMENT',
    });
    google.setStorageRemaining(photo.length + 10);
    expect((await batchCreate([{ uploadToken }])).status).toBe(200);
    expect(google.state.storageRemainingBytes).toBe(10);
  });
});

describe('batchCreate into albums (§C1, §I5)', () => {
  it("adds created items to the caller's album in request order", async () => {
    google.configure({ resultOrder: 'shuffled' });
    const albumId = await createAlbum('Trip');
    const tokens = await Promise.all(
      Array.from({ length: 4 }, () => uploadRaw(servers, token, uniqueJpeg())),
    );
    const results = (
      await batchCreate(
        tokens.map((uploadToken) => ({ uploadToken })),
        { albumId },
      )
    ).json().newMediaItemResults;
    const idOf = (uploadToken: string) =>
      results.find((result: NewItem) => result.uploadToken === uploadToken).mediaItem.id;
    expect(google.state.albums.get(albumId)?.itemIds).toEqual(tokens.map(idOf));
  });

  it("refuses another client's album and an album the user deleted", async () => {
    const foreignAlbum = await createAlbum('Other app', google.issueAccessToken({ clientId: OTHER_CLIENT }));
    const deletedAlbum = await createAlbum('Deleted');
    google.deleteAlbumAsUser(deletedAlbum);
    for (const albumId of [foreignAlbum, deletedAlbum, 'AFakeAlbumNoSuchThing']) {
      const uploadToken = await uploadRaw(servers, token, uniqueJpeg());
      const response = await batchCreate([{ uploadToken }], { albumId });
      expect(response.status).toBe(400);
      expect(response.json().error.message).toBe('The provided ID does not match any albums.');
    }
  });
});
