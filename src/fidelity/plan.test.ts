import { describe, expect, it } from 'vitest';
import { describeFidelity, type FidelityPlanItem, fidelityFor, formatName } from './plan.ts';

const photo = (
  fileName: string,
  mimeType: string,
  extra: Partial<FidelityPlanItem> = {},
): FidelityPlanItem => ({
  albumId: '1',
  fileName,
  mimeType,
  type: 'image',
  size: 3_000_000,
  ...extra,
});
const video = (
  fileName: string,
  mimeType: string,
  extra: Partial<FidelityPlanItem> = {},
): FidelityPlanItem => ({
  ...photo(fileName, mimeType, extra),
  type: 'video',
});

describe('fidelityFor', () => {
  it('marks JPEGs repairable, by MIME type or, when that is vague, by extension', () => {
    expect(fidelityFor(photo('IMG_1.jpg', 'image/jpeg'))).toBe('jpeg-repairable');
    expect(fidelityFor(photo('IMG_1.JPEG', 'application/octet-stream'))).toBe('jpeg-repairable');
    expect(fidelityFor(photo('IMG_1.jpg', 'image/heic'))).toBe('no-date-repair');
  });

  it('leaves JPEGs too large to hold whole to the plan, not the repair', () => {
    expect(fidelityFor(photo('pano.jpg', 'image/jpeg', { size: 60 * 1024 * 1024 }))).toBe('no-date-repair');
    expect(
      fidelityFor(photo('pano.jpg', 'image/jpeg', { size: 60 * 1024 * 1024 }), { wholeFileLimit: 100e6 }),
    ).toBe('jpeg-repairable');
  });

  it('marks MP4/MOV videos as maybe and everything else as not repaired', () => {
    expect(fidelityFor(video('VID.mp4', 'video/mp4'))).toBe('mp4-maybe');
    expect(fidelityFor(video('VID.MOV', 'video/quicktime'))).toBe('mp4-maybe');
    expect(fidelityFor(video('VID.mkv', 'video/x-matroska'))).toBe('no-date-repair');
    expect(fidelityFor(photo('Screenshot.png', 'image/png'))).toBe('no-date-repair');
    expect(fidelityFor(photo('IMG.heic', 'image/heic'))).toBe('no-date-repair');
    expect(fidelityFor(photo('anim.gif', 'image/gif'))).toBe('no-date-repair');
  });
});

describe('formatName', () => {
  it('names formats from the MIME type, else the extension', () => {
    expect(formatName(photo('a.png', 'image/png'))).toBe('PNG');
    expect(formatName(photo('a.heic', 'image/heic'))).toBe('HEIC');
    expect(formatName(photo('a.raw', 'application/octet-stream'))).toBe('RAW');
    expect(formatName(photo('noext', ''))).toBe('other');
  });
});

describe('describeFidelity', () => {
  const items: FidelityPlanItem[] = [
    photo('IMG_1.jpg', 'image/jpeg', { exifInfo: { dateTime: '2024:06:01 10:15:00' } }),
    photo('IMG_2.jpg', 'image/jpeg', { exifInfo: { imageWidth: 1 } as FidelityPlanItem['exifInfo'] }),
    photo('Screenshot_1.png', 'image/png', { albumId: '2', exifInfo: {} }),
    photo('Screenshot_2.png', 'image/png', { albumId: '2' }),
    photo('IMG_3.heic', 'image/heic', { exifInfo: { dateTime: '0000:00:00 00:00:00' } }),
    video('VID_1.mp4', 'video/mp4', { exifInfo: { imageWidth: 1920 } as FidelityPlanItem['exifInfo'] }),
  ];

  it('counts per album and overall, in the order albums first appear', () => {
    const summary = describeFidelity(items, { repairEnabled: true });
    expect(summary.albums.map((a) => a.albumId)).toEqual(['1', '2']);
    const camera = summary.albums[0]!;
    expect(camera.total).toBe(4);
    expect(camera.byFidelity).toEqual({ 'jpeg-repairable': 2, 'mp4-maybe': 1, 'no-date-repair': 1 });
    expect(camera.leftByFormat).toEqual({ HEIC: 1 });
    expect(camera.willTryRepair).toBe(3);
    // IMG_2's listing has Exif without a date; the HEIC's date is a placeholder; videos say nothing.
    expect(camera.listedUndated).toEqual({ 'jpeg-repairable': 1, 'mp4-maybe': 0, 'no-date-repair': 1 });
    const screenshots = summary.albums[1]!;
    expect(screenshots.leftByFormat).toEqual({ PNG: 2 });
    expect(screenshots.listedUndated['no-date-repair']).toBe(1);
    expect(summary.total.total).toBe(6);
    expect(summary.total.leftByFormat).toEqual({ HEIC: 1, PNG: 2 });
    expect(summary.total.willTryRepair).toBe(3);
  });

  it('promises no repair when the setting is off, but still lists what is at risk', () => {
    const summary = describeFidelity(items, { repairEnabled: false });
    expect(summary.repairEnabled).toBe(false);
    expect(summary.total.willTryRepair).toBe(0);
    expect(summary.total.byFidelity['jpeg-repairable']).toBe(2);
  });
});
