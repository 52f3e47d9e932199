import { describe, expect, it } from 'vitest';
import { box, heicFile, jpegFile, movieFile, pngFile } from './fixtures.ts';
import { inspectMedia } from './inspect.ts';

describe('inspectMedia: photos', () => {
  it('reads a JPEG frame size, camera and EXIF capture time with its offset', () => {
    const jpeg = jpegFile({
      width: 4032,
      height: 3024,
      exif: {
        dateTimeOriginal: '2024:07:14 18:21:08',
        offsetTimeOriginal: '+08:00',
        make: 'Xiaomi',
        model: '13T',
      },
    });
    expect(inspectMedia(jpeg)).toEqual({
      kind: 'photo',
      mimeType: 'image/jpeg',
      extension: 'jpg',
      width: 4032,
      height: 3024,
      cameraMake: 'Xiaomi',
      cameraModel: '13T',
      capturedAt: Date.parse('2024-07-14T10:21:08Z'),
    });
  });

  it('takes an EXIF time without offset as UTC, and a negative offset the right way round', () => {
    const noOffset = inspectMedia(jpegFile({ exif: { dateTimeOriginal: '2020:01:02 03:04:05' } }));
    expect(noOffset?.capturedAt).toBe(Date.parse('2020-01-02T03:04:05Z'));
    const west = inspectMedia(
      jpegFile({ exif: { dateTimeOriginal: '2020:01:02 03:04:05', offsetTimeOriginal: '-05:30' } }),
    );
    expect(west?.capturedAt).toBe(Date.parse('2020-01-02T08:34:05Z'));
  });

  it('has no capture time for a JPEG without EXIF or with a blank date', () => {
    expect(inspectMedia(jpegFile())?.capturedAt).toBeUndefined();
    expect(
      inspectMedia(jpegFile({ exif: { dateTimeOriginal: '0000:00:00 00:00:00' } }))?.capturedAt,
    ).toBeUndefined();
  });

  it('recognises PNG, GIF, WEBP, BMP, TIFF and ICO with their sizes', () => {
    expect(inspectMedia(pngFile({ width: 640, height: 480 }))).toMatchObject({
      mimeType: 'image/png',
      width: 640,
      height: 480,
    });
    const gif = Buffer.from('GIF89a\x20\x03\x58\x02\x00\x00\x00', 'latin1');
    expect(inspectMedia(gif)).toMatchObject({ mimeType: 'image/gif', width: 800, height: 600 });
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(1023, 24, 3);
    webp.writeUIntLE(767, 27, 3);
    expect(inspectMedia(webp)).toMatchObject({ mimeType: 'image/webp', width: 1024, height: 768 });
    const bmp = Buffer.alloc(54);
    bmp.write('BM', 0, 'latin1');
    bmp.writeInt32LE(300, 18);
    bmp.writeInt32LE(-200, 22);
    expect(inspectMedia(bmp)).toMatchObject({ mimeType: 'image/bmp', width: 300, height: 200 });
    const tiff = Buffer.from([
      0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 2, 0, 0, 1, 3, 0, 1, 0, 0, 0, 0x40, 1, 0, 0, 1, 1, 3, 0, 1, 0, 0, 0,
      0xf0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(inspectMedia(tiff)).toMatchObject({ mimeType: 'image/tiff', width: 320, height: 240 });
    expect(inspectMedia(Buffer.from([0, 0, 1, 0, 1, 0, 0, 0]))).toMatchObject({
      mimeType: 'image/x-icon',
      width: 256,
    });
  });

  it('reads HEIC size from the largest ispe and the date from its EXIF item', () => {
    const heic = heicFile({
      width: 4000,
      height: 3000,
      exif: { dateTimeOriginal: '2023:05:06 07:08:09', offsetTimeOriginal: '+02:00' },
    });
    expect(inspectMedia(heic)).toMatchObject({
      kind: 'photo',
      mimeType: 'image/heic',
      width: 4000,
      height: 3000,
      capturedAt: Date.parse('2023-05-06T05:08:09Z'),
    });
  });
});

describe('inspectMedia: videos', () => {
  it('reads an MP4 track size and mvhd creation time (version 0 and 1)', () => {
    const createdAt = new Date('2022-12-31T23:59:58Z');
    for (const mvhdVersion of [0, 1] as const) {
      expect(inspectMedia(movieFile({ createdAt, mvhdVersion, width: 1280, height: 720 }))).toEqual({
        kind: 'video',
        mimeType: 'video/mp4',
        extension: 'mp4',
        width: 1280,
        height: 720,
        capturedAt: createdAt.getTime(),
      });
    }
  });

  it('finds moov after mdat, and gives no date for a zero creation time', () => {
    const late = movieFile({ createdAt: new Date('2021-06-01T00:00:00Z'), moovLast: true });
    expect(inspectMedia(late)?.capturedAt).toBe(Date.parse('2021-06-01T00:00:00Z'));
    expect(inspectMedia(movieFile())?.capturedAt).toBeUndefined();
  });

  it('tells QuickTime (with and without ftyp), 3GP and MP4 apart', () => {
    expect(inspectMedia(movieFile({ brand: 'qt  ' }))?.mimeType).toBe('video/quicktime');
    expect(inspectMedia(movieFile({ brand: null }))?.mimeType).toBe('video/quicktime');
    expect(inspectMedia(movieFile({ brand: '3gp4' }))?.mimeType).toBe('video/3gpp');
    expect(inspectMedia(movieFile({ brand: 'mp42' }))?.mimeType).toBe('video/mp4');
  });
});

describe('inspectMedia: unsupported bytes', () => {
  it('rejects text, random bytes, audio-only MP4 brands and empty input', () => {
    expect(inspectMedia(Buffer.from('just some text, not a picture'))).toBeUndefined();
    expect(
      inspectMedia(Buffer.from([0x13, 0x37, 0x00, 0x42, 0x99, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])),
    ).toBeUndefined();
    expect(
      inspectMedia(Buffer.concat([box('ftyp', Buffer.from('M4A \0\0\0\0M4A ', 'latin1'))])),
    ).toBeUndefined();
    expect(inspectMedia(Buffer.alloc(0))).toBeUndefined();
  });
});
