/**
 * What a person does, as steps the E2E tests share: set up the Google client in the options
 * page, sign in and start from the popup, wait for the popup to say "Done". And the one check
 * that matters, made on what arrived in the fake Google Photos, never on the extension's claims.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ReceiptRow } from '../../src/shared/messages.ts';
import type { FakeClouds } from '../fakes/clouds.ts';
import type { MediaItemRecord } from '../fakes/google/index.ts';
import type { Library, LibraryItem } from '../fakes/library/library.ts';
import type { ExtensionBrowser } from './harness.ts';

export const POPUP = 'src/popup/popup.html';
export const OPTIONS = 'src/options/options.html';
export const REPORT = 'src/report/report.html';

export interface FlowOptions {
  /** Leave the capture-date repair on (then JPEGs without a date arrive with one, so bytes differ). */
  repairCaptureDates?: boolean;
}

export async function configureGoogleClient(
  browser: ExtensionBrowser,
  clouds: FakeClouds,
  options: FlowOptions = {},
) {
  const page = await browser.openExtensionPage(OPTIONS);
  await page.getByLabel('Client ID').fill(clouds.google.config.defaultClientId);
  await page.getByRole('button', { name: 'Save' }).first().click();
  const repair = page.getByRole('switch', { name: 'Write missing capture dates into JPEGs' });
  if ((await repair.isChecked()) !== (options.repairCaptureDates ?? false)) await repair.click();
  await page.close();
}

/** Opens the popup, signs in to Google there and waits for the album picker. */
export async function openAlbumPicker(browser: ExtensionBrowser): Promise<Page> {
  const popup = await browser.openExtensionPage(POPUP);
  await popup.getByRole('button', { name: /Sign in/ }).click();
  await waitForAlbumPicker(popup);
  return popup;
}

/** Waits until the picker has listed the albums (its heading shows while they still load). */
export async function waitForAlbumPicker(popup: Page): Promise<void> {
  await popup.getByRole('heading', { name: 'Choose the albums to move' }).waitFor({ timeout: 20_000 });
  await popup.getByRole('checkbox', { name: 'Select all' }).waitFor({ timeout: 20_000 });
}

/** From the popup: sign in to Google, tick the albums (all when `albumNames` is absent), press Start. */
export async function startFromPopup(browser: ExtensionBrowser, albumNames?: string[]): Promise<Page> {
  const popup = await openAlbumPicker(browser);
  if (albumNames) {
    for (const name of albumNames) await popup.getByRole('checkbox', { name, exact: true }).check();
  } else {
    await popup.getByRole('checkbox', { name: 'Select all' }).check();
  }
  await popup.getByRole('button', { name: /Start/ }).click();
  return popup;
}

export async function waitForDone(popup: Page, timeout = 90_000): Promise<void> {
  await popup.getByRole('heading', { name: 'Done', exact: true }).waitFor({ timeout });
}

/** The counts a page shows as a description list (Moved, Skipped, Failed…), by their labels. */
export function shownCounts(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('dl > div')].map((pair) => [
        pair.querySelector('dt')?.textContent ?? '',
        pair.querySelector('dd')?.textContent ?? '',
      ]),
    ),
  );
}

/** Google album titles the extension gives, in the English UI the tests run in (public/_locales/en). */
const SYSTEM_ALBUM_TITLES = {
  camera: 'Camera',
  screenshots: 'Screenshots',
  private: 'Private album',
} as const;
export const FAVORITES_ALBUM_TITLE = 'Favorites (Xiaomi)';

/** The album's name as the English UI shows it, and as the Google album is titled. */
export function albumTitleOf(library: Library, albumId: string): string {
  const album = library.album(albumId);
  return album?.system ? SYSTEM_ALBUM_TITLES[album.system] : album?.name || 'Untitled album';
}

/**
 * Polls `probe` until it yields something other than undefined or false. Not a timed assertion:
 * `timeoutMs` only bounds a wait for an event that must come, and names it when it does not.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The receipt as the person keeps it: the report page's "Export JSON" file. */
