import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { readCaptureDate } from './capture-date.ts';
import { exifLocalTime, withCaptureDate } from './jpeg-date.ts';
import {
  baseJpeg,
  buildTiff,
  concat,
  exifSegment,
  imagePartStart,
  imageSegments,
  jfifSegment,
  jpegWith,
  latin1,
  segment,
  type TiffSpec,
} from './test-support.ts';

/** 2024-06-01T02:15:00.250Z: 10:15 in Shanghai. */
const TAKEN = Date.UTC(2024, 5, 1, 2, 15, 0, 250);

/** Every tag exifr finds, by block and numeric tag, values raw: what "kept intact" is checked against. */
async function allTags(jpeg: Uint8Array): Promise<Record<string, Record<string, unknown>>> {
  return exifr.parse(jpeg, {
    tiff: true,
    exif: true,
    ifd1: true,
    gps: true,
    interop: true,
    makerNote: true,
    mergeOutput: false,
    translateKeys: false,
    translateValues: false,
    reviveValues: false,
    sanitize: false,
  });
}

async function dates(jpeg: Uint8Array): Promise<{ original?: string; offset?: string }> {
  const out = await exifr.parse(jpeg, {
    pick: ['DateTimeOriginal', 'OffsetTimeOriginal'],
    reviveValues: false,
  });
  return { original: out?.DateTimeOriginal, offset: out?.OffsetTimeOriginal };
}

/** The whole file must stay a JPEG whose image part is the original's, byte for byte. */
function expectImageUntouched(out: Uint8Array): void {
  expect([out[0], out[1]]).toEqual([0xff, 0xd8]);
  expect([out.at(-2), out.at(-1)]).toEqual([0xff, 0xd9]);
  expect(Buffer.from(out.subarray(imagePartStart(out))).equals(Buffer.from(imageSegments()))).toBe(true);
}

/** The Exif APP1's TIFF data: bytes after "Exif\0\0" to the end of the segment. */
function tiffOf(jpeg: Uint8Array): Uint8Array {
  let at = 2;
  for (;;) {
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    if (jpeg[at + 1] === 0xe1 && Buffer.from(jpeg.subarray(at + 4, at + 8)).toString('latin1') === 'Exif') {
      return jpeg.subarray(at + 10, at + 2 + length);
    }
    at += 2 + length;
  }
}

const thumbnail = baseJpeg();
/** A maker-note style blob: bytes elsewhere in the TIFF that it points at by absolute offset. */
const makerTail = latin1('MAKERDATA-0123456789');

function phoneTiff(little: boolean, exif: TiffSpec['exif'] = defaultExif(little)): TiffSpec {
  return {
    little,
    ifd0: [
      { tag: 0x010f, type: 2, value: 'Xiaomi' },
      { tag: 0x0110, type: 2, value: 'Redmi Note 12' },
      { tag: 0x0112, type: 3, value: [6] },
      { tag: 0x011a, type: 5, value: [72, 1] },
      { tag: 0x0132, type: 2, value: '2024:06:02 08:00:00' },
    ],
    exif,
    thumbnail,
    tail: makerTail,
  };
}

function defaultExif(_little: boolean): NonNullable<TiffSpec['exif']> {
  return [
    { tag: 0x829a, type: 5, value: [1, 120] },
    { tag: 0x8827, type: 3, value: [200] },
    { tag: 0x9000, type: 7, value: latin1('0231') },
    { tag: 0xa002, type: 4, value: [16] },
    { tag: 0xa003, type: 4, value: [16] },
  ];
}

function withMakerNote(spec: TiffSpec): TiffSpec {
  const { tailAt } = buildTiff(spec);
  const pointer = new Uint8Array(8);
  const view = new DataView(pointer.buffer);
  view.setUint32(0, 0x4d4b4e31); // "MKN1"
  view.setUint32(4, tailAt, spec.little);
  // The maker note has the same size whatever it holds, so tailAt does not move when it is added.
  const withNote = {
    ...spec,
    exif: [...(spec.exif ?? []), { tag: 0x927c, type: 7 as const, value: pointer }],
  };
  const { tailAt: again } = buildTiff(withNote);
  view.setUint32(4, again, spec.little);
  return withNote;
}

