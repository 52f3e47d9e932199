/**
 * Issue "Popup, options and report": every popup state a person meets, reached through the UI of
 * the built extension against the fakes — set-up, album picker and its warnings, a job running,
 * paused, waiting (storage full, daily quota), done — then the report's table, filters and CSV,
 * keyboard-only use, dark mode and the Chinese UI.
 *
 * With UPDATE_SCREENSHOTS=1 the tests also photograph each state into docs/screenshots/ (the
 * README shows them); without it they write nothing.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import enCatalog from '../../public/_locales/en/messages.json' with { type: 'json' };
import { productUrl } from '../fakes/google/resource-json.ts';
import { type ItemSpec, type Library, makeLibrary, SYSTEM_ALBUMS } from '../fakes/library/library.ts';
import { beijingTime, DEFAULT_USER_ID, itemId, MB, presetDemo } from '../fakes/library/presets.ts';
import {
  albumTitleOf,
  expectDestinationMatches,
  expectWholeLibraryWithReceipt,
  exportReceipt,
  OPTIONS,
  openAlbumPicker,
  POPUP,
  shownCounts,
  startFromPopup,
  waitForAlbumPicker,
  waitForDone,
} from './flow.ts';
import type { ExtensionBrowser } from './harness.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

/** The toolbar popup is 400 px wide; a tab showing it is made the same width. */
const POPUP_WIDTH = 400;

async function openPopup(extension: ExtensionBrowser): Promise<Page> {
  const popup = await extension.openExtensionPage(POPUP);
  await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
  return popup;
}

const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Photographs the page into docs/screenshots/<name>.png when UPDATE_SCREENSHOTS=1: as tall as its
 * content (as the toolbar popup sizes itself), with no hover left on a control.
 */
async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const viewport = page.viewportSize() ?? { width: POPUP_WIDTH, height: 600 };
  await page.mouse.move(0, 0);
  await page.setViewportSize({ width: viewport.width, height: 100 });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, animations: 'disabled' });
  await page.setViewportSize(viewport);
}

/** Clicks a control that makes the extension open a tab, and returns that tab. */
async function openedBy(control: Locator): Promise<Page> {
  const [tab] = await Promise.all([control.page().context().waitForEvent('page'), control.click()]);
  return tab;
}

function heading(page: Page, name: string): Promise<void> {
  return page.getByRole('heading', { name, exact: true }).waitFor();
}

function overallProgress(popup: Page): Locator {
  return popup.getByRole('progressbar', { name: 'Overall progress' });
}

async function progressValue(popup: Page): Promise<number | undefined> {
  const value = await overallProgress(popup).getAttribute('aria-valuenow', { timeout: 5_000 });
  return value === null ? undefined : Number(value);
}

/** Each album checkbox of the picker with the facts line it is described by. */
function pickerRows(popup: Page): Promise<{ name: string; checked: boolean; facts: string }[]> {
  return popup.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('ul input[type=checkbox]')].map((box) => ({
      name: box.labels?.[0]?.textContent ?? '',
      checked: box.checked,
      facts: document.getElementById(box.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
    })),
  );
}

/** A minimal RFC 4180 reader: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      rows.at(-1)!.push(cell);
      cell = '';
    } else if (char === '\n') {
      rows.at(-1)!.push(cell.replace(/\r$/, ''));
      cell = '';
      rows.push([]);
    } else cell += char;
  }
  const [header = [], ...body] = rows.filter((row) => row.length > 1);
  return body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

/**
 * A gallery known only from its listing: 12,000 camera photos of 2.5 MB (30 GB, more than a day
 * of Google's 10,000 requests) and a small trip album. Nothing is ever downloaded from it.
 */
function bigLibrary(): Library {
  const camera = SYSTEM_ALBUMS.camera;
  const trip = '60000000000000001';
  const start = beijingTime('2021-01-01 09:00:00');
  const photo = (n: number, albums: string[]): ItemSpec => ({
    id: itemId(n, 60_000_000_000_000_000n),
    fileName: `IMG_${n}.jpg`,
    kind: 'jpeg',
    declaredSize: 2.5 * MB,
    dateTaken: start + n * 3_600_000,
    albums,
  });
  const items = Array.from({ length: 12_000 }, (_, n) => photo(n + 1, n < 120 ? [camera, trip] : [camera]));
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [
      { id: camera, name: null },
      { id: trip, name: '旅行 2021' },
    ],
    items,
    seed: 'big',
  });
}

