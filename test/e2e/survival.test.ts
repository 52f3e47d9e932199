/**
 * The engine survives what the browser does to it: whole migrations through the popup while the
 * service worker is stopped again and again (with the popup open, and with it closed so that only
 * the watchdog alarm or a plain start brings the worker back), and while the whole browser is
 * SIGKILLed and relaunched on the same profile. Each run is judged on what arrived in the fake
 * Google Photos and on the receipt the person exports.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesAtGoogle,
  killWhenCarriedOut,
  rememberXiaomiLogin,
  requestsSoFar,
  stopRepeatedly,
} from '../chaos/disruptions.ts';
import type { FakeClouds, FakeCloudsOptions } from '../fakes/clouds.ts';
import {
  beijingTime,
  DEMO_FAMILY_ALBUM_ID,
  DEMO_TRIP_ALBUM_ID,
  type ItemSpec,
  itemId,
  KB,
  MB,
  makeLibrary,
  SYSTEM_ALBUMS,
} from '../fakes/library/index.ts';
import {
  auditMigration,
  expectWholeLibraryWithReceipt,
  POPUP,
  startFromPopup,
  waitFor,
  waitForDone,
} from './flow.ts';
import { closeSessionsAfterEach, type Session, startSession } from './session.ts';

const FAMILY = DEMO_FAMILY_ALBUM_ID;
const TRIP = DEMO_TRIP_ALBUM_ID;

/**
 * About 64 MB in four albums: photos in two albums at once, favourites, and one video above the
 * 50 MiB raw-upload limit so it goes in resumable 8 MiB chunks that a stop can cut.
 */
function survivalLibrary() {
  const { camera, screenshots } = SYSTEM_ALBUMS;
  const at = (day: number) => beijingTime('2024-02-01 09:00:00') + day * 86_400_000;
  const photo = (n: number, albums: string[], extra: Partial<ItemSpec> = {}): ItemSpec => ({
    id: itemId(500 + n),
    fileName: `IMG_202402${String(n).padStart(2, '0')}_090000.jpg`,
    kind: 'jpeg',
    size: 600 * KB + n * 37 * KB,
    dateTaken: at(n),
    albums,
    ...extra,
  });
  const items: ItemSpec[] = [
    photo(1, [camera]),
    photo(2, [camera, FAMILY], { isFavorite: true }),
    photo(3, [camera]),
    photo(4, [camera, TRIP]),
    photo(5, [FAMILY]),
    photo(6, [FAMILY], { fileName: '春节合影.jpg' }),
    photo(7, [TRIP], { isFavorite: true }),
    photo(8, [TRIP]),
    {
      id: itemId(520),
      fileName: 'VID_20240210_201500.mp4',
      kind: 'mp4',
      size: 51 * MB,
      dateTaken: at(9),
      albums: [camera, FAMILY],
      isFavorite: true,
      durationMs: 60_000,
    },
    {
      id: itemId(521),
      fileName: 'Screenshot_2024-02-11-10-00-00-000_com.tencent.mm.png',
      kind: 'png',
      size: 300 * KB,
      dateTaken: at(10),
      albums: [screenshots],
    },
  ];
  return makeLibrary({
    userId: '123456789',
    albums: [
      { id: camera, name: null },
      { id: screenshots, name: null },
      { id: FAMILY, name: '家庭相册' },
      { id: TRIP, name: 'Trip 2024' },
    ],
    items,
    seed: 'survival',
  });
}

/** Slow enough that the job takes several seconds, so stops and kills land mid-job. */
const SLOW_UPLINK = { uploadBytesPerSec: 12 * MB };
/** A stop after every 10 MB at Google and at least a second apart: mid-job, with progress in between. */
const STOP_PLAN = { bytes: 10 * MB, gapMs: 1_000 };

const library = survivalLibrary();
const allAlbums = library.albums.map((a) => a.id);

closeSessionsAfterEach();

function setUp(xiaomi: FakeCloudsOptions['xiaomi'] = {}): Promise<Session> {
  return startSession({
    library,
    xiaomi,
    shaping: SLOW_UPLINK,
    // Whether Google hands back the same item for the same bytes is unknown (google-photos-api.md
    // §I4, §C8): take the unforgiving answer, so that only the engine's records keep items single.
    google: { dedupe: 'new-item' },
  });
}

/** Seen at Google, so that watching does not wake the worker: every item is there. */
function allArrived(c: FakeClouds): boolean {
  return auditMigration(c, library, allAlbums).arrived === library.items.length;
}

describe('the service worker stopped again and again mid-job', () => {
  it('with the popup open (its port wakes the worker), every item arrives once and the receipt proves it', async () => {
    const { clouds: c, browser: b } = await setUp();
    const popup = await startFromPopup(b);
    const done = popup.getByRole('heading', { name: 'Done', exact: true });

    const stops = await stopRepeatedly(c, b, {
      next: () => STOP_PLAN,
      isDone: () => done.isVisible(),
      afterStop: async () => {},
    });

    expect(stops, 'stops that landed mid-job').toBeGreaterThanOrEqual(3);
    await expectWholeLibraryWithReceipt(c, library, b);
  });

  it('with the popup closed: the watchdog alarm alone restarts it once, a plain start the other times', async () => {
    const { clouds: c, browser: b } = await setUp();
    const popup = await startFromPopup(b);
    await waitFor('the first bytes to reach Google', () => bytesAtGoogle(c) > 0);
    await popup.close();

    // No page, no wake: nothing but the alarm (period 30 s, chromium-e2e.md §5) can bring it back.
    await b.stopServiceWorker();
    const silentAt = requestsSoFar(c);
    await waitFor('the watchdog alarm to restart the job', () => requestsSoFar(c) > silentAt, 45_000);

    const stops = await stopRepeatedly(c, b, {
      next: () => STOP_PLAN,
      isDone: () => allArrived(c),
      afterStop: () => b.wakeServiceWorker(),
    });

    expect(stops, 'stops that landed mid-job').toBeGreaterThanOrEqual(2);
    await waitForDone(await b.openExtensionPage(POPUP));
    await expectWholeLibraryWithReceipt(c, library, b);
  });
});

describe('the browser killed mid-job and relaunched on the same profile', () => {
  it('finishes by itself after each relaunch, every item once, and the receipt proves it', async () => {
    // The fake renews the Xiaomi login with a session cookie, which no restart keeps (whether
    // Xiaomi's are is not known, xiaomi-api.md §2.2): left unrenewed here, the crashes test the
    // engine, and the chaos suite's 'xiaomi-session' covers a lost login.
    const set = await setUp({ renewAfterMs: Number.POSITIVE_INFINITY });
    const c = set.clouds;
    let b = await rememberXiaomiLogin(c, set.browser);
    set.browser = b;
    const popup = await startFromPopup(b);
    await popup.close();

    // 1: mid-transfer, with the big video partly at Google; then nothing but the browser starting.
    await waitFor('16 MB at Google', () => bytesAtGoogle(c) > 16 * MB);
    await b.kill();
    b = await b.relaunch();
    set.browser = b;
    const resumedAt = requestsSoFar(c);
    await waitFor('the job to go on after the relaunch', () => requestsSoFar(c) > resumedAt + 5, 45_000);

    // 2: Google created items, and the browser died before it heard so (google-photos-api.md §C8).
    await killWhenCarriedOut(c, b, 'mediaItems:batchCreate');
    b = await b.relaunch();
    set.browser = b;
    await waitForDone(await b.openExtensionPage(POPUP));

    await expectWholeLibraryWithReceipt(c, library, b);
  });
});
