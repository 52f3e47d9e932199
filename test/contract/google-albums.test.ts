import { describe, expect, it } from 'vitest';
import { type Harness, harnessPerTest, uploadPhotos } from './google-harness.ts';

const start = harnessPerTest();

async function createdIds(h: Harness, count: number, prefix: string): Promise<string[]> {
  const photos = await uploadPhotos(h.google, count, prefix);
  const results = await h.google.mediaItems.batchCreate({ items: photos });
  return results.map((r) => {
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    return r.mediaItemId;
  });
}

describe('albums against the fake Google', () => {
  it('finds an album whose creation answer was lost, instead of making a second one', async () => {
    const h = await start();
    h.fake.failNext('albums:create', { kind: 'reset', when: 'after-processing' });
    await expect(h.google.albums.createAlbum('Xiaomi · Camera')).rejects.toMatchObject({
      kind: 'network-error',
    });
    expect(h.fake.state.albums.size).toBe(1);

    // After the crash: the engine has the intent (title) but no id; one listing settles it.
    const restarted = h.restart();
    const before = h.photosRequests();
    const candidates = (await restarted.albums.listAppAlbums()).filter((a) => a.title === 'Xiaomi · Camera');
    expect(h.photosRequests() - before).toBe(1);
    expect(candidates.map((a) => a.id)).toEqual([...h.fake.state.albums.keys()]);
    expect(h.fake.state.albums.size).toBe(1);
  });

  it('behind a proxy that speaks only HTTP/1.1, falls back to plain bodies after one lost answer', async () => {
    const h = await start({ fake: { photosProtocol: 'http1' } });
    await expect(h.google.albums.createAlbum('Xiaomi · Camera')).rejects.toMatchObject({
      kind: 'network-error',
    });
    // The streamed request never left: nothing was made, and the engine's listing finds nothing.
    expect(h.fake.state.albums.size).toBe(0);
    const album = await h.google.albums.createAlbum('Xiaomi · Camera');
    expect([...h.fake.state.albums.values()].map((a) => [a.id, a.title])).toEqual([
      [album.id, 'Xiaomi · Camera'],
    ]);
  });

  it('lists every page of app albums', async () => {
    const h = await start({ fake: { writesPerMinute: 1000 } });
    for (let i = 0; i < 53; i++) await h.google.albums.createAlbum(`Album ${i}`);
    const before = h.photosRequests();
    const albums = await h.google.albums.listAppAlbums();
    expect(albums.map((a) => a.title)).toEqual(Array.from({ length: 53 }, (_, i) => `Album ${i}`));
    expect(h.photosRequests() - before).toBe(2);
  });

  it('shortens a title over 500 characters, which Google would refuse, without breaking an emoji', async () => {
    const h = await start({ fake: { albumTitleOverflow: 'reject' } });
    const album = await h.google.albums.createAlbum(`${'a'.repeat(496)}📷${'b'.repeat(100)}`);
    expect(album.title).toBe(`${'a'.repeat(496)}...`);
    expect(h.fake.state.albums.get(album.id)?.title).toBe(`${'a'.repeat(496)}...`);
  });

  it('adds items to an album in the order given, and reads them back in album order', async () => {
    const h = await start();
    const album = await h.google.albums.createAlbum('Later');
    const ids = await createdIds(h, 3, 'ADD');
    await h.google.albums.batchAddMediaItems(album.id, [ids[2]!, ids[0]!, ids[1]!]);
    expect(h.fake.state.albums.get(album.id)?.itemIds).toEqual([ids[2], ids[0], ids[1]]);
    expect((await h.google.mediaItems.searchAlbumItems(album.id)).map((i) => i.id)).toEqual([
      ids[2],
      ids[0],
      ids[1],
    ]);
    expect((await h.google.albums.getAlbum(album.id)).mediaItemsCount).toBe(3);
  });

  it('reports an album the person deleted in Google Photos as missing, for every album call', async () => {
    const h = await start();
    const album = await h.google.albums.createAlbum('Deleted by hand');
    const ids = await createdIds(h, 1, 'DEL');
    const [photo] = await uploadPhotos(h.google, 1, 'DEL2');
    h.fake.deleteAlbumAsUser(album.id);

    const missing = {
      kind: 'google-album-missing',
      details: { serverMessage: 'The provided ID does not match any albums.' },
    };
    await expect(h.google.albums.batchAddMediaItems(album.id, ids)).rejects.toMatchObject(missing);
    await expect(
      h.google.mediaItems.batchCreate({ albumId: album.id, items: [photo!] }),
    ).rejects.toMatchObject(missing);
    await expect(h.google.mediaItems.searchAlbumItems(album.id)).rejects.toMatchObject({
      kind: 'google-album-missing',
    });
    await expect(h.google.albums.getAlbum(album.id)).rejects.toMatchObject({ kind: 'google-album-missing' });
    expect(await h.google.albums.listAppAlbums()).toEqual([]);
  });

  it('refuses the whole addition when one id is not an item this app created', async () => {
    const h = await start();
    const album = await h.google.albums.createAlbum('Mixed');
    const ids = await createdIds(h, 1, 'OWN');
    await expect(
      h.google.albums.batchAddMediaItems(album.id, [ids[0]!, 'AForeignItem']),
    ).rejects.toMatchObject({
      kind: 'google-rejected-media',
      details: { serverMessage: 'Request contains an invalid media item id.' },
    });
    expect(h.fake.state.albums.get(album.id)?.itemIds).toEqual([]);
  });
});
