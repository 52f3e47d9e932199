import { describe, expect, it } from 'vitest';
import { matchCreatedItems } from '../../src/google/index.ts';
import { harnessPerTest, sha1Hex, uploadPhotos } from './google-harness.ts';

const start = harnessPerTest();

describe('batchCreate against the fake Google', () => {
  it('moves 50 photos into an album with at most 1.02 Photos requests each, results matched by token', async () => {
    const h = await start({ fake: { resultOrder: 'shuffled' } });
    const album = await h.google.albums.createAlbum('Camera');
    const before = h.photosRequests();

    const photos = await uploadPhotos(h.google, 50, 'IMG');
    const results = await h.google.mediaItems.batchCreate({ albumId: album.id, items: photos });

    expect((h.photosRequests() - before) / photos.length).toBeLessThanOrEqual(1.02);
    expect(results.map((r) => r.uploadToken)).toEqual(photos.map((p) => p.uploadToken));
    for (const [i, result] of results.entries()) {
      if (result.kind !== 'created') throw new Error(`photo ${i}: ${JSON.stringify(result)}`);
      const item = h.fake.state.mediaItems.get(result.mediaItemId);
      // The fake shuffles its answer: only matching by token pairs each photo with its own item.
      expect(item?.sha1).toBe(photos[i]?.sha1);
      expect(result.filename).toBe(photos[i]?.fileName);
    }
    expect(h.fake.state.itemsInAlbum(album.id).map((item) => item.filename)).toEqual(
      photos.map((p) => p.fileName),
    );
  });

  it('reports each item on its own: BAD_IMAGE rejected, code 13 retried, others created', async () => {
    const h = await start();
    const [good, flaky] = await uploadPhotos(h.google, 2, 'MIX');
    const raw = Buffer.from('SONY ARW raw sensor data the fake does not accept');
    const badToken = await h.google.uploads.uploadRaw(
      { fileName: 'DSC09999.ARW', mimeType: 'image/x-sony-arw', size: raw.length, sha1: sha1Hex(raw) },
      raw,
    );
    h.fake.failNextItem({ code: 13, fileName: flaky?.fileName });

    const results = await h.google.mediaItems.batchCreate({
      items: [good!, { uploadToken: badToken, fileName: 'DSC09999.ARW' }, flaky!],
    });
    expect(results.map((r) => r.kind)).toEqual(['created', 'rejected', 'retry']);
    expect(results[1]).toMatchObject({
      message: 'BAD_IMAGE: There was an error while trying to create this media item.',
      error: { kind: 'google-rejected-media' },
    });
    expect(results[2]).toMatchObject({
      message: 'Failed: There was an error while trying to create this media item.',
    });
    expect(h.fake.state.mediaItemList().map((item) => item.filename)).toEqual([good?.fileName]);
  });

  it('reports code 6 without an item as "exists" for the engine to reconcile (dedupe: exists)', async () => {
    const h = await start({ fake: { dedupe: 'exists' } });
    const [first] = await uploadPhotos(h.google, 1, 'DUP');
    await h.google.mediaItems.batchCreate({ items: [first!] });
    const [again] = await uploadPhotos(h.google, 1, 'DUP');

    const [result] = await h.google.mediaItems.batchCreate({ items: [again!] });
    expect(result).toEqual({
      kind: 'exists',
      uploadToken: again?.uploadToken,
      message: 'EXISTS: There was an error while trying to create this media item.',
    });
    const found = matchCreatedItems(
      [{ key: 'again', fileName: again!.fileName }],
      await h.google.mediaItems.listAppMediaItems(),
      new Set(),
    );
    expect(found.get('again')?.id).toBe(h.fake.state.mediaItemList()[0]?.id);
  });

  it('takes identical bytes answered with the first item as created (dedupe: same-item)', async () => {
    const h = await start({ fake: { dedupe: 'same-item' } });
    const [first] = await uploadPhotos(h.google, 1, 'SAME');
    const [created] = await h.google.mediaItems.batchCreate({ items: [first!] });
    const [again] = await uploadPhotos(h.google, 1, 'SAME');
    const [result] = await h.google.mediaItems.batchCreate({ items: [again!] });
    expect(result).toMatchObject({
      kind: 'created',
      mediaItemId: created?.kind === 'created' && created.mediaItemId,
    });
    expect(h.fake.state.mediaItems.size).toBe(1);
  });

  it('fails the whole call for an upload token older than a day: the engine re-uploads', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 2, 'OLD');
    h.fake.clock.advance(24 * 3_600_000 + 60_000);
    await expect(h.google.mediaItems.batchCreate({ items: photos })).rejects.toMatchObject({
      kind: 'google-upload-token-invalid',
      details: { status: 400, serverMessage: 'Request must contain a valid upload token.' },
    });
  });

  it('fails the whole call for a token that already created its item', async () => {
    const h = await start({ fake: { consumedTokenReuse: 'invalid-token' } });
    const photos = await uploadPhotos(h.google, 1, 'USED');
    await h.google.mediaItems.batchCreate({ items: photos });
    await expect(h.google.mediaItems.batchCreate({ items: photos })).rejects.toMatchObject({
      kind: 'google-upload-token-invalid',
    });
  });

  it('stops for full storage, creating nothing', async () => {
    const h = await start();
    const photos = await uploadPhotos(h.google, 2, 'FULL');
    h.fake.setStorageRemaining(10);
    await expect(h.google.mediaItems.batchCreate({ items: photos })).rejects.toMatchObject({
      kind: 'google-storage-full',
    });
    expect(h.fake.state.mediaItems.size).toBe(0);
  });

  it('after an answer lost on the way back, finds the created items instead of creating them again', async () => {
    const h = await start();
    const album = await h.google.albums.createAlbum('Lost answer');
    const photos = await uploadPhotos(h.google, 3, 'LOST');
    h.fake.failNext('mediaItems:batchCreate', { kind: 'reset', when: 'mid-response' });
    await expect(h.google.mediaItems.batchCreate({ albumId: album.id, items: photos })).rejects.toMatchObject(
      {
        kind: 'network-error',
      },
    );
    expect(h.fake.state.mediaItems.size).toBe(3);

    const found = matchCreatedItems(
      photos.map((p) => ({ key: p.uploadToken, fileName: p.fileName })),
      await h.google.mediaItems.searchAlbumItems(album.id),
      new Set(),
    );
    expect([...found.keys()]).toEqual(photos.map((p) => p.uploadToken));
    expect([...found.values()].map((item) => h.fake.state.mediaItems.get(item.id)?.sha1)).toEqual(
      photos.map((p) => p.sha1),
    );
  });
});