/**
 * Sixty photos and a video: enough for a full batch of 50 to be created in Google Photos (and
 * counted) while the video is still on its way.
 */
function runningLibrary(): Library {
  const camera = SYSTEM_ALBUMS.camera;
  const trip = '60000000000000002';
  const start = beijingTime('2024-10-01 08:00:00');
  const photos: ItemSpec[] = Array.from({ length: 60 }, (_, n) => ({
    id: itemId(n + 1, 61_000_000_000_000_000n),
    fileName: `IMG_20241001_${String(80_000 + n * 100).padStart(6, '0')}.jpg`,
    kind: 'jpeg',
    size: 150 * 1024,
    dateTaken: start + n * 60_000,
    albums: n % 6 === 0 ? [camera, trip] : [camera],
  }));
  const video: ItemSpec = {
    id: itemId(61, 61_000_000_000_000_000n),
    fileName: 'VID_20241001_120000.mp4',
    kind: 'mp4',
    size: 4 * MB,
    dateTaken: start + 4 * 3_600_000,
    albums: [trip],
  };
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [
      { id: camera, name: null },
      { id: trip, name: '旅行 2024 · 云南' },
    ],
    items: [...photos, video],
    seed: 'running',
  });
}

describe('the popup, state by state, and the report', () => {
  it('set-up in the order a newcomer meets it: Xiaomi login, phone check, Google client, sign-in, albums', async () => {
    const { library, clouds, browser } = await startSession({
      library: presetDemo(),
      loggedIn: false,
      googleClient: false,
      xiaomi: { secondValidation: true },
    });
    const popup = await openPopup(browser);
    await heading(popup, 'Log in to Xiaomi Cloud');
    await screenshot(popup, 'xiaomi-login');

    // The person logs in at i.mi.com; Xiaomi still wants the phone checked.
    await browser.seedCookies(clouds.xiaomi.sessionCookies());
    await popup.getByRole('button', { name: 'Check again' }).click();
    await heading(popup, 'Verify your phone at i.mi.com');
    await screenshot(popup, 'xiaomi-verify');

    clouds.xiaomi.configure({ secondValidation: false });
    await popup.getByRole('button', { name: 'Check again' }).click();
    await heading(popup, 'Set up Google Photos access');
    // One way to the settings on this screen: the header's own button steps aside.
    expect(await popup.getByRole('button', { name: /settings/i }).count()).toBe(1);
    await screenshot(popup, 'google-setup');

    const options = await openedBy(popup.getByRole('button', { name: 'Open settings' }));
    expect(options.url()).toContain(OPTIONS);
    await options.setViewportSize({ width: 800, height: 600 });
    await options.getByLabel('Client ID').fill(clouds.google.config.defaultClientId);
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByText('Saved.').first().waitFor();
    await options.getByText('Status: set up, not signed in.').waitFor();
    await screenshot(options, 'options');

    await popup.reload();
    await heading(popup, 'Sign in to Google Photos');
    await screenshot(popup, 'google-sign-in');

    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    await waitForAlbumPicker(popup);
    const rows = await pickerRows(popup);
    expect(rows.map((row) => row.name).sort()).toEqual(
      library.albums.map((a) => albumTitleOf(library, a.id)).sort(),
    );
    for (const album of library.albums) {
      const count = library.itemsIn(album.id).length;
      const row = rows.find((r) => r.name === albumTitleOf(library, album.id));
      // Count and size, e.g. "3 items · 64 MB".
      expect(row?.facts).toMatch(new RegExp(`^${count} items? · [\\d.]+ (KB|MB)$`));
    }

    const start = popup.getByRole('button', { name: 'Start migration' });
    const selectAll = popup.getByRole('checkbox', { name: 'Select all' });
    expect(await start.isDisabled(), 'nothing chosen yet').toBe(true);
    await selectAll.check();
    expect((await pickerRows(popup)).every((row) => row.checked)).toBe(true);
    const listed = library.albums.reduce((sum, album) => sum + library.itemsIn(album.id).length, 0);
    const total = popup.locator('[aria-live]').first();
    expect(await total.textContent()).toMatch(
      new RegExp(`^Selected: 5 albums, ${listed} items, [\\d.]+ MB$`),
    );
    expect(await start.isEnabled()).toBe(true);
    await screenshot(popup, 'pick-albums');

    await popup.getByRole('checkbox', { name: 'Screenshots', exact: true }).uncheck();
    expect(await selectAll.evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);
    expect(await total.textContent()).toMatch(/^Selected: 4 albums, /);
    // A click on the mixed "Select all" selects all; the next one clears the choice.
    await selectAll.click();
    expect((await pickerRows(popup)).every((row) => row.checked)).toBe(true);
    await selectAll.click();
    expect((await pickerRows(popup)).some((row) => row.checked)).toBe(false);
    expect(await start.isDisabled()).toBe(true);
  });

  it('warns when the selection passes the free 15 GB or needs more than one day of Google’s quota', async () => {
    const library = bigLibrary();
    const { browser } = await startSession({ library });
    const popup = await openAlbumPicker(browser);
    await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
    const warnings = popup.locator('[aria-live] .warning');

    await popup.getByRole('checkbox', { name: '旅行 2021' }).check();
    expect(await warnings.count(), 'a small album warns of nothing').toBe(0);

    await popup.getByRole('checkbox', { name: 'Camera' }).check();
    await warnings.nth(1).waitFor();
    const texts = await warnings.allTextContents();
    expect(texts[0]).toMatch(/^That is 30 GB, more than the 15 GB Google gives for free\./);
    expect(texts[1]).toMatch(/this takes about 2 days\./);
    await screenshot(popup, 'pick-albums-large');
  });

  it('running with progress rising overall and per album, paused, resumed to the end', async () => {
    const library = runningLibrary();
    const { clouds, browser } = await startSession({ library });
    const popup = await openAlbumPicker(browser);
    await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
    await popup.getByRole('checkbox', { name: 'Select all' }).check();
    // Xiaomi holds the video's download for 45 s: the photos are done and counted long before the
    // job could end, however slow the machine.
    const video = library.items.find((item) => item.kind === 'mp4')!;
    const fileParam = Buffer.from(video.fileName, 'utf8').toString('base64url');
    clouds.xiaomi.failNext(new RegExp(`/download_file\\?.*fn=${fileParam}&`), { kind: 'delay', ms: 45_000 });
    await popup.getByRole('button', { name: 'Start migration' }).click();

    await heading(popup, 'Moving your photos');
    await expect.poll(() => progressValue(popup), { timeout: 20_000 }).toBeTypeOf('number');
    const first = (await progressValue(popup))!;
    await expect.poll(() => progressValue(popup), { timeout: 40_000 }).toBeGreaterThan(first);
    const rising = (await progressValue(popup))!;
    // Percent of the bytes: moving, not yet all there.
    expect(rising).toBeLessThan(100);
    // One line per album: its name and "done of total".
    const perAlbum = popup.getByRole('list').last();
    for (const album of library.albums) {
      const line = perAlbum.getByRole('listitem').filter({ hasText: albumTitleOf(library, album.id) });
      expect(await line.textContent()).toMatch(new RegExp(` of ${library.itemsIn(album.id).length}$`));
    }
    await screenshot(popup, 'running');

    await popup.getByRole('button', { name: 'Pause' }).click();
    await heading(popup, 'Paused');
    await popup.getByText(enCatalog.fix_user.message).waitFor();
    expect(await progressValue(popup)).toBeGreaterThanOrEqual(rising);
    await screenshot(popup, 'paused');

    await popup.getByRole('button', { name: 'Resume' }).click();
    await waitForDone(popup);
    await expectWholeLibraryWithReceipt(clouds, library, browser);
    expect(await shownCounts(popup)).toEqual({
      Moved: String(library.items.length),
      Skipped: '0',
      Failed: '0',
    });
  });

  it('done: counts, verified albums with their links, dark mode; the report’s table, filters and CSV', async () => {
    const library = presetDemo();
    const { clouds, browser } = await startSession({ library });
    const popup = await startFromPopup(browser);
    await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
    await waitForDone(popup);
    expectDestinationMatches(
      clouds,
      library,
      library.albums.map((album) => album.id),
    );
    expect(await shownCounts(popup)).toEqual({ Moved: '10', Skipped: '0', Failed: '0' });
    await popup.getByText('All albums are verified.').waitFor();
    const googleAlbums = clouds.google.state.albumList();
    expect(await popup.getByText('Verified — safe to let Xiaomi delete').count()).toBe(googleAlbums.length);
    for (const album of googleAlbums) {
      const link = popup.getByRole('link', { name: `Open “${album.title}” in Google Photos` });
      expect(await link.getAttribute('href')).toBe(productUrl('album', album.id));
    }
    await screenshot(popup, 'done');

    await popup.emulateMedia({ colorScheme: 'dark' });
    const background = await popup.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe('rgb(22, 25, 29)');
    await screenshot(popup, 'done-dark');

    // The report: every item, filters, and a CSV that matches Google Photos.
    const report = await openedBy(popup.getByRole('button', { name: 'Open report' }));
    await report.setViewportSize({ width: 1100, height: 800 });
    const rows = report.getByRole('table', { name: 'Receipt' }).getByRole('row');
    await rows.nth(library.items.length).waitFor();
    expect(await rows.count(), 'a header and one row per item').toBe(library.items.length + 1);
    await screenshot(report, 'report');

    const family = library.albums.find((album) => album.name === '家庭相册')!;
    const albumFilter = report.getByLabel('Album', { exact: true });
    await albumFilter.selectOption({ label: '家庭相册' });
    await expect.poll(() => rows.count()).toBe(library.itemsIn(family.id).length + 1);
    await albumFilter.selectOption('');
    const statusFilter = report.getByLabel('Status', { exact: true });
    await statusFilter.selectOption('failed');
    await report.getByText('No items match these filters.').waitFor();
    await statusFilter.selectOption('done');
    await expect.poll(() => rows.count()).toBe(library.items.length + 1);

    const [download] = await Promise.all([
      report.waitForEvent('download'),
      report.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mi-to-google-photos-receipt-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(await readFile(await download.path(), 'utf8'));
    const google = clouds.google.state;
    expect(csv).toHaveLength(google.mediaItemList().length);
    for (const row of csv) {
      const item = google.mediaItems.get(row.googleMediaItemId ?? '');
      expect(item, `${row.fileName} is in Google Photos`).toBeDefined();
      expect(row).toMatchObject({
        state: 'done',
        fileName: item!.filename,
        sha1: item!.sha1,
        size: String(item!.byteLength),
        googleProductUrl: productUrl('photo', item!.id),
      });
      expect(row.sha1).toBe(library.item(row.xiaomiId ?? '')?.sha1);
    }
  });

  it('waiting for Google storage: says what to do, and Resume goes on once there is room', async () => {
    const { library, clouds, browser } = await startSession();
    clouds.google.setStorageRemaining(0);
    const popup = await openAlbumPicker(browser);
    await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
    await popup.getByRole('checkbox', { name: 'Select all' }).check();
    await popup.getByRole('button', { name: 'Start migration' }).click();

    await heading(popup, 'Waiting');
    await popup.getByText(enCatalog.err_google_storage_full.message).waitFor();
    await popup.getByText(enCatalog.fix_google_storage_full.message).waitFor();
    await popup.getByText(enCatalog.waitsForYou.message).waitFor();
    expect(clouds.google.state.mediaItemList()).toEqual([]);
    await screenshot(popup, 'waiting-storage');

    clouds.google.setStorageRemaining(Number.POSITIVE_INFINITY);
    await popup.getByRole('button', { name: 'Resume' }).click();
    await waitForDone(popup);
    await expectWholeLibraryWithReceipt(clouds, library, browser);
  });

  it('waiting for Google’s daily quota: says when it continues by itself; Cancel asks first and keeps the report', async () => {
    const { clouds, browser } = await startSession();
    const popup = await openAlbumPicker(browser);
    await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
    clouds.google.setDailyRequestsUsed(clouds.google.config.dailyRequestLimit);
    await popup.getByRole('checkbox', { name: 'Select all' }).check();
    await popup.getByRole('button', { name: 'Start migration' }).click();

    await heading(popup, 'Waiting');
    await popup.getByText(enCatalog.err_google_quota_daily.message).waitFor();
    await popup.getByText(/^Continues by itself at .+\.$/).waitFor();
    // Resuming before the quota day turns would only meet the limit again.
    expect(await popup.getByRole('button', { name: 'Resume' }).count()).toBe(0);
    await screenshot(popup, 'waiting-quota');

    await popup.getByRole('button', { name: 'Cancel' }).click();
    await popup.getByText('Stop this migration for good?').waitFor();
    await popup.getByRole('button', { name: 'Yes, stop the migration' }).click();
    await heading(popup, 'Cancelled');
    await popup.getByRole('button', { name: 'Open report' }).waitFor();
  });
});

describe('keyboard only, and in Chinese', () => {
  /** Presses Tab until `target` has the focus, as a keyboard user would. */
  async function tabTo(page: Page, target: Locator): Promise<void> {
    for (let presses = 0; presses < 20; presses++) {
      await page.keyboard.press('Tab');
      if (await target.evaluate((element) => element === document.activeElement)) {
        expect(await target.evaluate((element) => element.matches(':focus-visible')), 'focus is shown').toBe(
          true,
        );
        return;
      }
    }
    throw new Error('Tab never reached the control');
  }

  it('signs in, picks an album and starts with the keyboard alone', async () => {
    const { library, clouds, browser } = await startSession();
    const popup = await openPopup(browser);
    const signIn = popup.getByRole('button', { name: 'Sign in with Google' });
    await signIn.waitFor();
    await tabTo(popup, signIn);
    await popup.keyboard.press('Enter');
    await waitForAlbumPicker(popup);

    const trip = popup.getByRole('checkbox', { name: 'Trip 2024' });
    await tabTo(popup, trip);
    await popup.keyboard.press('Space');
    expect(await trip.isChecked()).toBe(true);
    await tabTo(popup, popup.getByRole('button', { name: 'Start migration' }));
    await popup.keyboard.press('Enter');
    await waitForDone(popup);

    const tripAlbum = library.albums.find((album) => album.name === 'Trip 2024')!;
    expectDestinationMatches(clouds, library, [tripAlbum.id], { receipt: await exportReceipt(browser) });
  });

  it('speaks Chinese in a Chinese browser, down to the Google album titles', async () => {
    const library = presetDemo();
    const { clouds, browser } = await startSession({ library, googleClient: false, args: ['--lang=zh-CN'] });
    const options = await browser.openExtensionPage(OPTIONS);
    await options.getByLabel('客户端 ID').fill(clouds.google.config.defaultClientId);
    await options.getByRole('button', { name: '保存' }).click();
    await options.getByText('已保存。').first().waitFor();

    const popup = await openPopup(browser);
    await heading(popup, '登录 Google 相册');
    expect(await popup.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await popup.getByRole('button', { name: '使用 Google 账号登录' }).click();
    await heading(popup, '选择要迁移的相册');
    const selectAll = popup.getByRole('checkbox', { name: '全选' });
    await selectAll.check();
    expect((await pickerRows(popup)).map((row) => row.name)).toEqual(
      expect.arrayContaining(['相机', '截屏', '私密相册', '家庭相册', '旅行 2024 · 云南']),
    );
    await popup.getByText(/^已选：5 个相册，12 项，[\d.]+ MB$/).waitFor();
    await screenshot(popup, 'pick-albums-zh');

    await popup.getByRole('button', { name: '开始迁移' }).click();
    await heading(popup, '完成');
    expect(await shownCounts(popup)).toEqual({ 已迁移: '10', 已跳过: '0', 失败: '0' });
    await popup.getByText('所有相册均已通过核对。').waitFor();
    const titles = clouds.google.state.albumList().map((album) => album.title);
    expect(titles.sort()).toEqual(
      ['旅行 2024 · 云南', '家庭相册', '截屏', '收藏（小米）', '相机', '私密相册'].sort(),
    );
    await screenshot(popup, 'done-zh');
  });
});
