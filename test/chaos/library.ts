/**
 * The library every chaos scenario moves: 250 small photos in Camera, Screenshots and two albums
 * of the person's, some in two albums at once, favourites, pairs of different photos under one file name (the
 * reconciliation after a lost answer matches by name), and two videos just above the 50 MiB
 * raw-upload limit, so each goes in resumable 8 MiB chunks that a fault can cut.
 */
import {
  beijingTime,
  DEMO_FAMILY_ALBUM_ID,
  DEMO_TRIP_ALBUM_ID,
  fileNameTime,
  type ItemSpec,
  itemId,
  KB,
  type Library,
  MB,
  makeLibrary,
  SYSTEM_ALBUMS,
} from '../fakes/library/index.ts';
import { randomInt, seededRandom } from '../fakes/random.ts';

const PHOTOS = 250;

export function chaosLibrary(seed: number): Library {
  const { camera, screenshots } = SYSTEM_ALBUMS;
  const random = seededRandom(seed);
  const start = beijingTime('2023-03-01 08:00:00');
  const items: ItemSpec[] = [];
  for (let n = 0; n < PHOTOS; n++) {
    const dateTaken = start + n * 7_200_000 + randomInt(random, 0, 3_000) * 1000;
    const screenshot = n % 25 === 24;
    const albums = screenshot
      ? [screenshots]
      : n % 13 === 0
        ? [DEMO_TRIP_ALBUM_ID]
        : [
            camera,
            ...(n % 6 === 0 ? [DEMO_FAMILY_ALBUM_ID] : []),
            ...(n % 9 === 0 ? [DEMO_TRIP_ALBUM_ID] : []),
          ];
    // Every 40th photo takes the name of the one before it: a phone that renamed nothing.
    const named = n % 40 === 39 ? n - 1 : n;
    items.push({
      id: itemId(n + 1, 31_000_000_000_000_000n),
      fileName: screenshot
        ? `Screenshot_${fileNameTime(dateTaken)}_com.tencent.mm.png`
        : `IMG_${fileNameTime(start + named * 7_200_000)}.jpg`,
      kind: screenshot ? 'png' : 'jpeg',
      size: randomInt(random, 30 * KB, 160 * KB),
      dateTaken,
      albums,
      isFavorite: n % 7 === 3,
    });
  }
  const video = (n: number, albums: string[], isFavorite: boolean): ItemSpec => ({
    id: itemId(n, 31_000_000_100_000_000n),
    fileName: `VID_${fileNameTime(start + n * 86_400_000 + 3_600_000)}.mp4`,
    kind: 'mp4',
    size: randomInt(random, 51 * MB, 54 * MB),
    dateTaken: start + n * 86_400_000 + 3_600_000,
    albums,
    isFavorite,
    width: 1920,
    height: 1080,
    durationMs: 90_000,
  });
  items.push(video(1, [camera, DEMO_FAMILY_ALBUM_ID], true), video(2, [DEMO_TRIP_ALBUM_ID], false));
  return makeLibrary({
    userId: '123456789',
    albums: [
      { id: camera, name: null },
      { id: screenshots, name: null },
      { id: DEMO_FAMILY_ALBUM_ID, name: '家庭相册' },
      { id: DEMO_TRIP_ALBUM_ID, name: '旅行 2024 · 云南' },
    ],
    items,
    seed: `chaos-${seed}`,
  });
}
