/**
 * The fakes of both clouds and a Chromium with the built extension, as each E2E test starts them:
 * the person logged in to Xiaomi (its session cookies in the browser) and the Google client saved
 * in the options page, unless the test says otherwise. A test file calls `closeSessionsAfterEach()`
 * once; whatever its tests started is closed after each of them, browser first.
 */
import { afterEach } from 'vitest';
import { type FakeClouds, type FakeCloudsOptions, startFakeClouds } from '../fakes/clouds.ts';
import type { Library } from '../fakes/library/library.ts';
import { presetSmall } from '../fakes/library/presets.ts';
import { configureGoogleClient, type FlowOptions } from './flow.ts';
import { type ExtensionBrowser, launchBrowser } from './harness.ts';

export interface SessionOptions extends Omit<FakeCloudsOptions, 'library'>, FlowOptions {
  /** What the Xiaomi account holds (default presetSmall()). */
  library?: Library;
  /** Seed the Xiaomi session cookies (default true). */
  loggedIn?: boolean;
  /** Save the Google client id in the options page (default true). */
  googleClient?: boolean;
  /** More Chromium flags, e.g. `--lang=zh-CN`. */
  args?: string[];
  /** Launches the browser in a way of the test's own (default: launchBrowser on the fakes' network). */
  launch?: (clouds: FakeClouds) => Promise<ExtensionBrowser>;
}

export interface Session {
  library: Library;
  clouds: FakeClouds;
  /** Closed after the test; a test that relaunches the browser puts the new one here. */
  browser: ExtensionBrowser;
}

/** Started by the current test and not closed yet (filled in as they start, so a failed start is closed too). */
const open: Partial<Session>[] = [];
let closing = false;

/** Registers, in the calling test file, that the sessions each test started are closed after it. */
export function closeSessionsAfterEach(andThen?: () => Promise<void>): void {
  closing = true;
  afterEach(async () => {
    for (const session of open.splice(0).reverse()) {
      await session.browser?.close();
      await session.clouds?.close();
    }
    await andThen?.();
  });
}

export async function startSession(options: SessionOptions = {}): Promise<Session> {
  if (!closing) throw new Error('call closeSessionsAfterEach() in the test file first');
  const {
    library = presetSmall(),
    loggedIn = true,
    googleClient = true,
    repairCaptureDates,
    args,
    launch,
    ...fakes
  } = options;
  const session: Partial<Session> = { library };
  open.push(session);
  const clouds = await startFakeClouds({ library, ...fakes });
  session.clouds = clouds;
  const browser = await (launch ? launch(clouds) : launchBrowser({ net: clouds.net, args }));
  session.browser = browser;
  if (loggedIn) await browser.seedCookies(clouds.xiaomi.sessionCookies());
  if (googleClient) await configureGoogleClient(browser, clouds, { repairCaptureDates });
  return session as Session;
}
