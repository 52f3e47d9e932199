/**
 * The local copy in real Chromium: albums chosen in the popup are saved by the browser itself
 * (chrome.downloads, step 3 of Xiaomi's download as a POST) into "Mi Cloud/<album>/" of the
 * profile's download folder, with the original names and bytes, even when the service worker is
 * stopped half-way. Judged on the files on disk, against the library's SHA-1s.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeClouds } from '../fakes/clouds.ts';
import { AWKWARD_ALBUMS, AWKWARD_ITEMS, presetAwkwardNames } from '../fakes/library/bad-inputs.ts';
import { presetSmall, SMALL_TRIP_ALBUM_ID } from '../fakes/library/presets.ts';
import { createProfileDir } from './chromium.ts';
import { openAlbumPicker, REPORT, startFromPopup, waitFor, waitForDone } from './flow.ts';
import { type ExtensionBrowser, launchBrowser } from './harness.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

const leftovers: string[] = [];

// The browser is closed before its profile and download folders go.
closeSessionsAfterEach(async () => {
  for (const dir of leftovers.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A browser whose downloads land in a folder of the test's own, under the names the extension
 * gives them. Playwright sends a context's downloads to its own folder under random names; Chrome's
 * own download handling ('default') honours chrome.downloads' names and the profile's folder.
 */
async function browserSavingTo(downloadDir: string, clouds: FakeClouds): Promise<ExtensionBrowser> {
  const profileDir = await createProfileDir();
  leftovers.push(profileDir);
  await mkdir(join(profileDir, 'Default'), { recursive: true });
  await writeFile(
    join(profileDir, 'Default', 'Preferences'),
    JSON.stringify({ download: { default_directory: downloadDir, prompt_for_download: false } }),
  );
  const launched = await launchBrowser({ net: clouds.net, profileDir });
  const cdp = await launched.context.browser()!.newBrowserCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
  return launched;
}

async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), await readFile(path));
  }
  return files;
}

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

describe('the local copy', () => {
  it('saves the chosen albums, one folder each, with the original names and bytes', async () => {
    const library = presetSmall();
    const downloadDir = await mkdtemp(join(tmpdir(), 'mi2gp-downloads-'));
    leftovers.push(downloadDir);
    const { clouds, browser } = await startSession({
      library,
      launch: (fakes) => browserSavingTo(downloadDir, fakes),
    });

    const popup = await openAlbumPicker(browser);
    await popup.getByRole('checkbox', { name: 'Camera', exact: true }).check();
    await popup.getByRole('checkbox', { name: 'Trip 2024', exact: true }).check();
    await popup.getByRole('button', { name: 'Save to this computer' }).click();
    await popup.getByRole('progressbar', { name: 'Local copy' }).waitFor();
    // Once the browser is saving, the worker stops: the downloads go on without it, and their
    // events (or the popup's reconnection) wake it to settle them and start the rest.
    await waitFor(
      'the first file to be requested',
      () => clouds.xiaomi.requestsTo('storage-download').length,
    );
    await browser.stopServiceWorker();
    await popup.getByText(/^Local copy finished: \d+ files saved\.$/).waitFor({ timeout: 60_000 });

    const files = await filesUnder(downloadDir);
    const expected = [
      ...library.itemsIn('1').map((item) => ({ folder: 'Camera', item })),
      ...library.itemsIn(SMALL_TRIP_ALBUM_ID).map((item) => ({ folder: 'Trip 2024', item })),
    ];
    expect(files.size, [...files.keys()].join(', ')).toBe(expected.length);
    for (const { folder, item } of expected) {
      const saved = [...files].filter(
        ([path, bytes]) => path.startsWith(`Mi Cloud/${folder}/`) && sha1(bytes) === item.sha1,
      );
      expect(saved, `${folder}/${item.fileName}`).toHaveLength(1);
      const [path] = saved[0]!;
      // Two different items of Camera share a name: the second is numbered before its extension.
      const dot = item.fileName.lastIndexOf('.');
      const numbered = `${item.fileName.slice(0, dot)} (2)${item.fileName.slice(dot)}`;
      expect([`Mi Cloud/${folder}/${item.fileName}`, `Mi Cloud/${folder}/${numbered}`]).toContain(path);
    }
    // Nothing was saved twice under a name of the browser's own making.
    expect([...files.keys()].filter((path) => / \(1\)\./.test(path))).toEqual([]);
    // And the receipt of each step-3 request: a POST the browser made, with the form body.
    const posts = clouds.xiaomi.requestsTo('storage-download');
    expect(posts.length).toBe(expected.length);
    expect(posts.every((r) => r.method === 'POST' && r.status === 200)).toBe(true);
  });

  it('saves the failed and skipped items of a migration from the report, and names what it could not save', async () => {
    const library = presetAwkwardNames();
    const downloadDir = await mkdtemp(join(tmpdir(), 'mi2gp-downloads-'));
    leftovers.push(downloadDir);
    const { browser } = await startSession({
      library,
      launch: (fakes) => browserSavingTo(downloadDir, fakes),
    });
    await waitForDone(await startFromPopup(browser));

    const report = await browser.openExtensionPage(REPORT);
    await report.getByRole('button', { name: 'Save failed and skipped items to disk' }).click();
    await report.getByText(/^Local copy finished: \d+ files saved\.$/).waitFor({ timeout: 60_000 });

    // The empty file and the file Google refused are saved as they are in Xiaomi Cloud.
    const files = await filesUnder(downloadDir);
    const empty = library.item(AWKWARD_ITEMS.zeroBytes)!;
    const refused = library.item(AWKWARD_ITEMS.corruptRaw)!;
    expect(new Map([...files].map(([path, bytes]) => [path, sha1(bytes)]))).toEqual(
      new Map([
        [`Mi Cloud/Album ${AWKWARD_ALBUMS.empty.id}/${empty.fileName}`, empty.sha1],
        [`Mi Cloud/Camera/${refused.fileName}`, refused.sha1],
      ]),
    );
    // The fake holds no bytes for the 250 MB photo and the 25 GB video: the report says so, by name.
    const copy = report.getByRole('region', { name: 'Local copy' });
    await copy.getByText('2 files could not be saved:').waitFor();
    const failures = copy.getByRole('listitem');
    expect(await failures.count()).toBe(2);
    for (const id of [AWKWARD_ITEMS.photoTooLarge, AWKWARD_ITEMS.videoTooLarge]) {
      const failure = failures.filter({ hasText: library.item(id)!.fileName });
      expect(await failure.textContent()).toContain('The browser could not save this file.');
    }
  });
});
