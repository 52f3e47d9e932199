import { describe, expect, it } from 'vitest';
import type { ItemRecord } from './db.ts';
import { summarizePlan } from './plan-summary.ts';

const MB = 1024 * 1024;

function item(id: string, overrides: Partial<ItemRecord>): ItemRecord {
  return {
    id,
    jobId: 'job',
    albumId: '1',
    fileName: `IMG_${id}.jpg`,
    type: 'image',
    mimeType: 'image/jpeg',
    size: 3 * MB,
    sha1: '0'.repeat(40),
    dateTaken: 1,
    isFavorite: false,
    isLivePhoto: false,
    seq: 0,
    albums: [{ xiaomiAlbumId: '1', part: 1 }],
    extraAlbums: [],
    state: 'planned',
    attempts: 0,
    inGoogleAlbums: [],
    updatedAt: 0,
    ...overrides,
  };
}

const options = { rawUploadLimit: 50 * MB, chunkSize: 8 * MB, repairCaptureDates: true };

describe('the pre-flight plan', () => {
  it('counts per album what will be sent, skipped, split, and left without a date', () => {
    const plan = summarizePlan(
      [
        item('1', { exifDateListed: false }),
        item('2', {
          exifDateListed: true,
          albums: [
            { xiaomiAlbumId: '1', part: 1 },
            { xiaomiAlbumId: '9', part: 1 },
          ],
        }),
        item('3', { fileName: 'Screenshot.png', mimeType: 'image/png', exifDateListed: false }),
        item('4', { size: 250_000_000, state: 'skipped', reasonKind: 'photo-too-large' }),
        item('5', {
          fileName: 'DSC.arw',
          mimeType: 'image/x-sony-arw',
          albums: [{ xiaomiAlbumId: '9', part: 2 }],
        }),
      ],
      options,
    );
    const camera = plan.albums.find((a) => a.xiaomiAlbumId === '1');
    const trip = plan.albums.find((a) => a.xiaomiAlbumId === '9');
    expect(camera).toMatchObject({
      items: 4,
      undatedRepairable: 1,
      undatedLeft: { PNG: 1 },
      skipped: { 'photo-too-large': 1 },
    });
    expect(trip).toMatchObject({ items: 2, parts: 2, formatUnlisted: 1 });
    expect(plan.itemsToSend).toBe(4);
    expect(plan.bytesToSend).toBe(4 * 3 * MB);
    expect(plan.exceedsFreeStorage).toBe(false);
  });

  it('estimates requests — one upload per photo, a start plus one per chunk per video — and days', () => {
    const photos = Array.from({ length: 10_000 }, (_, i) => item(String(i), {}));
    const video = item('v', { type: 'video', mimeType: 'video/mp4', fileName: 'v.mp4', size: 100 * MB });
    const plan = summarizePlan([...photos, video], options);
    // 10,000 uploads + 200 batches + (1 start + 13 chunks) + a batch share + album create and check.
    expect(plan.requests).toBe(10_000 + 200 + 14 + 1 + 2);
    expect(plan.days).toBe(2);
  });

  it('leaves JPEGs undated when the repair is switched off, and warns above 15 GB', () => {
    const plan = summarizePlan(
      [
        item('1', {
          exifDateListed: false,
          size: 16 * 1000 ** 3,
          type: 'video',
          mimeType: 'video/mp4',
          fileName: 'a.mp4',
        }),
        item('2', { exifDateListed: false }),
      ],
      { ...options, repairCaptureDates: false },
    );
    expect(plan.albums[0]).toMatchObject({ undatedRepairable: 0, undatedLeft: { MP4: 1, JPEG: 1 } });
    expect(plan.exceedsFreeStorage).toBe(true);
  });
});
