/**
 * Ready-made libraries: a small one for contract tests, a demo one with Chinese names, and a
 * parametric bulk one for benchmarks. Dates are Beijing wall-clock times, as a phone in China names
 * its files (IMG_20240601_101500.jpg was taken at 10:15:00 UTC+8).
 */

import { randomInt, seededRandom } from '../random.ts';
import {
  type ItemSpec,
  type Library,
  type LibrarySpec,
  makeLibrary,
  SYSTEM_ALBUMS,
  systemAlbumSpecs,
} from './library.ts';

const { camera: CAMERA, screenshots: SCREENSHOTS, private: PRIVATE } = SYSTEM_ALBUMS;

export const DEFAULT_USER_ID = '123456789';
export const KB = 1024;
export const MB = 1024 * 1024;

/** '2024-06-01 10:15:00' in Beijing → epoch ms. */
export function beijingTime(wallClock: string): number {
  return Date.parse(`${wallClock.replace(' ', 'T')}+08:00`);
}

/** The instant as a phone in China writes it into file names: '20240601_101500' (Beijing time). */
export function fileNameTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
}

/** The 17-digit id `base + n`, as a string (ids exceed 2^53, so never via Number). */
export function itemId(n: number, base = 24_886_749_771_200_000n): string {
  return String(base + BigInt(n));
}

export const SMALL_TRIP_ALBUM_ID = '31415926535897932';

/**
 * About a dozen small items over the four album kinds: one item in two albums (Camera and a user
 * album), two different items sharing a file name, favourites, a live photo, a HEIC, PNG screenshots,
 * a small MP4 and MOV, a JPEG without an EXIF date, and one item in the private album.
 */
export function presetSmall(): Library {
  const trip = SMALL_TRIP_ALBUM_ID;
  const items: ItemSpec[] = [
    {
      id: itemId(1),
      fileName: 'IMG_20240601_101500.jpg',
      kind: 'jpeg',
      size: 40 * KB,
      dateTaken: beijingTime('2024-06-01 10:15:00'),
      albums: [CAMERA, trip],
    },
    {
      id: itemId(2),
      fileName: 'VID_20240601_102000.mp4',
      kind: 'mp4',
      size: 120 * KB,
      dateTaken: beijingTime('2024-06-01 10:20:00'),
      albums: [CAMERA],
      isFavorite: true,
      width: 1920,
      height: 1080,
      durationMs: 58_000,
    },
    {
      id: itemId(3),
      fileName: 'IMG_20240602_083000.heic',
      kind: 'heic',
      size: 60 * KB,
      dateTaken: beijingTime('2024-06-02 08:30:00'),
      albums: [CAMERA],
    },
    {
      id: itemId(4),
      fileName: 'IMG_20240601_101500.jpg',
      kind: 'jpeg',
      size: 35 * KB,
      dateTaken: beijingTime('2024-06-01 10:15:00') + 400,
      albums: [CAMERA],
    },
    {
      id: itemId(5),
      fileName: 'Screenshot_2024-05-30-09-00-00-123_com.tencent.mm.png',
      kind: 'png',
      size: 25 * KB,
      dateTaken: beijingTime('2024-05-30 09:00:00'),
      albums: [SCREENSHOTS],
    },
    {
      id: itemId(6),
      fileName: 'IMG_20240603_190000.jpg',
      kind: 'jpeg',
      size: 48 * KB,
      dateTaken: beijingTime('2024-06-03 19:00:00'),
      albums: [trip],
      isFavorite: true,
    },
    {
      id: itemId(7),
      fileName: 'mmexport1717480800000.jpg',
      kind: 'jpeg',
      size: 30 * KB,
      dateTaken: beijingTime('2024-06-04 14:00:00'),
      albums: [trip],
      embeddedDate: false,
    },
    {
      id: itemId(8),
      fileName: 'VID_20240604_121500.mov',
      kind: 'mov',
      size: 90 * KB,
      dateTaken: beijingTime('2024-06-04 12:15:00'),
      albums: [trip],
    },
    {
      id: itemId(9),
      fileName: 'IMG_20240101_000500.jpg',
      kind: 'jpeg',
      size: 20 * KB,
      dateTaken: beijingTime('2024-01-01 00:05:00'),
      albums: [PRIVATE],
    },
    {
      id: itemId(10),
      fileName: 'Screenshot_2024-06-05-22-10-03-455_com.android.chrome.png',
      kind: 'png',
      size: 18 * KB,
      dateTaken: beijingTime('2024-06-05 22:10:03'),
      albums: [SCREENSHOTS],
    },
    {
      id: itemId(11),
      fileName: 'MVIMG_20240605_070000.jpg',
      kind: 'jpeg',
      size: 52 * KB,
      dateTaken: beijingTime('2024-06-05 07:00:00'),
      albums: [CAMERA],
      isLivePhoto: true,
    },
    {
      id: itemId(12),
      fileName: 'IMG_20240606_180000.jpg',
      kind: 'jpeg',
      size: 44 * KB,
      dateTaken: beijingTime('2024-06-06 18:00:00'),
      albums: [CAMERA],
    },
  ];
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [...systemAlbumSpecs(), { id: trip, name: 'Trip 2024' }],
    items,
    seed: 'small',
  });
}