describe('exifLocalTime', () => {
  it('gives Shanghai wall-clock time with whole seconds and its offset', () => {
    expect(exifLocalTime(TAKEN)).toEqual({ dateTime: '2024:06:01 10:15:00', offset: '+08:00' });
  });

  it('follows the zone, including negative, half-hour and quarter-hour offsets and DST', () => {
    expect(exifLocalTime(TAKEN, 'UTC')).toEqual({ dateTime: '2024:06:01 02:15:00', offset: '+00:00' });
    expect(exifLocalTime(TAKEN, 'America/New_York')).toEqual({
      dateTime: '2024:05:31 22:15:00',
      offset: '-04:00',
    });
    expect(exifLocalTime(Date.UTC(2024, 0, 1), 'America/New_York')?.offset).toBe('-05:00');
    expect(exifLocalTime(TAKEN, 'Asia/Kathmandu')).toEqual({
      dateTime: '2024:06:01 08:00:00',
      offset: '+05:45',
    });
    expect(exifLocalTime(TAKEN, 'Asia/Kolkata')?.offset).toBe('+05:30');
  });

  it('refuses instants Exif cannot state', () => {
    expect(exifLocalTime(Number.NaN)).toBeUndefined();
    expect(exifLocalTime(Date.UTC(1850, 0, 1))).toBeUndefined();
    expect(exifLocalTime(Date.UTC(10000, 0, 1))).toBeUndefined();
  });
});

describe('withCaptureDate on a JPEG without Exif', () => {
  it('inserts an Exif APP1 right after SOI when there is no APP0', async () => {
    const jpeg = jpegWith();
    const out = withCaptureDate(jpeg, TAKEN)!;
    expect(out).toBeDefined();
    expect([out[2], out[3]]).toEqual([0xff, 0xe1]);
    expect(await dates(out)).toEqual({ original: '2024:06:01 10:15:00', offset: '+08:00' });
    expectImageUntouched(out);
    expect(readCaptureDate(out, 'image/jpeg')).toEqual({ has: true, kind: 'exif' });
  });

  it('keeps the JFIF APP0 first and puts the Exif APP1 after it', async () => {
    const jpeg = baseJpeg();
    const out = withCaptureDate(jpeg, TAKEN)!;
    const app0 = jfifSegment();
    expect(Buffer.from(out.subarray(2, 2 + app0.length)).equals(Buffer.from(app0))).toBe(true);
    expect([out[2 + app0.length], out[3 + app0.length]]).toEqual([0xff, 0xe1]);
    expect(await dates(out)).toEqual({ original: '2024:06:01 10:15:00', offset: '+08:00' });
    expectImageUntouched(out);
  });

  it('keeps other APPn segments and anything after EOI', async () => {
    const xmp = segment(0xe1, latin1('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>'));
    const trailer = latin1('TRAILER: secondary image bytes');
    const jpeg = concat(jpegWith(jfifSegment(), xmp), trailer);
    const out = withCaptureDate(jpeg, TAKEN)!;
    expect(await dates(out)).toEqual({ original: '2024:06:01 10:15:00', offset: '+08:00' });
    expect(Buffer.from(out.subarray(out.length - trailer.length)).toString('latin1')).toBe(
      'TRAILER: secondary image bytes',
    );
    expect(Buffer.from(out).includes(Buffer.from(xmp))).toBe(true);
  });
});

