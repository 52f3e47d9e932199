import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AWKWARD_ALBUMS,
  AWKWARD_ITEMS,
  OVERSIZED,
  presetAwkwardNames,
  presetHugeAlbum,
} from './bad-inputs.ts';
import { makeLibrary, SYSTEM_ALBUMS } from './library.ts';
import { beijingTime, MB, presetBulk, presetDemo, presetSmall } from './presets.ts';

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

describe('presetSmall', () => {
  const library = presetSmall();

  it('has about a dozen items over the system albums and one user album, with 17-digit string ids', () => {
    expect(library.items.length).toBeGreaterThanOrEqual(10);
    expect(library.albums.map((album) => [album.id, album.name])).toEqual([
      ['1', null],
      ['2', null],
      ['1000', ''],
      ['31415926535897932', 'Trip 2024'],
    ]);
    for (const item of library.items) expect(item.id).toMatch(/^\d{17}$/);
  });

  it('holds the cases the contract tests need', () => {
    const names = library.items.map((item) => item.fileName);
    expect(names.filter((name) => name === 'IMG_20240601_101500.jpg')).toHaveLength(2);
    expect(library.items.filter((item) => item.albumIds.length > 1)).toHaveLength(1);
    expect(library.items.some((item) => item.isFavorite)).toBe(true);
    expect(library.items.some((item) => item.isLivePhoto)).toBe(true);
    expect(new Set(library.items.map((item) => item.mimeType))).toEqual(
      new Set(['image/jpeg', 'image/heic', 'image/png', 'video/mp4', 'video/quicktime']),
    );
    expect(library.itemsIn(SYSTEM_ALBUMS.private)).toHaveLength(1);
    expect(library.items.some((item) => !item.embeddedDate)).toBe(true);
  });

  it('takes dateTaken from Beijing wall-clock time, as the file names do', () => {
    expect(library.items[0]!.dateTaken).toBe(1_717_208_100_000); // the §10 fixture's value
  });

  it('lists, for every item, the size and SHA-1 of its real bytes', () => {
    for (const item of library.items) {
      const bytes = item.buffer();
      expect(bytes.length).toBe(item.size);
      expect(sha1(bytes)).toBe(item.sha1);
    }
    expect(new Set(library.items.map((item) => item.sha1)).size).toBe(library.items.length);
  });

  it('is the same library every time', () => {
    expect(presetSmall().items.map((item) => item.sha1)).toEqual(library.items.map((item) => item.sha1));
  });
});

describe('presetDemo', () => {
  const library = presetDemo();

  it('has Chinese album and file names, favourites and an item in two albums', () => {
    expect(library.albums.map((album) => album.name)).toContain('家庭相册');
    expect(library.items.map((item) => item.fileName)).toContain('春节合影.jpg');
    expect(library.items.filter((item) => item.isFavorite).length).toBeGreaterThanOrEqual(2);
    expect(library.items.some((item) => item.albumIds.length === 2)).toBe(true);
  });

  it('has a video above 50 MB and JPEGs with and without an EXIF date', () => {
    expect(library.items.some((item) => item.type === 'video' && item.size > 50 * 1000 * 1000)).toBe(true);
    const jpegs = library.items.filter((item) => item.kind === 'jpeg');
    expect(new Set(jpegs.map((item) => item.embeddedDate))).toEqual(new Set([true, false]));
    expect(library.items.map((item) => item.kind)).toEqual(
      expect.arrayContaining(['heic', 'png', 'mp4', 'mov']),
    );
  });
});

describe('presetBulk', () => {
  it('draws sizes in the requested ranges, repeatably per seed', () => {
    const options = {
      photos: 40,
      photoMinBytes: 2000,
      photoMaxBytes: 6000,
      videos: 2,
      videoMinBytes: 9000,
      videoMaxBytes: 12_000,
    };
    const library = presetBulk({ ...options, seed: 7 });
    const photos = library.items.filter((item) => item.type === 'image');
    const videos = library.items.filter((item) => item.type === 'video');
    expect([photos.length, videos.length]).toEqual([40, 2]);
    for (const photo of photos) expect(photo.size).toBeGreaterThanOrEqual(2000);
    for (const photo of photos) expect(photo.size).toBeLessThanOrEqual(6000);
    for (const video of videos) expect(video.size).toBeGreaterThanOrEqual(9000);
    expect(presetBulk({ ...options, seed: 7 }).items.map((item) => item.sha1)).toEqual(
      library.items.map((i) => i.sha1),
    );
    expect(presetBulk({ ...options, seed: 8 }).items.map((item) => item.size)).not.toEqual(
      library.items.map((i) => i.size),
    );
  });

  it('defaults to 1,000 photos of 2–6 MB and three videos of 300 MB–1 GB, without generating bytes up front', () => {
    const library = presetBulk();
    const videos = library.items.filter((item) => item.type === 'video');
    expect(library.items).toHaveLength(1003);
    expect(videos.every((video) => video.size >= 300 * MB && video.size <= 1024 * MB)).toBe(true);
  });
});

