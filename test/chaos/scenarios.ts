/**
 * The chaos scenarios: one kind of trouble per run, injected into the fakes (or the browser) while
 * a whole migration runs through the popup. Each scenario says what it does and which reasons an
 * item may honestly end skipped or failed with; the runner (chaos.test.ts) judges the outcome.
 */
import type { Page } from 'playwright-core';
import type { ReceiptRow, Settings } from '../../src/shared/messages.ts';
import { POPUP, waitFor } from '../e2e/flow.ts';
import type { ExtensionBrowser } from '../e2e/harness.ts';
import type { FakeClouds, FakeCloudsOptions } from '../fakes/clouds.ts';
import { pacificDay } from '../fakes/google/index.ts';
import type { Library, LibraryItem } from '../fakes/library/index.ts';
import { DEMO_TRIP_ALBUM_ID, KB } from '../fakes/library/index.ts';
import type { Random } from '../fakes/random.ts';
import {
  bytesAtGoogle,
  jobStatus,
  killWhenCarriedOut,
  requestsSoFar,
  stopRepeatedly,
} from './disruptions.ts';

export interface ChaosRun {
  readonly clouds: FakeClouds;
  readonly library: Library;
  readonly random: Random;
  /** The browser now: a relaunch replaces it. */
  browser: ExtensionBrowser;
  /** The popup the job was started from, while it is open. */
  popup: Page | undefined;
  /** Counts a disruption the scenario made itself (a stop, a kill, an expiry…). */
  disrupt(what: string): void;
  /** Whether everything selected is in Google Photos, in all its albums (seen at Google, waking nothing). */
  destinationComplete(): boolean;
}

