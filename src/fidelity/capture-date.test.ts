import { describe, expect, it } from 'vitest';
import { JPEG_PROBE_BYTES, readCaptureDate, sniffFormat } from './capture-date.ts';
import {
  baseJpeg,
  box,
  buildMp4,
  buildTiff,
  concat,
  exifSegment,
  jfifSegment,
  jpegWith,
  latin1,
  mp4Seconds,
  pngWith,
  type TestTag,
} from './test-support.ts';

function exifJpeg(exif: TestTag[], options: { little?: boolean; thumbnail?: Uint8Array } = {}): Uint8Array {
  const { tiff } = buildTiff({
    little: options.little ?? true,
    ifd0: [{ tag: 0x010f, type: 2, value: 'Xiaomi' }],
    exif,
    thumbnail: options.thumbnail,
  });
  return jpegWith(jfifSegment(), exifSegment(tiff));
}

const dto = (value: string): TestTag => ({ tag: 0x9003, type: 2, value });

describe('readCaptureDate on JPEG', () => {
  it.each([true, false])('finds DateTimeOriginal in the Exif IFD (little-endian: %s)', (little) => {
    expect(readCaptureDate(exifJpeg([dto('2024:06:01 10:15:00')], { little }), 'image/jpeg')).toEqual({
      has: true,
      kind: 'exif',
    });
  });

  it('says none for a JPEG without Exif', () => {
    expect(readCaptureDate(baseJpeg(), 'image/jpeg')).toMatchObject({ has: false, kind: 'none' });
  });

  it('does not count DateTime or DateTimeDigitized as a capture date, but names them', () => {
    const digitized = readCaptureDate(
      exifJpeg([{ tag: 0x9004, type: 2, value: '2024:06:01 10:15:00' }]),
      'image/jpeg',
    );
    expect(digitized).toMatchObject({ has: false, kind: 'exif' });
    expect(digitized.reason).toContain('DateTimeDigitized');
    const { tiff } = buildTiff({
      little: true,
      ifd0: [{ tag: 0x0132, type: 2, value: '2024:06:01 10:15:00' }],
    });
    const modified = readCaptureDate(jpegWith(exifSegment(tiff)), 'image/jpeg');
    expect(modified).toMatchObject({ has: false, kind: 'exif' });
    expect(modified.reason).toContain('DateTime');
  });

  it.each(['0000:00:00 00:00:00', '    :  :     :  :  ', ''])('treats "%s" as no date', (value) => {
    expect(readCaptureDate(exifJpeg([dto(value)]), 'image/jpeg')).toMatchObject({ has: false, kind: 'exif' });
  });

  it('answers from a prefix that holds the Exif APP1, and asks for more when it does not', () => {
    const thumbnail = new Uint8Array(40_000).fill(7);
    const jpeg = exifJpeg([dto('2024:06:01 10:15:00')], { thumbnail });
    const short = readCaptureDate(jpeg.subarray(0, 1000), 'image/jpeg');
    expect(short).toMatchObject({ has: false, kind: 'unknown' });
    expect(short.needBytes).toBeGreaterThan(40_000);
    expect(readCaptureDate(jpeg.subarray(0, short.needBytes), 'image/jpeg')).toEqual({
      has: true,
      kind: 'exif',
    });
    expect(readCaptureDate(jpeg.subarray(0, JPEG_PROBE_BYTES), 'image/jpeg')).toEqual({
      has: true,
      kind: 'exif',
    });
  });

  it('needs the bytes up to SOS to say a JPEG has no Exif at all', () => {
    const jpeg = baseJpeg();
    const sos = Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xda]));
    expect(readCaptureDate(jpeg.subarray(0, sos - 10), 'image/jpeg').kind).toBe('unknown');
    expect(readCaptureDate(jpeg.subarray(0, sos + 2), 'image/jpeg').kind).toBe('none');
  });

  it('reports malformed Exif as unknown rather than as missing', () => {
    const jpeg = jpegWith(exifSegment(latin1('II*\0\x00\x10\x00\x00')));
    expect(readCaptureDate(jpeg, 'image/jpeg')).toMatchObject({ has: false, kind: 'unknown' });
  });
});

