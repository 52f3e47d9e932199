import { createFile, MP4BoxBuffer } from 'mp4box';
import { describe, expect, it } from 'vitest';
import { readCaptureDate } from './capture-date.ts';
import { moovEnd, withMp4CreationTime } from './mp4-date.ts';
import { buildMp4, mp4Seconds } from './test-support.ts';

const TAKEN = Date.UTC(2024, 5, 1, 2, 20, 0, 900);

interface Parsed {
  topLevel: Array<[type: string, size: number]>;
  mvhd: { creation: number; modification: number };
  tkhd: { creation: number; modification: number };
  mdhd: { creation: number; modification: number };
  chunkOffsets: number[];
}

/** Reads the file with mp4box (GPAC's parser), not with the code under test. */
function parse(bytes: Uint8Array): Parsed {
  const file = createFile();
  const copy = bytes.slice();
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy.buffer, 0));
  file.flush();
  const moov = file.moov!;
  const trak = moov.traks[0]!;
  const times = (b: { creation_time: number; modification_time: number }) => ({
    creation: Number(b.creation_time),
    modification: Number(b.modification_time),
  });
  return {
    topLevel: file.boxes.map((b) => [b.type, b.size ?? 0]),
    mvhd: times(moov.mvhd!),
    tkhd: times(trak.tkhd!),
    mdhd: times(trak.mdia!.mdhd!),
    chunkOffsets: Array.from(trak.mdia!.minf!.stbl!.stco!.chunk_offsets),
  };
}

/** Offsets where two equal-length arrays differ. */
function differences(a: Uint8Array, b: Uint8Array): number[] {
  return [...a].flatMap((byte, i) => (b[i] === byte ? [] : [i]));
}

describe.each([0, 1] as const)('withMp4CreationTime on a version-%i moov at the start', (version) => {
  it('sets zero times in mvhd, tkhd and mdhd in place, moving nothing', () => {
    const { file, chunkOffset } = buildMp4({ version, creation: 0 });
    const before = parse(file);
    expect(before.mvhd.creation).toBe(0);
    const out = withMp4CreationTime(file, TAKEN)!;
    expect(out).toBeDefined();
    expect(out.length).toBe(file.length);
    const after = parse(out);
    const seconds = mp4Seconds(TAKEN);
    expect(after.mvhd).toEqual({ creation: seconds, modification: seconds });
    expect(after.tkhd).toEqual({ creation: seconds, modification: seconds });
    expect(after.mdhd).toEqual({ creation: seconds, modification: seconds });
    expect(after.topLevel).toEqual(before.topLevel);
    expect(after.chunkOffsets).toEqual([chunkOffset]);
    // Two time fields in each of three boxes, 4 or 8 bytes each; nothing else.
    expect(differences(file, out).length).toBeLessThanOrEqual(6 * (version === 1 ? 8 : 4));
    expect(readCaptureDate(out, 'video/mp4')).toEqual({ has: true, kind: 'mp4' });
  });

  it('leaves a file whose mvhd has a creation time alone', () => {
    const { file } = buildMp4({ version, creation: mp4Seconds(Date.UTC(2020, 0, 1)) });
    expect(withMp4CreationTime(file, TAKEN)).toBeUndefined();
    expect(readCaptureDate(file, 'video/mp4')).toEqual({ has: true, kind: 'mp4' });
  });

  it('works on the head alone: the bytes up to the end of moov', () => {
    const { file } = buildMp4({ version, creation: 0, mdatBytes: 4096 });
    const end = moovEnd(file.subarray(0, 64))!;
    expect(end).toBeLessThan(file.length);
    const head = withMp4CreationTime(file.subarray(0, end), TAKEN)!;
    expect(head.length).toBe(end);
    expect(withMp4CreationTime(file.subarray(0, end - 1), TAKEN)).toBeUndefined();
  });
});

describe('withMp4CreationTime on moov at the end', () => {
  it('cannot repair from a head that holds only ftyp and the start of mdat', () => {
    const { file } = buildMp4({ version: 0, creation: 0, moovAtEnd: true, mdatBytes: 4096 });
    const head = file.subarray(0, 1024);
    expect(withMp4CreationTime(head, TAKEN)).toBeUndefined();
    expect(moovEnd(head)).toBeUndefined();
    expect(readCaptureDate(head, 'video/mp4')).toMatchObject({ has: false, kind: 'unknown' });
  });

  it('repairs when the whole file is held, since the patch does not move anything', () => {
    const { file, chunkOffset } = buildMp4({ version: 0, creation: 0, moovAtEnd: true });
    expect(readCaptureDate(file, 'video/mp4')).toMatchObject({ has: false, kind: 'mp4' });
    const out = withMp4CreationTime(file, TAKEN)!;
    const after = parse(out);
    expect(after.mvhd.creation).toBe(mp4Seconds(TAKEN));
    expect(after.chunkOffsets).toEqual([chunkOffset]);
  });
});

describe('withMp4CreationTime refuses dates it cannot store', () => {
  it('leaves a version-0 file alone for dates past 2040 (32-bit seconds since 1904)', () => {
    const { file } = buildMp4({ version: 0, creation: 0 });
    expect(withMp4CreationTime(file, Date.UTC(2041, 0, 1))).toBeUndefined();
    const v1 = buildMp4({ version: 1, creation: 0 }).file;
    expect(parse(withMp4CreationTime(v1, Date.UTC(2041, 0, 1))!).mvhd.creation).toBe(
      mp4Seconds(Date.UTC(2041, 0, 1)),
    );
  });

  it('refuses non-dates and files that are not MP4', () => {
    const { file } = buildMp4({ version: 0, creation: 0 });
    expect(withMp4CreationTime(file, Number.NaN)).toBeUndefined();
    expect(withMp4CreationTime(new Uint8Array([0, 0, 0, 4, 0x6d, 0x6f]), TAKEN)).toBeUndefined();
  });
});