describe('bad-input presets', () => {
  const library = presetAwkwardNames();

  it('has the awkward album names, duplicates included', () => {
    const names = library.albums.map((album) => album.name);
    expect(names.filter((name) => name === 'Trip')).toHaveLength(2);
    expect(AWKWARD_ALBUMS.long.name.length).toBeGreaterThan(255);
    expect(names).toContain(AWKWARD_ALBUMS.slashes.name);
    expect(names).toContain('');
  });

  it('has file names too long, without extension and repeated, and a zero-byte file', () => {
    const item = (id: string) => library.item(id)!;
    expect(Buffer.byteLength(item(AWKWARD_ITEMS.longUtf8Name).fileName)).toBeGreaterThan(255);
    expect(item(AWKWARD_ITEMS.noExtension).fileName).not.toContain('.');
    expect(item(AWKWARD_ITEMS.noExtension).title).toBe(item(AWKWARD_ITEMS.noExtension).fileName);
    expect(item(AWKWARD_ITEMS.zeroBytes).size).toBe(0);
    expect(item(AWKWARD_ITEMS.zeroBytes).buffer().length).toBe(0);
  });

  it('lists oversized files by declared size only: no bytes, a made-up SHA-1', () => {
    const video = library.item(AWKWARD_ITEMS.videoTooLarge)!;
    expect(video.size).toBe(OVERSIZED.videoBytes);
    expect(video.size).toBeGreaterThan(20 * 1024 ** 3);
    expect(video.sha1).toMatch(/^[0-9a-f]{40}$/);
    expect(video.hasBytes).toBe(false);
    expect(() => video.open()).toThrow(/listing-only/);
    expect(library.item(AWKWARD_ITEMS.photoTooLarge)!.size).toBeGreaterThan(200 * MB);
  });

  it('builds an album of 20,001 items without generating their bytes until asked', () => {
    const huge = presetHugeAlbum();
    expect(huge.itemsIn('1')).toHaveLength(20_001);
    const last = huge.items.at(-1)!;
    expect(sha1(last.buffer())).toBe(last.sha1);
  });
});

describe('makeLibrary', () => {
  const base = { userId: '1', albums: [{ id: '1', name: null }] };

  it('refuses ids that are not 17+ digit strings, unknown albums and duplicate ids', () => {
    const item = {
      id: '24886749771200001',
      fileName: 'a.jpg',
      kind: 'jpeg' as const,
      dateTaken: 0,
      albums: ['1'],
    };
    expect(() => makeLibrary({ ...base, items: [{ ...item, id: '123' }] })).toThrow(/17\+ digit/);
    expect(() => makeLibrary({ ...base, items: [{ ...item, albums: ['9'] }] })).toThrow(/unknown album 9/);
    expect(() => makeLibrary({ ...base, items: [item, item] })).toThrow(/appears twice/);
  });

  it('gives items with the same content seed identical bytes, and lets the listing lie about the SHA-1', () => {
    const library = makeLibrary({
      ...base,
      items: [
        {
          id: '24886749771200001',
          fileName: 'a.jpg',
          kind: 'jpeg',
          dateTaken: 0,
          albums: ['1'],
          contentSeed: 'same',
        },
        {
          id: '24886749771200002',
          fileName: 'b.jpg',
          kind: 'jpeg',
          dateTaken: 0,
          albums: ['1'],
          contentSeed: 'same',
        },
        {
          id: '24886749771200003',
          fileName: 'c.jpg',
          kind: 'jpeg',
          dateTaken: beijingTime('2024-01-01 00:00:00'),
          albums: ['1'],
          listedSha1: '0'.repeat(40),
        },
      ],
    });
    const [a, b, c] = library.items;
    expect(a!.sha1).toBe(b!.sha1);
    expect(c!.sha1).toBe('0'.repeat(40));
    expect(sha1(c!.buffer())).not.toBe(c!.sha1);
  });
});