export async function exportReceipt(browser: ExtensionBrowser): Promise<ReceiptRow[]> {
  const report = await browser.openExtensionPage(REPORT);
  try {
    const exportJson = report.getByRole('button', { name: 'Export JSON' });
    // Disabled until the rows have loaded.
    await waitFor('the receipt rows to load', () => exportJson.isEnabled(), 20_000);
    const [download] = await Promise.all([report.waitForEvent('download'), exportJson.click()]);
    const file = await download.path();
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { items: ReceiptRow[] };
    return parsed.items;
  } finally {
    await report.close();
  }
}

/** What a finished migration left, judged on the fake Google Photos against the library and the receipt. */
export interface Audit {
  /** Items of the selection. */
  items: number;
  /** Present exactly once, byte-identical, in all their albums, and so in the receipt. */
  arrived: number;
  /** Not in Google Photos, and the receipt says why (skipped or failed with a reason). */
  reported: ReceiptRow[];
  /** An item or an album membership that should be in Google Photos and is not, unexplained. */
  lost: string[];
  /** An item or an album that is in Google Photos more than once. */
  duplicated: string[];
  /** Anything else that does not add up: strays, a receipt row that disagrees with Google. */
  unexplained: string[];
}

export interface AuditOptions {
  /** The receipt the person kept; without it only Google's side is judged and nothing counts as reported. */
  receipt?: ReceiptRow[];
  /** Whether favourites also go to the favourites album (the default setting: yes). */
  favoritesAlbum?: boolean;
}

/**
 * Judges a migration of `selectedAlbumIds`: every selected item must be in Google Photos exactly
 * once, under its file name, with Xiaomi's bytes (SHA-1 and length), in the album of every
 * selected Xiaomi album it was in (and the favourites album); no album may exist twice; and every
 * receipt row must agree with what Google holds. Returns the findings instead of failing, so the
 * chaos suite can tabulate them.
 */