export const DEMO_FAMILY_ALBUM_ID = '27182818284590452';
export const DEMO_TRIP_ALBUM_ID = '16180339887498948';

/**
 * A library to show the extension with: Chinese album and file names, JPEGs with and without an EXIF
 * date, HEIC, PNG, MP4 and MOV, a 60 MB video (above the 50 MB threshold for Google's resumable
 * uploads, google-photos-api.md §B), an item in two albums, favourites, a private item. About 80 MB.
 */
export function presetDemo(): Library {
  const family = DEMO_FAMILY_ALBUM_ID;
  const trip = DEMO_TRIP_ALBUM_ID;
  const items: ItemSpec[] = [
    {
      id: itemId(101),
      fileName: 'IMG_20240601_101500.jpg',
      kind: 'jpeg',
      size: 2_500 * KB,
      dateTaken: beijingTime('2024-06-01 10:15:00'),
      albums: [CAMERA, trip],
    },
    {
      id: itemId(102),
      fileName: '微信图片_20240215183000.jpg',
      kind: 'jpeg',
      size: 800 * KB,
      dateTaken: beijingTime('2024-02-15 18:30:00'),
      albums: [family],
      embeddedDate: false,
    },
    {
      id: itemId(103),
      fileName: 'IMG_20240210_200000.heic',
      kind: 'heic',
      size: 1_800 * KB,
      dateTaken: beijingTime('2024-02-10 20:00:00'),
      albums: [CAMERA],
      isFavorite: true,
    },
    {
      id: itemId(104),
      fileName: 'Screenshot_2024-06-05-22-10-03-455_com.tencent.mm.png',
      kind: 'png',
      size: 400 * KB,
      dateTaken: beijingTime('2024-06-05 22:10:03'),
      albums: [SCREENSHOTS],
    },
    {
      id: itemId(105),
      fileName: 'VID_20240602_093000.mp4',
      kind: 'mp4',
      size: 8 * MB,
      dateTaken: beijingTime('2024-06-02 09:30:00'),
      albums: [trip],
      width: 1920,
      height: 1080,
      durationMs: 12_000,
    },
    {
      id: itemId(106),
      fileName: 'VID_20240210_201500.mp4',
      kind: 'mp4',
      size: 60 * MB,
      dateTaken: beijingTime('2024-02-10 20:15:00'),
      albums: [CAMERA, family],
      isFavorite: true,
      width: 3840,
      height: 2160,
      durationMs: 95_000,
    },
    {
      id: itemId(107),
      fileName: '春节合影.jpg',
      kind: 'jpeg',
      size: 1_200 * KB,
      dateTaken: beijingTime('2024-02-10 19:45:00'),
      albums: [family],
      isFavorite: true,
    },
    {
      id: itemId(108),
      fileName: 'IMG_1234.MOV',
      kind: 'mov',
      size: 5 * MB,
      dateTaken: beijingTime('2023-10-01 16:20:00'),
      albums: [family],
      width: 1920,
      height: 1080,
    },
    {
      id: itemId(109),
      fileName: 'IMG_20231111_111111.jpg',
      kind: 'jpeg',
      size: 900 * KB,
      dateTaken: beijingTime('2023-11-11 11:11:11'),
      albums: [PRIVATE],
    },
    {
      id: itemId(110),
      fileName: 'IMG_20240603_064500.jpg',
      kind: 'jpeg',
      size: 3_100 * KB,
      dateTaken: beijingTime('2024-06-03 06:45:00'),
      albums: [trip],
    },
  ];
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [...systemAlbumSpecs(), { id: family, name: '家庭相册' }, { id: trip, name: '旅行 2024 · 云南' }],
    items,
    seed: 'demo',
  });
}

