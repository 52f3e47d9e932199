/**
 * `npm run demo`: the whole extension against fake clouds, no accounts needed.
 *
 * - Default: opens Chromium (it needs a display) with the built extension loaded, a Xiaomi Cloud
 *   seeded with a demo library (Chinese album and file names, photos, HEIC, a 60 MB video), the
 *   fake i.mi.com open in a tab and the session cookies set, the Google client id already saved in
 *   the settings. Click the extension's icon (or use the popup tab) and move the library; watch what
 *   arrives at https://photoslibrary.googleapis.com/__fake/. Ctrl-C ends it.
 * - `--headless`: runs the whole flow by itself through the popup, prints what arrived in the fake
 *   Google Photos (album → items with sizes and SHA-1 checks) and exits 0 when everything arrived
 *   once and byte-identical, 1 otherwise.
 *
 * Builds dist/ first when it is missing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { DEFAULT_DIST } from '../test/e2e/chromium.ts';
import {
  auditMigration,
  configureGoogleClient,
  exportReceipt,
  POPUP,
  shownCounts,
  startFromPopup,
  waitForDone,
} from '../test/e2e/flow.ts';
import { type ExtensionBrowser, launchBrowser } from '../test/e2e/harness.ts';
import { type FakeClouds, startFakeClouds } from '../test/fakes/clouds.ts';
import type { Library } from '../test/fakes/library/library.ts';
import { presetDemo } from '../test/fakes/library/presets.ts';

const INSPECTOR = 'https://photoslibrary.googleapis.com/__fake/';
const XIAOMI_GALLERY = 'https://i.mi.com/gallery/h5';

const headless = process.argv.includes('--headless');

/** Pads to `width` terminal columns; CJK characters take two. */
function padColumns(text: string, width: number): string {
  const wide = text.match(
    /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60]/g,
  );
  return text + ' '.repeat(Math.max(0, width - text.length - (wide?.length ?? 0)));
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

async function ensureBuilt(): Promise<void> {
  if (existsSync(`${DEFAULT_DIST}/manifest.json`)) return;
  console.log('No dist/ yet: building the extension…');
  await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' });
}

/** Prints each Google album with its items, and whether each one's bytes are Xiaomi's (SHA-1). */
function printArrivals(clouds: FakeClouds, library: Library): void {
  const google = clouds.google.state;
  console.log('\nWhat arrived in the fake Google Photos (SHA-1 of the bytes that arrived vs. Xiaomi’s):');
  for (const album of google.albumList()) {
    const items = google.itemsInAlbum(album.id);
    console.log(`\n  ${album.title}  (${items.length} ${items.length === 1 ? 'item' : 'items'})`);
    for (const item of items) {
      const original = library.items.find((x) => x.fileName === item.filename && x.sha1 === item.sha1);
      const check = original ? 'SHA-1 match ✓' : 'no Xiaomi file with these bytes ✗';
      const size = formatSize(item.byteLength).padStart(8);
      console.log(`    ${padColumns(item.filename, 54)} ${size}  ${item.sha1.slice(0, 12)}…  ${check}`);
    }
  }
}

/** The whole flow through the popup; true when everything arrived once and byte-identical. */
async function runHeadless(
  browser: ExtensionBrowser,
  clouds: FakeClouds,
  library: Library,
): Promise<boolean> {
  console.log('Options page: saving the Google client id…');
  // Capture-date repair off: every file then arrives byte for byte and its SHA-1 can be compared.
  await configureGoogleClient(browser, clouds, { repairCaptureDates: false });
  console.log('Popup: signing in to Google, choosing every album, starting…');
  const popup = await startFromPopup(browser);
  await waitForDone(popup, 300_000);
  const counts = Object.entries(await shownCounts(popup)).map(([label, count]) => `${label} ${count}`);
  console.log(`Popup: Done — ${counts.join(', ')}`);

  printArrivals(clouds, library);
  const audit = auditMigration(
    clouds,
    library,
    library.albums.map((album) => album.id),
    { receipt: await exportReceipt(browser) },
  );
  const problems = [...audit.lost, ...audit.duplicated, ...audit.unexplained];
  for (const row of audit.reported) problems.push(`${row.fileName}: ${row.state} (${row.reasonKind})`);
  if (problems.length > 0 || audit.arrived !== audit.items) {
    console.log(`\n✗ ${audit.arrived} of ${audit.items} items arrived as they should:`);
    for (const problem of problems) console.log(`  - ${problem}`);
    return false;
  }
  const albums = clouds.google.state.albumList().length;
  console.log(
    `\n✓ All ${audit.items} items arrived exactly once, byte-identical, in ${albums} albums; the receipt agrees.`,
  );
  return true;
}

/** Sets the browser up for a person to try, and waits until Ctrl-C or the browser is closed. */
async function runHeaded(browser: ExtensionBrowser, clouds: FakeClouds): Promise<void> {
  await configureGoogleClient(browser, clouds, { repairCaptureDates: true });
  const gallery = await browser.context.newPage();
  await gallery.goto(XIAOMI_GALLERY);
  await browser.openExtensionPage(POPUP);
  console.log(`
The browser is ready:
  - the fake i.mi.com is open and you are logged in to it;
  - the Google client id is saved in the extension's settings;
  - the popup is open in a tab (the toolbar icon opens the same; pin it from the puzzle-piece menu).
Choose the albums, press "Start migration" and watch it move.

What arrived in the fake Google Photos: ${INSPECTOR} (open it in that browser).
Press Ctrl-C here (or close the browser) to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    browser.context.once('close', () => resolve());
  });
}

async function main(): Promise<number> {
  if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.error(
      'The demo opens a browser window, and this machine has no display (DISPLAY is not set).\n' +
        'Run it where a desktop is available, under a virtual display (xvfb-run npm run demo),\n' +
        'or let it run the whole flow by itself: npm run demo -- --headless',
    );
    return 1;
  }
  await ensureBuilt();
  const library = presetDemo();
  const clouds = await startFakeClouds({ library });
  let browser: ExtensionBrowser | undefined;
  try {
    console.log(`Fake Xiaomi Cloud and Google Photos are up; demo library: ${library.items.length} items.`);
    browser = await launchBrowser({ net: clouds.net, headless });
    await browser.seedCookies(clouds.xiaomi.sessionCookies());
    if (headless) return (await runHeadless(browser, clouds, library)) ? 0 : 1;
    await runHeaded(browser, clouds);
    return 0;
  } finally {
    await browser?.close();
    await clouds.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  return 1;
});