export function auditMigration(
  clouds: FakeClouds,
  library: Library,
  selectedAlbumIds: readonly string[],
  options: AuditOptions = {},
): Audit {
  const { receipt, favoritesAlbum = true } = options;
  const state = clouds.google.state;
  const googleItems = state.mediaItemList();
  const albums = state.albumList().filter((a) => !a.deletedByUser);
  const expected = new Map<string, LibraryItem>();
  for (const albumId of selectedAlbumIds)
    for (const item of library.itemsIn(albumId)) expected.set(item.id, item);
  const rows = new Map((receipt ?? []).map((row) => [row.xiaomiId, row]));
  const audit: Audit = {
    items: expected.size,
    arrived: 0,
    reported: [],
    lost: [],
    duplicated: [],
    unexplained: [],
  };

  const bySha1 = new Map<string, MediaItemRecord[]>();
  for (const item of googleItems) bySha1.set(item.sha1, [...(bySha1.get(item.sha1) ?? []), item]);
  /** The Google item each library item became, for the album checks. */
  const arrivedAs = new Map<string, MediaItemRecord>();
  for (const item of expected.values()) {
    const name = `${item.fileName} (${item.id})`;
    const arrived = bySha1.get(item.sha1) ?? [];
    const row = rows.get(item.id);
    if (arrived.length > 1) audit.duplicated.push(`${name} is in Google Photos ${arrived.length} times`);
    const [google] = arrived;
    if (!google) {
      if (row && (row.state === 'skipped' || row.state === 'failed') && row.reasonKind)
        audit.reported.push(row);
      else audit.lost.push(`${name} never arrived; the receipt says ${row ? row.state : 'nothing'}`);
      continue;
    }
    arrivedAs.set(item.id, google);
    if (google.filename !== item.fileName || google.byteLength !== item.size) {
      audit.unexplained.push(
        `${name} arrived as ${google.filename}, ${google.byteLength} bytes (${item.size} expected)`,
      );
      continue;
    }
    if (receipt && row?.state !== 'done') {
      audit.unexplained.push(
        `${name} is in Google Photos but the receipt says ${row ? row.state : 'nothing'}`,
      );
    } else if (receipt && row?.googleMediaItemId !== google.id) {
      audit.unexplained.push(
        `${name} is Google item ${google.id}; the receipt names ${row?.googleMediaItemId}`,
      );
    } else if (arrived.length === 1) {
      audit.arrived += 1;
    }
  }
  const claimed = new Set([...expected.values()].map((item) => item.sha1));
  for (const item of googleItems) {
    if (!claimed.has(item.sha1))
      audit.unexplained.push(`stray item in Google Photos: ${item.filename} (${item.id})`);
  }

  const titles = albums.map((a) => a.title);
  for (const title of new Set(titles)) {
    const count = titles.filter((t) => t === title).length;
    if (count > 1) audit.duplicated.push(`album "${title}" exists ${count} times`);
  }
  const wanted = new Map<string, LibraryItem[]>();
  for (const albumId of selectedAlbumIds)
    wanted.set(albumTitleOf(library, albumId), [...library.itemsIn(albumId)]);
  const favourites = [...expected.values()].filter((item) => item.isFavorite);
  if (favoritesAlbum && favourites.length > 0) wanted.set(FAVORITES_ALBUM_TITLE, favourites);
  const membership = new Map<string, string[]>();
  for (const album of albums) {
    for (const id of album.itemIds) membership.set(id, [...(membership.get(id) ?? []), album.id]);
  }
  for (const [title, members] of wanted) {
    // Only items that arrived belong in an album; the others are already counted above.
    const shouldHold = new Set(members.flatMap((item) => arrivedAs.get(item.id)?.id ?? []));
    // A twin album is counted as duplicated above; what the title holds is judged over both.
    const titled = albums.filter((a) => a.title === title);
    if (titled.length === 0) {
      if (shouldHold.size > 0) audit.lost.push(`album "${title}" is missing`);
      continue;
    }
    const held = new Set(titled.flatMap((a) => a.itemIds));
    for (const id of shouldHold) {
      if (!held.has(id))
        audit.lost.push(`${state.mediaItems.get(id)?.filename} (${id}) is missing from album "${title}"`);
    }
    for (const id of held) {
      if (!shouldHold.has(id))
        audit.unexplained.push(
          `album "${title}" holds ${state.mediaItems.get(id)?.filename} (${id}), which does not belong there`,
        );
    }
  }
  for (const album of albums) {
    if (!wanted.has(album.title)) audit.unexplained.push(`album "${album.title}" was not asked for`);
  }
  for (const row of receipt ?? []) {
    if (!expected.has(row.xiaomiId))
      audit.unexplained.push(`the receipt lists ${row.fileName} (${row.xiaomiId}), which was not selected`);
    if (row.state !== 'done' || !row.googleMediaItemId) continue;
    const inAlbums = [...(membership.get(row.googleMediaItemId) ?? [])].sort();
    if (JSON.stringify([...row.googleAlbums].sort()) !== JSON.stringify(inAlbums)) {
      audit.unexplained.push(
        `the receipt puts ${row.fileName} in albums ${row.googleAlbums.join(', ')}; Google has ${inAlbums.join(', ')}`,
      );
    }
  }
  return audit;
}

/**
 * Every selected item is in Google Photos exactly once, byte-identical (same SHA-1 and length),
 * under its file name, in every Google album of the Xiaomi albums it was in (and the favourites
 * album); no album twice; with `receipt`, every row says done and agrees with Google.
 */
/** Every album of the library arrived whole, and the receipt the person exports agrees item by item. */
export async function expectWholeLibraryWithReceipt(
  clouds: FakeClouds,
  library: Library,
  browser: ExtensionBrowser,
): Promise<void> {
  const albumIds = library.albums.map((album) => album.id);
  expectDestinationMatches(clouds, library, albumIds, { receipt: await exportReceipt(browser) });
}

export function expectDestinationMatches(
  clouds: FakeClouds,
  library: Library,
  selectedAlbumIds: string[],
  options: AuditOptions = {},
): void {
  const audit = auditMigration(clouds, library, selectedAlbumIds, options);
  expect(audit.lost, 'lost').toEqual([]);
  expect(audit.duplicated, 'duplicated').toEqual([]);
  expect(audit.unexplained, 'unexplained').toEqual([]);
  expect(audit.reported, 'skipped or failed').toEqual([]);
  expect(audit.arrived).toBe(audit.items);
}
