/**
 * Valid media files of an exact size, unique per seed: the kinds a Xiaomi phone gallery holds (JPEG,
 * HEIC, PNG screenshots, MP4 and MOV videos), a RAW file of random bytes that Google Photos rejects
 * with BAD_IMAGE (google-photos-api.md §C7), and an empty file.
 */
import { createHash } from 'node:crypto';
import { heicLayout, movieLayout } from './bmff.ts';
import { CHINA_UTC_OFFSET_MINUTES } from './exif.ts';
import { type FileLayout, fitLayout, GeneratedFile, RAW_SEGMENTS } from './generated-file.ts';
import { jpegLayout } from './jpeg.ts';
import { pngLayout } from './png.ts';

export type MediaKind = 'jpeg' | 'png' | 'heic' | 'mp4' | 'mov' | 'corrupt' | 'empty';

export interface MediaType {
  readonly type: 'image' | 'video';
  readonly mimeType: string;
  readonly extension: string;
}

export const MEDIA_TYPES: Readonly<Record<MediaKind, MediaType>> = {
  jpeg: { type: 'image', mimeType: 'image/jpeg', extension: 'jpg' },
  png: { type: 'image', mimeType: 'image/png', extension: 'png' },
  heic: { type: 'image', mimeType: 'image/heic', extension: 'heic' },
  mp4: { type: 'video', mimeType: 'video/mp4', extension: 'mp4' },
  mov: { type: 'video', mimeType: 'video/quicktime', extension: 'mov' },
  // A Sony RAW name over bytes no decoder recognises: Google's captured BAD_IMAGE was an .ARW (§C7).
  corrupt: { type: 'image', mimeType: 'image/x-sony-arw', extension: 'arw' },
  empty: { type: 'image', mimeType: 'image/jpeg', extension: 'jpg' },
};

export interface MediaOptions {
  kind: MediaKind;
  /** Makes the bytes unique: files with different seeds differ, files with equal options are equal. */
  seed: string;
  /** Exact size in bytes; default the smallest valid file of the kind. */
  size?: number;
  /** Pixel size of images and of the video track. Defaults: 64×48 (JPEG, PNG, HEIC, MP4, MOV). */
  width?: number;
  height?: number;
  /**
   * Capture instant embedded in the file: EXIF DateTimeOriginal (JPEG, HEIC) or `mvhd` creation_time
   * (MP4, MOV). Absent: a JPEG/HEIC without any EXIF date, a video with creation_time 0.
   */
  capturedAt?: number;
  /** Camera clock offset for the EXIF date; default +480 (UTC+8). */
  utcOffsetMinutes?: number;
  /** Write EXIF OffsetTimeOriginal; default true. */
  writeUtcOffset?: boolean;
  cameraMake?: string;
  cameraModel?: string;
  /** Video length; default 10 s. */
  durationMs?: number;
}

/** A generated file plus what it is. */
export class MediaFile extends GeneratedFile {
  readonly kind: MediaKind;
  readonly width: number;
  readonly height: number;

  constructor(options: MediaOptions) {
    super(layoutOf(options), options.seed);
    this.kind = options.kind;
    this.width = options.width ?? DEFAULT_WIDTH;
    this.height = options.height ?? DEFAULT_HEIGHT;
  }
}

export function createMedia(options: MediaOptions): MediaFile {
  return new MediaFile(options);
}

const DEFAULT_WIDTH = 64;
const DEFAULT_HEIGHT = 48;
const DEFAULT_DURATION_MS = 10_000;

function seedDigest(seed: string): Buffer {
  return createHash('sha256').update(`media:${seed}`).digest();
}

/** An ASCII label (safe for PNG tEXt) that differs for every seed. */
function labelOf(seed: string): string {
  return `fake-media ${seedDigest(seed).toString('hex', 0, 12)}`;
}

/** A flat colour derived from the seed, so files look different from one another too. */
function colourOf(seed: string): [number, number, number] {
  const digest = seedDigest(seed);
  return [digest[12]!, digest[13]!, digest[14]!];
}

// Starts with bytes that match no image or video signature (not TIFF, which RAW formats really are).
const CORRUPT_MAGIC = Buffer.from('\x00CORRUPT-RAW\n', 'latin1');

function layoutOf(options: MediaOptions): FileLayout {
  const { seed, size } = options;
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const exif = {
    ...(options.capturedAt === undefined ? {} : { capturedAt: options.capturedAt }),
    utcOffsetMinutes: options.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES,
    writeOffset: options.writeUtcOffset ?? true,
    make: options.cameraMake ?? 'Xiaomi',
    model: options.cameraModel ?? '23127PN0CC',
  };
  const label = labelOf(seed);
  switch (options.kind) {
    case 'jpeg':
      return jpegLayout({ width, height, rgb: colourOf(seed), label, exif }, size);
    case 'png':
      return pngLayout({ width, height, rgb: colourOf(seed), label }, size);
    case 'heic':
      return heicLayout({ width, height, label, exif }, size);
    case 'mp4':
    case 'mov':
      return movieLayout(
        {
          brand: options.kind,
          width,
          height,
          durationMs: options.durationMs ?? DEFAULT_DURATION_MS,
          ...(options.capturedAt === undefined ? {} : { capturedAt: options.capturedAt }),
          label,
        },
        size,
      );
    case 'corrupt':
      return fitLayout(
        size,
        () => Buffer.concat([CORRUPT_MAGIC, Buffer.from(`${label}\n`)]),
        Buffer.alloc(0),
        RAW_SEGMENTS,
        'corrupt file',
      );
    case 'empty':
      if (size !== undefined && size !== 0) throw new Error(`an empty file cannot be ${size} bytes`);
      return { head: Buffer.alloc(0), padding: { format: RAW_SEGMENTS, length: 0 }, tail: Buffer.alloc(0) };
  }
}
