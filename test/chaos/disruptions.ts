/**
 * What the world does to a running migration, as steps the survival E2E tests and the chaos suite
 * share: stop the service worker again and again, crash the browser at a chosen instant, keep the
 * Xiaomi login across restarts. Progress is read from the fakes' side (bytes Google received,
 * requests served), so every disruption lands mid-job whatever the machine's speed.
 */
import type { JobStatus, Settings } from '../../src/shared/messages.ts';
import { waitFor } from '../e2e/flow.ts';
import type { ExtensionBrowser } from '../e2e/harness.ts';
import type { FakeClouds } from '../fakes/clouds.ts';
import { type EndpointId, PHOTOS_HOST } from '../fakes/google/index.ts';

/** Request bytes the fake Google Photos has received so far, whole or cut off. */
export function bytesAtGoogle(clouds: FakeClouds): number {
  return clouds.net.log.filter((r) => r.host === PHOTOS_HOST).reduce((sum, r) => sum + r.requestBytes, 0);
}

/**
 * Requests the extension made to either cloud so far: a rise means it is at work. Chromium's own
 * calls to accounts.google.com (ListAccounts) do not count.
 */
export function requestsSoFar(clouds: FakeClouds): number {
  return clouds.net.log.filter((r) => r.host === PHOTOS_HOST || r.host.endsWith('mi.com')).length;
}

/**
 * Logs in to Xiaomi as "remember me" would (a session cookie dies with any restart), then closes
 * the browser cleanly once: Chromium writes cookies to disk only every ~30 s (chromium-e2e.md,
 * later findings), and the crashes to come must not take the login with them.
 */
export async function rememberXiaomiLogin(
  clouds: FakeClouds,
  browser: ExtensionBrowser,
): Promise<ExtensionBrowser> {
  const aDay = Math.floor(Date.now() / 1000) + 86_400;
  await browser.seedCookies(clouds.xiaomi.sessionCookies().map((cookie) => ({ ...cookie, expires: aDay })));
  return browser.relaunch();
}

/** Changes settings the options page has no control for (e.g. `quotaLookMinutes`), as stored by the extension. */
export async function storeSettings(browser: ExtensionBrowser, changes: Partial<Settings>): Promise<void> {
  await browser.evaluateInServiceWorker(async (patch) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(settings as object | undefined), ...patch } });
  }, changes);
}

/**
 * The active job's status, peeked from the extension's IndexedDB (src/engine/db.ts: database
 * 'mi2gp', `meta.activeJobId`, `jobs`). Only for pacing disruptions: verdicts come from the fakes
 * and the receipt. Wakes the worker; call it only once a job exists.
 */
export function jobStatus(browser: ExtensionBrowser): Promise<JobStatus | undefined> {
  return browser.evaluateInServiceWorker(async () => {
    const request = indexedDB.open('mi2gp');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = (store: string, key: IDBValidKey) =>
      new Promise<unknown>((resolve, reject) => {
        const get = db.transaction(store).objectStore(store).get(key);
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      });
    try {
      const id = await read('meta', 'activeJobId');
      if (typeof id !== 'string') return undefined;
      return ((await read('jobs', id)) as { status: JobStatus } | undefined)?.status;
    } finally {
      db.close();
    }
  }, undefined);
}

export interface StopPlan {
  /** Stop only after Google received this many more bytes, so the job moves on between stops. */
  bytes: number;
  /** …and no sooner than this after the previous stop. */
  gapMs: number;
}

/**
 * Stops the worker each time `next()`'s plan is met, until `isDone`; `afterStop` decides what
 * brings the worker back (nothing but an open page or the alarm, or a plain start). Returns the
 * number of stops, each of which landed mid-job.
 */
export async function stopRepeatedly(
  clouds: FakeClouds,
  browser: ExtensionBrowser,
  options: { next(): StopPlan; isDone(): boolean | Promise<boolean>; afterStop(): Promise<void> },
): Promise<number> {
  let stops = 0;
  for (;;) {
    const plan = options.next();
    const from = bytesAtGoogle(clouds);
    const since = Date.now();
    const moved = await waitFor(
      'the job to move on or finish',
      async () => {
        if (await options.isDone()) return 'done';
        return bytesAtGoogle(clouds) >= from + plan.bytes && Date.now() - since >= plan.gapMs && 'moved';
      },
      180_000,
    );
    if (moved === 'done') return stops;
    await browser.stopServiceWorker();
    stops += 1;
    await options.afterStop();
  }
}

/**
 * Crashes the browser right after Google carried out a request whose answer never reached it:
 * the next `endpoint` request is processed and then its connection reset (the fake's
 * 'after-processing' fault), and the browser is SIGKILLed the moment that happened, before the
 * extension can learn what became of it (google-photos-api.md §C8).
 */
export async function killWhenCarriedOut(
  clouds: FakeClouds,
  browser: ExtensionBrowser,
  endpoint: EndpointId,
  timeoutMs = 120_000,
): Promise<void> {
  const log = clouds.google.state.requestLog;
  const seen = log.length;
  const earlier = new Set(clouds.net.log);
  clouds.google.failNext(endpoint, { kind: 'reset', when: 'after-processing' });
  const entry = await waitFor(
    `a ${endpoint} request`,
    () => log.slice(seen).find((e) => e.endpoint === endpoint && e.fault?.includes('after-processing')),
    timeoutMs,
  );
  // The fake cuts the connection only once it carried the request out: no answer ever left. Watched
  // without timers, because Chromium itself may send the POST again on a reset reused connection
  // within a millisecond, and the extension acts on that second answer at once.
  const carriedOut = () =>
    clouds.net.log.some(
      (r) =>
        !earlier.has(r) &&
        r.host === PHOTOS_HOST &&
        r.method === entry.method &&
        r.path === entry.path &&
        r.outcome !== 'pending' &&
        r.status === 0,
    );
  const deadline = Date.now() + timeoutMs;
  while (!carriedOut()) {
    if (Date.now() > deadline) throw new Error(`${endpoint} was never carried out`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await browser.kill();
}
