import { createHash } from 'node:crypto';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { repairCaptureDate } from './repair.ts';
import { baseJpeg, buildMp4, mp4Seconds, pngWith } from './test-support.ts';

const TAKEN = Date.UTC(2024, 5, 1, 2, 15, 0);
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

describe('repairCaptureDate', () => {
  it('writes the date into a dateless JPEG and gives the new SHA-1 for the receipt', async () => {
    const jpeg = baseJpeg();
    const repaired = repairCaptureDate(jpeg, { dateTaken: TAKEN }, { enabled: true })!;
    expect(repaired.change).toBe('exif-date-written');
    expect(repaired.sha1).toBe(sha1(repaired.bytes));
    expect(repaired.sha1).not.toBe(sha1(jpeg));
    const tags = await exifr.parse(repaired.bytes, { reviveValues: false });
    expect(tags.DateTimeOriginal).toBe('2024:06:01 10:15:00');
  });

  it('uses the given zone', async () => {
    const repaired = repairCaptureDate(baseJpeg(), { dateTaken: TAKEN }, { enabled: true, timeZone: 'UTC' })!;
    const tags = await exifr.parse(repaired.bytes, { reviveValues: false });
    expect([tags.DateTimeOriginal, tags.OffsetTimeOriginal]).toEqual(['2024:06:01 02:15:00', '+00:00']);
  });

  it('sets zero MP4 times', () => {
    const { file } = buildMp4({ version: 0, creation: 0 });
    const repaired = repairCaptureDate(file, { dateTaken: TAKEN }, { enabled: true })!;
    expect(repaired.change).toBe('mp4-times-written');
    expect(new DataView(repaired.bytes.buffer).getUint32(32 + 8 + 12)).toBe(mp4Seconds(TAKEN));
  });

  it('does nothing when switched off, without a date, or for formats it does not write', () => {
    expect(repairCaptureDate(baseJpeg(), { dateTaken: TAKEN }, { enabled: false })).toBeUndefined();
    expect(repairCaptureDate(baseJpeg(), { dateTaken: 0 }, { enabled: true })).toBeUndefined();
    const png = pngWith(['IHDR', new Uint8Array(13)], ['IDAT', new Uint8Array(4)]);
    expect(repairCaptureDate(png, { dateTaken: TAKEN }, { enabled: true })).toBeUndefined();
    const dated = repairCaptureDate(baseJpeg(), { dateTaken: TAKEN }, { enabled: true })!.bytes;
    expect(repairCaptureDate(dated, { dateTaken: TAKEN }, { enabled: true })).toBeUndefined();
  });
});
