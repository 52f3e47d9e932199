/**
 * What the API alone would lose, checked on what arrived: a JPEG without a capture date arrives
 * with Xiaomi's date in its EXIF (read back with an independent reader, exifr) and its image data
 * untouched; favourites arrive in the "Favorites (Xiaomi)" album.
 */
import { createHash } from 'node:crypto';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { presetSmall } from '../fakes/library/presets.ts';
import { startFromPopup, waitForDone } from './flow.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

/** From the start-of-scan marker to the end: the compressed image data, which must not change. */
function imageData(jpeg: Uint8Array): Buffer {
  const bytes = Buffer.from(jpeg);
  for (let i = 2; i + 1 < bytes.length; i++)
    if (bytes[i] === 0xff && bytes[i + 1] === 0xda) return bytes.subarray(i);
  throw new Error('no SOS marker');
}

function beijingExifTime(epochMs: number): string {
  const local = new Date(epochMs + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10).replaceAll('-', ':')} ${local.slice(11, 19)}`;
}

describe('fidelity beyond the API', () => {
  it('writes the missing capture date into JPEGs and files favourites into their own album', async () => {
    const library = presetSmall();
    const { clouds, browser } = await startSession({ library, repairCaptureDates: true });
    await waitForDone(await startFromPopup(browser));

    const state = clouds.google.state;
    const undated = library.items.filter((item) => item.kind === 'jpeg' && !item.embeddedDate);
    expect(undated.length).toBeGreaterThan(0);
    for (const item of undated) {
      const arrived = state.mediaItemList().filter((m) => m.filename === item.fileName);
      expect(arrived, item.fileName).toHaveLength(1);
      const bytes = state.bytesOf(arrived[0]!.id)!;
      expect(createHash('sha1').update(bytes).digest('hex')).not.toBe(item.sha1);
      const exif = await exifr.parse(Buffer.from(bytes), {
        pick: ['DateTimeOriginal', 'OffsetTimeOriginal'],
        reviveValues: false,
      });
      expect(exif).toEqual({
        DateTimeOriginal: beijingExifTime(item.dateTaken),
        OffsetTimeOriginal: '+08:00',
      });
      expect(imageData(bytes).equals(imageData(item.buffer()))).toBe(true);
      // Google read the written date: the item is dated by its capture, not by the upload.
      expect(Date.parse(arrived[0]!.creationTime)).toBe(item.dateTaken);
    }
    // Files that had a date arrive byte for byte.
    for (const item of library.items.filter((i) => !undated.includes(i))) {
      expect(
        state.mediaItemList().filter((m) => m.sha1 === item.sha1),
        item.fileName,
      ).toHaveLength(1);
    }

    const favourites = state.albumList().find((a) => a.title === 'Favorites (Xiaomi)');
    expect(favourites).toBeDefined();
    const inFavourites = state
      .itemsInAlbum(favourites!.id)
      .map((m) => m.filename)
      .sort();
    expect(inFavourites).toEqual(
      library.items
        .filter((i) => i.isFavorite)
        .map((i) => i.fileName)
        .sort(),
    );
  });
});