describe.each([
  ['little-endian', true],
  ['big-endian', false],
])('withCaptureDate on an Exif APP1 (%s)', (_name, little) => {
  it('adds the date to the Exif IFD and keeps every other tag, the thumbnail and the byte order', async () => {
    const spec = withMakerNote(phoneTiff(little));
    const { tiff } = buildTiff(spec);
    const jpeg = jpegWith(jfifSegment(), exifSegment(tiff));
    const before = await allTags(jpeg);
    const out = withCaptureDate(jpeg, TAKEN)!;
    expect(out).toBeDefined();
    expectImageUntouched(out);

    const after = await allTags(out);
    expect(after.exif?.[0x9003]).toBe('2024:06:01 10:15:00');
    expect(after.exif?.[0x9011]).toBe('+08:00');
    // Only the pointer to the (new) Exif IFD moves.
    const { 0x8769: _p, ...ifd0 } = after.ifd0 ?? {};
    const { 0x8769: _q, ...ifd0Before } = before.ifd0 ?? {};
    expect(ifd0).toEqual(ifd0Before);
    expect(after.ifd1).toEqual(before.ifd1);
    const { 0x9003: _o, 0x9011: _t, ...restOfExif } = after.exif ?? {};
    expect(restOfExif).toEqual(before.exif);
    expect(after.ifd0?.[0x010f]).toBe('Xiaomi');

    const thumb = await exifr.thumbnail(out);
    expect(thumb && Buffer.from(thumb).equals(Buffer.from(thumbnail))).toBe(true);

    const newTiff = tiffOf(out);
    expect(Buffer.from(newTiff.subarray(0, 2)).toString('latin1')).toBe(little ? 'II' : 'MM');
    // Append-only: the old TIFF bytes are all still at their offsets, so the maker note's
    // absolute reference still lands on its data.
    const changed = [...tiff].flatMap((b, i) => (newTiff[i] === b ? [] : [i]));
    expect(changed.length).toBeLessThanOrEqual(4);
    const tailAt = buildTiff(spec).tailAt;
    expect(Buffer.from(newTiff.subarray(tailAt, tailAt + makerTail.length)).toString('latin1')).toBe(
      'MAKERDATA-0123456789',
    );
    expect(readCaptureDate(out, 'image/jpeg')).toEqual({ has: true, kind: 'exif' });
  });

  it('creates the Exif IFD and its pointer when IFD0 has none, keeping IFD1', async () => {
    const spec: TiffSpec = { ...phoneTiff(little), exif: undefined };
    const { tiff } = buildTiff(spec);
    const jpeg = jpegWith(exifSegment(tiff));
    const before = await allTags(jpeg);
    expect(before.exif).toBeUndefined();
    const out = withCaptureDate(jpeg, TAKEN)!;
    expectImageUntouched(out);
    const after = await allTags(out);
    expect(after.exif?.[0x9003]).toBe('2024:06:01 10:15:00');
    expect(after.exif?.[0x9011]).toBe('+08:00');
    const { 0x8769: pointer, ...ifd0 } = after.ifd0 ?? {};
    expect(pointer).toBeTypeOf('number');
    expect(ifd0).toEqual(before.ifd0);
    expect(after.ifd1).toEqual(before.ifd1);
    const thumb = await exifr.thumbnail(out);
    expect(thumb && Buffer.from(thumb).equals(Buffer.from(thumbnail))).toBe(true);
    expect(Buffer.from(tiffOf(out).subarray(0, 2)).toString('latin1')).toBe(little ? 'II' : 'MM');
  });

  it('leaves a file that has DateTimeOriginal alone', () => {
    const exif = [...defaultExif(little), { tag: 0x9003, type: 2 as const, value: '2020:01:02 03:04:05' }];
    const jpeg = jpegWith(exifSegment(buildTiff(phoneTiff(little, exif)).tiff));
    expect(withCaptureDate(jpeg, TAKEN)).toBeUndefined();
    expect(readCaptureDate(jpeg, 'image/jpeg')).toEqual({ has: true, kind: 'exif' });
  });

  it('replaces a zeroed DateTimeOriginal from a camera whose clock was never set', async () => {
    const exif = [...defaultExif(little), { tag: 0x9003, type: 2 as const, value: '0000:00:00 00:00:00' }];
    const jpeg = jpegWith(exifSegment(buildTiff(phoneTiff(little, exif)).tiff));
    expect(readCaptureDate(jpeg, 'image/jpeg').has).toBe(false);
    const out = withCaptureDate(jpeg, TAKEN)!;
    expect(await dates(out)).toEqual({ original: '2024:06:01 10:15:00', offset: '+08:00' });
  });
});