export interface Scenario {
  name: string;
  /** What goes wrong, for the table. */
  faults: string;
  clouds?: Pick<FakeCloudsOptions, 'google' | 'xiaomi' | 'shaping'>;
  settings?: Partial<Settings>;
  /** Whether a receipt row may honestly end skipped or failed here; by default none may. */
  mayReport?(row: ReceiptRow, run: ChaosRun): boolean;
  /** Runs from the moment the person pressed Start, alongside the job, until its trouble is over. */
  drive(run: ChaosRun): Promise<void>;
  /** Wall-clock budget of the whole run, set-up included. Default 6 minutes. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function libraryBytes(library: Library): number {
  return library.items.reduce((sum, item) => sum + item.size, 0);
}

/** Waits until Google received `fraction` of the library's bytes (re-sent bytes count too). */
function atFraction(run: ChaosRun, fraction: number): Promise<true> {
  const bytes = fraction * libraryBytes(run.library);
  return waitFor(
    `${Math.round(fraction * 100)} % of the bytes at Google`,
    () => bytesAtGoogle(run.clouds) >= bytes,
    180_000,
  );
}

/** The popup, opened again if the scenario closed it. */
export async function popupOf(run: ChaosRun): Promise<Page> {
  if (!run.popup || run.popup.isClosed()) run.popup = await run.browser.openExtensionPage(POPUP);
  return run.popup;
}

/** Presses a button of the popup once it shows (a stopped job's way on), as the person would. */
async function press(run: ChaosRun, name: string): Promise<void> {
  const button = (await popupOf(run)).getByRole('button', { name, exact: true });
  await button.waitFor({ timeout: 120_000 });
  await button.click();
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** A pattern for the step-3 download (xiaomi-api.md §6.3) of one item, by its signed file name. */
function downloadOf(item: LibraryItem): RegExp {
  return new RegExp(`download_file\\?.*fn=${base64Url(item.fileName)}&`);
}

function videos(library: Library): LibraryItem[] {
  return library.items.filter((item) => item.type === 'video');
}

/** Milliseconds from the fake clock's now to just past the next Pacific midnight, Google's quota day (§E3). */
function untilNextQuotaDay(now: number): number {
  const today = pacificDay(now);
  let step = 3_600_000;
  let at = now;
  while (pacificDay(at + step) === today) at += step;
  // Within the hour that crosses midnight: find the minute.
  step = 60_000;
  while (pacificDay(at) === today) at += step;
  return at - now + 60_000;
}

async function relaunchAfterKill(run: ChaosRun): Promise<void> {
  run.disrupt('browser SIGKILL');
  run.browser = await run.browser.relaunch();
  // Half the time nothing but the browser starting brings the job back, else the person opens the popup.
  run.popup = run.random() < 0.5 ? await run.browser.openExtensionPage(POPUP) : undefined;
}

const ANY_429 = ['concurrent-write', 'write-rate'] as const;
/** A home uplink, so that the job lasts long enough for stops and kills to land all over it. */
const SLOW_UPLINK = { uploadBytesPerSec: 10 * 1024 * 1024 };

export const SCENARIOS: Scenario[] = [
  {
    name: 'sw-stops',
    faults:
      'service worker stopped every 2–4 s, popup closed; a plain start or the 30 s alarm brings it back',
    async drive(run) {
      await run.popup?.close();
      run.popup = undefined;
      let stops = 0;
      await stopRepeatedly(run.clouds, run.browser, {
        next: () => ({ bytes: 256 * KB, gapMs: 2_000 + run.random() * 2_000 }),
        isDone: () => run.destinationComplete(),
        afterStop: async () => {
          run.disrupt('worker stopped');
          stops += 1;
          if (stops % 5 === 2) {
            // Only the watchdog alarm (chromium-e2e.md §5) can bring this one back.
            const silentAt = requestsSoFar(run.clouds);
            await waitFor('the alarm to restart the job', () => requestsSoFar(run.clouds) > silentAt, 45_000);
          } else {
            await sleep(run.random() * 1_000);
            await run.browser.wakeServiceWorker();
          }
        },
      });
    },
  },
  {
    name: 'browser-kills',
    faults:
      'browser SIGKILLed: after albums.create and after batchCreate were carried out unanswered, and twice at random',
    // The fake renews the Xiaomi login with a session cookie that no restart keeps; 'xiaomi-session' covers a lost login.
    clouds: { xiaomi: { renewAfterMs: Number.POSITIVE_INFINITY }, shaping: SLOW_UPLINK },
    async drive(run) {
      await run.popup?.close();
      run.popup = undefined;
      await killWhenCarriedOut(run.clouds, run.browser, 'albums:create');
      await relaunchAfterKill(run);
      await killWhenCarriedOut(run.clouds, run.browser, 'mediaItems:batchCreate');
      await relaunchAfterKill(run);
      for (let kill = 0; kill < 2; kill++) {
        const target = bytesAtGoogle(run.clouds) + (0.1 + run.random() * 0.2) * libraryBytes(run.library);
        const reached = await waitFor(
          'the next kill point',
          () => (bytesAtGoogle(run.clouds) >= target ? 'kill' : run.destinationComplete() && 'done'),
          180_000,
        );
        if (reached === 'done') return;
        await run.browser.kill();
        await relaunchAfterKill(run);
      }
    },
  },
  {
    name: 'server-errors',
    faults: '20 % of requests to both clouds answered 500/502/503 (or Xiaomi’s retriable error)',
    async drive(run) {
      run.clouds.google.setErrorRate('*', 0.2);
      run.clouds.xiaomi.configure({ errorRate: 0.2 });
    },
  },
  {
    name: 'rate-limit-bursts',
    faults: 'two bursts of 429 (concurrent write, write rate) on every Google endpoint',
    timeoutMs: 10 * 60_000,
    async drive(run) {
      const { google } = run.clouds;
      for (const [burst, fraction] of [0.2, 0.6].entries()) {
        await atFraction(run, fraction);
        const error = ANY_429[burst % ANY_429.length]!;
        const seen = google.state.requestLog.length;
        google.setErrorRate('*', 1, { kind: 'error', error });
        run.disrupt(`429 burst (${error})`);
        await waitFor(
          'the burst to hit',
          () => google.state.requestLog.slice(seen).filter((e) => e.fault).length >= 2,
        );
        google.setErrorRate('*', 0);
      }
    },
  },
  {
    name: 'write-limit',
    faults: 'Google’s per-minute write limit at 10 writes a minute',
    clouds: { google: { writesPerMinute: 10 } },
    timeoutMs: 10 * 60_000,
    async drive() {},
  },
  {
    name: 'daily-quota',
    faults: 'the daily request quota used up mid-run; the fake clock then crosses Pacific midnight',
    settings: { quotaLookMinutes: 0.5 },
    async drive(run) {
      const { google, clock } = run.clouds;
      await atFraction(run, 0.3);
      const seen = google.state.requestLog.length;
      google.setDailyRequestsUsed(google.config.dailyRequestLimit);
      run.disrupt('daily quota used up');
      await waitFor('Google to refuse for the day', () =>
        google.state.requestLog.slice(seen).some((e) => e.note === 'daily-quota'),
      );
      await waitFor(
        'the job to wait for the quota day',
        async () => (await jobStatus(run.browser)) === 'waiting',
      );
      clock.advance(untilNextQuotaDay(clock.now()));
      run.disrupt('quota day turned');
    },
  },
  {
    name: 'token-expiry',
    faults: 'every Google token expires mid-run and silent renewal answers interaction_required once',
    async drive(run) {
      const { google } = run.clouds;
      await atFraction(run, 0.3);
      google.authorizeNextWith({ outcome: 'interaction_required' });
      google.expireAllTokens();
      run.disrupt('tokens expired, silent renewal refused');
      await press(run, 'Sign in again');
      run.disrupt('person signed in again');
    },
  },
  {
    name: 'xiaomi-session',
    faults: 'the Xiaomi session expires mid-run and comes back (the watchdog notices)',
    async drive(run) {
      await atFraction(run, 0.3);
      run.clouds.xiaomi.expireSession();
      run.disrupt('Xiaomi session expired');
      await (await popupOf(run)).getByRole('button', { name: 'Open i.mi.com' }).waitFor({ timeout: 120_000 });
      run.clouds.xiaomi.restoreSession();
      run.disrupt('Xiaomi session back');
    },
  },
  {
    name: 'storage-full',
    faults: 'Google storage full mid-run, then freed; the person presses Resume',
    async drive(run) {
      await atFraction(run, 0.2);
      run.clouds.google.setStorageRemaining(0);
      run.disrupt('storage full');
      await (await popupOf(run)).getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
      run.clouds.google.setStorageRemaining(Number.POSITIVE_INFINITY);
      run.disrupt('storage freed');
      await press(run, 'Resume');
    },
  },
  {
    name: 'corruption',
    faults:
      'bytes corrupted in transit from Xiaomi: 6 downloads, a video once mid-file, one photo every time',
    mayReport: (row, run) =>
      row.reasonKind === 'sha1-mismatch' && row.xiaomiId === alwaysCorrupt(run.library).id,
    async drive(run) {
      const { xiaomi } = run.clouds;
      xiaomi.failNext(downloadOf(alwaysCorrupt(run.library)), { kind: 'corrupt' }, 100);
      xiaomi.failNext(downloadOf(videos(run.library)[0]!), { kind: 'corrupt' });
      // Six in a row spread over the first parallel transfers, each retried (an item corrupted four
      // times running fails by design, src/engine/policy.ts).
      xiaomi.failNext('download_file', { kind: 'corrupt' }, 6);
      run.disrupt('corruption armed');
    },
  },
  {
    name: 'deleted-items',
    faults: 'six items deleted on Xiaomi after listing, before their download (code 50050)',
    mayReport: (row) => row.reasonKind === 'xiaomi-item-deleted',
    async drive(run) {
      const { clouds, library } = run;
      // Listing is over once bytes flow; photos only in the album listed last are fetched last.
      await atFraction(run, 0.02);
      const arrived = new Set(clouds.google.state.mediaItemList().map((m) => m.sha1));
      const doomed = library
        .itemsIn(DEMO_TRIP_ALBUM_ID)
        .filter((item) => item.type === 'image' && item.albumIds.length === 1 && !arrived.has(item.sha1))
        .slice(-6);
      for (const item of doomed) {
        clouds.xiaomi.deleteItem(item.id);
        run.disrupt('item deleted on Xiaomi');
      }
    },
  },
  {
    name: 'connection-resets',
    faults: 'connections reset: 8 uploads cut mid-body, 30 % of batchCreate answers lost after processing',
    async drive(run) {
      const { google } = run.clouds;
      // The engine learns of each lost answer (src/google/http.ts streams the body so Chromium
      // cannot resend it) and sends the batch again: the tokens the first send used up say so.
      google.setErrorRate('mediaItems:batchCreate', 0.3, { kind: 'reset', when: 'after-processing' });
      for (let cut = 0; cut < 8; cut++) {
        // Half within a photo's body, half within an 8 MiB chunk of a video.
        const after = run.random() < 0.5 ? 1 + run.random() * 100 * KB : (1 + run.random() * 6) * 1024 * KB;
        google.cutNextUploadAfter(Math.floor(after), run.random() < 0.5 ? 'connection' : 'stream');
        run.disrupt('upload cut armed');
        const from = bytesAtGoogle(run.clouds);
        const reached = await waitFor(
          'the next cut',
          () =>
            bytesAtGoogle(run.clouds) > from + 8 * 1024 * KB ? 'next' : run.destinationComplete() && 'done',
          180_000,
        );
        if (reached === 'done') break;
      }
    },
  },
  {
    name: 'album-answer-lost',
    faults:
      'half of the albums.create answers lost after processing, on a connection Chromium had used before',
    async drive(run) {
      // Measured: Chromium sends a POST with an in-memory body again by itself when a reused
      // connection breaks before the answer, and Google made the album twice. The body now goes
      // as a stream (src/google/http.ts), so the loss reaches the engine, which lists and adopts.
      run.clouds.google.setErrorRate('albums:create', 0.5, { kind: 'reset', when: 'after-processing' });
      run.disrupt('album answers lost');
    },
  },
  {
    name: 'link-expiry',
    faults:
      'signed Xiaomi links expire: 4 downloads and 3 resolutions refused, and the clock jumps 11 min mid-video',
    async drive(run) {
      const { xiaomi, clock } = run.clouds;
      xiaomi.failNext('download_file', { kind: 'link-expired' }, 4);
      xiaomi.failNext('/mic/dl/', { kind: 'link-expired' }, 3);
      run.disrupt('link expiry armed');
      await atFraction(run, 0.4);
      // Every link handed out so far outlives its 10 minutes (the fake's default lifetime).
      clock.advance(11 * 60_000);
      run.disrupt('clock jumped 11 min');
    },
  },
];

/** The photo the 'corruption' scenario corrupts on every download: it must end failed, and say why. */
function alwaysCorrupt(library: Library): LibraryItem {
  return library.items.find((item) => item.type === 'image' && item.albumIds.length > 1)!;
}
