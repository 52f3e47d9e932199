/**
 * Libraries full of inputs a migration must survive: awkward album and file names, empty files,
 * files too big for Google Photos (200 MB photos, 20 GB videos: google-photos-api.md §E1), a RAW
 * file Google rejects, and an album of more than 20,000 items.
 */
import {
  type AlbumSpec,
  type ItemSpec,
  type Library,
  makeLibrary,
  SYSTEM_ALBUMS,
  systemAlbumSpecs,
} from './library.ts';
import { beijingTime, DEFAULT_USER_ID, itemId, KB, MB } from './presets.ts';

const { camera: CAMERA, screenshots: SCREENSHOTS } = SYSTEM_ALBUMS;

/** User albums of `presetAwkwardNames`, by what is awkward about their names. */
export const AWKWARD_ALBUMS = {
  empty: { id: '40000000000000001', name: '' },
  blank: { id: '40000000000000002', name: '   ' },
  long: { id: '40000000000000003', name: `很长的相册名称${'非常'.repeat(150)}` },
  rightToLeft: { id: '40000000000000004', name: 'رحلة العائلة \u202e2024\u202c' },
  emoji: { id: '40000000000000005', name: '🏖️ 海边 👨‍👩‍👧‍👦' },
  slashes: { id: '40000000000000006', name: 'Trips/2024\\Summer: "best" <of>?*|' },
  duplicateA: { id: '40000000000000007', name: 'Trip' },
  duplicateB: { id: '40000000000000008', name: 'Trip' },
  paddedDuplicate: { id: '40000000000000009', name: ' Trip ' },
} as const;

/** Items of `presetAwkwardNames`, by what is awkward about them. */
export const AWKWARD_ITEMS = {
  nonAscii: itemId(1, 41_000_000_000_000_000n),
  longAsciiName: itemId(2, 41_000_000_000_000_000n),
  longUtf8Name: itemId(3, 41_000_000_000_000_000n),
  noExtension: itemId(4, 41_000_000_000_000_000n),
  repeatedName1: itemId(5, 41_000_000_000_000_000n),
  repeatedName2: itemId(6, 41_000_000_000_000_000n),
  repeatedName3: itemId(7, 41_000_000_000_000_000n),
  zeroBytes: itemId(8, 41_000_000_000_000_000n),
  photoTooLarge: itemId(9, 41_000_000_000_000_000n),
  videoTooLarge: itemId(10, 41_000_000_000_000_000n),
  corruptRaw: itemId(11, 41_000_000_000_000_000n),
  reservedWindowsName: itemId(12, 41_000_000_000_000_000n),
} as const;

/** Declared sizes (no bytes exist) just past Google's limits. */
export const OVERSIZED = { photoBytes: 250 * MB, videoBytes: 25 * 1024 * MB } as const;

/**
 * Album names that are empty, blank, 300+ characters, right-to-left with bidi controls, emoji,
 * full of path separators and reserved characters, or duplicated; file names that are non-ASCII,
 * longer than 255 bytes, without extension or repeated; a zero-byte file; a 250 MB photo and a
 * 25 GB video known only from the listing; a RAW file of garbage bytes.
 */
export function presetAwkwardNames(): Library {
  const ids = AWKWARD_ITEMS;
  const albums = AWKWARD_ALBUMS;
  const day = beijingTime('2024-03-01 12:00:00');
  const photo = (
    id: string,
    fileName: string,
    albumIds: string[],
    extra: Partial<ItemSpec> = {},
  ): ItemSpec => ({
    id,
    fileName,
    kind: 'jpeg',
    size: 12 * KB,
    dateTaken: day + Number(BigInt(id) % 1000n) * 60_000,
    albums: albumIds,
    ...extra,
  });
  const items: ItemSpec[] = [
    photo(ids.nonAscii, '照片 №1 — café «été».jpg', [CAMERA, albums.emoji.id]),
    photo(ids.longAsciiName, `IMG_${'a'.repeat(260)}.jpg`, [albums.long.id]),
    photo(ids.longUtf8Name, `${'长'.repeat(100)}.jpg`, [albums.rightToLeft.id]),
    photo(ids.noExtension, 'IMG_20240301_120400', [albums.slashes.id]),
    photo(ids.repeatedName1, 'IMG_0001.JPG', [albums.duplicateA.id]),
    photo(ids.repeatedName2, 'IMG_0001.JPG', [albums.duplicateB.id]),
    photo(ids.repeatedName3, 'IMG_0001.JPG', [albums.duplicateA.id, albums.paddedDuplicate.id]),
    { ...photo(ids.zeroBytes, 'empty.jpg', [albums.empty.id]), kind: 'empty', size: 0 },
    {
      ...photo(ids.photoTooLarge, 'PANO_20240301_121000.jpg', [albums.blank.id]),
      size: undefined,
      declaredSize: OVERSIZED.photoBytes,
    },
    {
      ...photo(ids.videoTooLarge, 'VID_20240301_121100.mp4', [CAMERA]),
      kind: 'mp4',
      size: undefined,
      declaredSize: OVERSIZED.videoBytes,
    },
    { ...photo(ids.corruptRaw, 'DSC09999.ARW', [CAMERA]), kind: 'corrupt', size: 24 * KB },
    photo(ids.reservedWindowsName, 'CON.jpg', [SCREENSHOTS]),
  ];
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [...systemAlbumSpecs(), ...Object.values(albums)],
    items,
    seed: 'awkward',
  });
}

export interface HugeAlbumOptions {
  /** Default 20,001. */
  items?: number;
  /** Default Camera ('1'). */
  albumId?: string;
}

/**
 * One album with more than 20,000 tiny JPEGs (a few hundred bytes each, generated when first
 * listed or downloaded), for paging and bookkeeping at scale. Items are one minute apart.
 */
export function presetHugeAlbum(options: HugeAlbumOptions = {}): Library {
  const { items: count = 20_001, albumId = CAMERA } = options;
  const start = beijingTime('2020-01-01 08:00:00');
  const items: ItemSpec[] = Array.from({ length: count }, (_, n) => ({
    id: itemId(n + 1, 50_000_000_000_000_000n),
    fileName: `IMG_${String(n + 1).padStart(6, '0')}.jpg`,
    kind: 'jpeg',
    dateTaken: start + n * 60_000,
    albums: [albumId],
  }));
  const albums: AlbumSpec[] = systemAlbumSpecs();
  if (!albums.some((album) => album.id === albumId)) albums.push({ id: albumId, name: 'Huge' });
  return makeLibrary({ userId: DEFAULT_USER_ID, albums, items, seed: 'huge' });
}