export interface BulkOptions {
  /** Default 1,000. */
  photos?: number;
  /** Default 2 MB. */
  photoMinBytes?: number;
  /** Default 6 MB. */
  photoMaxBytes?: number;
  /** Default 3. */
  videos?: number;
  /** Default 300 MB. */
  videoMinBytes?: number;
  /** Default 1 GB. */
  videoMaxBytes?: number;
  /** Default 1. */
  seed?: number;
}

export const BULK_ALBUM_ID = '11235813213455891';

/**
 * A benchmark library: JPEG photos (every 20th a HEIC) and MP4 videos of random sizes in the given
 * ranges, one a day, all in Camera; every 10th photo also in a user album.
 */
export function presetBulk(options: BulkOptions = {}): Library {
  const {
    photos = 1_000,
    photoMinBytes = 2 * MB,
    photoMaxBytes = 6 * MB,
    videos = 3,
    videoMinBytes = 300 * MB,
    videoMaxBytes = 1_024 * MB,
    seed = 1,
  } = options;
  const random = seededRandom(seed);
  const start = beijingTime('2023-01-01 09:00:00');
  const items: ItemSpec[] = [];
  for (let n = 0; n < photos; n++) {
    const dateTaken = start + n * 86_400_000 + randomInt(random, 0, 36_000) * 1000;
    const heic = n % 20 === 19;
    items.push({
      id: itemId(n + 1, 30_000_000_000_000_000n),
      fileName: `IMG_${fileNameTime(dateTaken)}.${heic ? 'heic' : 'jpg'}`,
      kind: heic ? 'heic' : 'jpeg',
      size: randomInt(random, photoMinBytes, photoMaxBytes),
      dateTaken,
      albums: n % 10 === 0 ? [CAMERA, BULK_ALBUM_ID] : [CAMERA],
    });
  }
  for (let n = 0; n < videos; n++) {
    const dateTaken = start + n * 86_400_000 + 12 * 3_600_000;
    items.push({
      id: itemId(n + 1, 30_000_000_100_000_000n),
      fileName: `VID_${fileNameTime(dateTaken)}.mp4`,
      kind: 'mp4',
      size: randomInt(random, videoMinBytes, videoMaxBytes),
      dateTaken,
      albums: [CAMERA],
      width: 3840,
      height: 2160,
      durationMs: 300_000,
    });
  }
  const spec: LibrarySpec = {
    userId: DEFAULT_USER_ID,
    albums: [...systemAlbumSpecs(), { id: BULK_ALBUM_ID, name: 'Every tenth photo' }],
    items,
    seed: `bulk-${seed}`,
  };
  return makeLibrary(spec);
}