describe('readCaptureDate on MP4/MOV', () => {
  it.each([0, 1] as const)('reads a non-zero mvhd creation_time (version %i)', (version) => {
    const { file } = buildMp4({ version, creation: mp4Seconds(Date.UTC(2024, 0, 1)) });
    expect(readCaptureDate(file, 'video/mp4')).toEqual({ has: true, kind: 'mp4' });
  });

  it('says mp4 without a date for a zero creation_time', () => {
    const { file } = buildMp4({ version: 0, creation: 0 });
    expect(readCaptureDate(file, 'video/mp4')).toMatchObject({ has: false, kind: 'mp4' });
  });

  it('needs only ftyp, the moov header and mvhd', () => {
    const { file } = buildMp4({ version: 0, creation: 1, mdatBytes: 10_000 });
    // ftyp (32) + moov header (8) + mvhd (108)
    expect(readCaptureDate(file.subarray(0, 32 + 8 + 108), 'video/mp4')).toEqual({ has: true, kind: 'mp4' });
    const short = readCaptureDate(file.subarray(0, 100), 'video/mp4');
    expect(short).toMatchObject({ kind: 'unknown', needBytes: 148 });
  });

  it('says unknown from a prefix when moov comes after mdat', () => {
    const { file } = buildMp4({ version: 0, creation: 1, moovAtEnd: true, mdatBytes: 10_000 });
    const head = readCaptureDate(file.subarray(0, 4096), 'video/mp4');
    expect(head).toMatchObject({ has: false, kind: 'unknown' });
    expect(head.reason).toContain('moov');
    expect(readCaptureDate(file, 'video/mp4')).toEqual({ has: true, kind: 'mp4' });
  });

  it('reads QuickTime files that start without ftyp', () => {
    const { file } = buildMp4({ version: 0, creation: 1 });
    const noFtyp = concat(box('wide'), file.subarray(32));
    expect(sniffFormat(noFtyp)).toBe('video');
    expect(readCaptureDate(noFtyp, 'video/quicktime')).toEqual({ has: true, kind: 'mp4' });
  });
});

describe('readCaptureDate on other formats', () => {
  const ihdr: [string, Uint8Array] = ['IHDR', new Uint8Array(13)];
  const idat: [string, Uint8Array] = ['IDAT', new Uint8Array(20)];

  it('says none for a PNG screenshot without eXIf', () => {
    expect(readCaptureDate(pngWith(ihdr, idat, ['IEND', new Uint8Array()]), 'image/png')).toMatchObject({
      has: false,
      kind: 'none',
    });
  });

  it('reads a PNG eXIf chunk like JPEG Exif', () => {
    const { tiff } = buildTiff({ little: false, ifd0: [], exif: [dto('2024:06:01 10:15:00')] });
    expect(readCaptureDate(pngWith(ihdr, ['eXIf', tiff], idat), 'image/png')).toEqual({
      has: true,
      kind: 'exif',
    });
  });

  it('does not inspect HEIC, and says so', () => {
    const heic = concat(box('ftyp', latin1('heic'), new Uint8Array(4), latin1('mif1heic')), box('meta'));
    expect(sniffFormat(heic)).toBe('heif');
    const probe = readCaptureDate(heic, 'image/heic');
    expect(probe).toMatchObject({ has: false, kind: 'unknown' });
    expect(probe.reason).toContain('HEI');
  });

  it('asks for more bytes when too few arrived to recognise the format', () => {
    expect(readCaptureDate(new Uint8Array([0xff, 0xd8]), 'image/jpeg')).toMatchObject({
      kind: 'unknown',
      needBytes: 12,
    });
  });

  it('goes by the bytes, not the listed type', () => {
    expect(readCaptureDate(exifJpeg([dto('2024:06:01 10:15:00')]), 'image/heic')).toEqual({
      has: true,
      kind: 'exif',
    });
  });
});