describe('withCaptureDate refuses what it cannot edit safely', () => {
  it('is idempotent: a repaired file is not repaired again', () => {
    const once = withCaptureDate(baseJpeg(), TAKEN)!;
    expect(withCaptureDate(once, TAKEN + 86_400_000)).toBeUndefined();
  });

  it('accepts DateTimeOriginal misplaced in IFD0 as a date', () => {
    const spec = phoneTiff(true);
    spec.ifd0.push({ tag: 0x9003, type: 2, value: '2021:01:01 00:00:00' });
    expect(withCaptureDate(jpegWith(exifSegment(buildTiff(spec).tiff)), TAKEN)).toBeUndefined();
  });

  it('returns undefined for non-JPEGs, truncated headers and broken Exif', () => {
    expect(withCaptureDate(latin1('\x89PNG\r\n\x1a\n0000000000'), TAKEN)).toBeUndefined();
    const jpeg = baseJpeg();
    expect(withCaptureDate(jpeg.subarray(0, 100), TAKEN)).toBeUndefined();
    const broken = jpegWith(exifSegment(latin1('II*\0\xff\xff\xff\x7f')));
    expect(withCaptureDate(broken, TAKEN)).toBeUndefined();
    const badPointer = buildTiff({ little: true, ifd0: [{ tag: 0x8769, type: 4, value: [60000] }] }).tiff;
    expect(withCaptureDate(jpegWith(exifSegment(badPointer)), TAKEN)).toBeUndefined();
  });

  it('keeps the APP1 under 64 KiB: a full one is left alone', () => {
    // Room for the TIFF data in one segment: 65535 minus the length field and "Exif\0\0".
    const room = 0xffff - 8 - buildTiff({ ...phoneTiff(true), tail: undefined }).tiff.length;
    const { tiff } = buildTiff({ ...phoneTiff(true), tail: new Uint8Array(room - 40) });
    expect(withCaptureDate(jpegWith(exifSegment(tiff)), TAKEN)).toBeUndefined();
    const roomy = buildTiff({ ...phoneTiff(true), tail: new Uint8Array(room - 400) }).tiff;
    const out = withCaptureDate(jpegWith(exifSegment(roomy)), TAKEN)!;
    expect(out).toBeDefined();
    expect((out[4]! << 8) | out[5]!).toBeLessThanOrEqual(0xffff);
  });

  it('does not grow an Exif APP1 that sits after an MPF APP2 (its image offsets would break)', () => {
    const mpf = segment(0xe2, concat(latin1('MPF\0'), new Uint8Array(16)));
    const jpeg = jpegWith(mpf, exifSegment(buildTiff(phoneTiff(true)).tiff));
    expect(withCaptureDate(jpeg, TAKEN)).toBeUndefined();
  });

  it('does not touch an Exif APP1 placed among the image segments', () => {
    const image = imageSegments();
    const exif = exifSegment(buildTiff(phoneTiff(true)).tiff);
    // DQT first, then Exif: the Exif block belongs to the part that must stay byte-identical.
    const dqtLength = 2 + ((image[2]! << 8) | image[3]!);
    const jpeg = concat(
      new Uint8Array([0xff, 0xd8]),
      image.subarray(0, dqtLength),
      exif,
      image.subarray(dqtLength),
    );
    expect(withCaptureDate(jpeg, TAKEN)).toBeUndefined();
  });
});
