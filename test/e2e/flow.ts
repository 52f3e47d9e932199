/**
 * What a person does, as steps the E2E tests share: set up the Google client in the options
 * page, sign in and start from the popup, wait for the popup to say "Done". And the one check
 * that matters, made on what arrived in the fake Google Photos, never on the extension's claims.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { FakeClouds } from '../fakes/clouds.ts';
import type { Library, LibraryItem } from '../fakes/library/library.ts';
import type { ExtensionBrowser } from './harness.ts';

export const POPUP = 'src/popup/popup.html';
export const OPTIONS = 'src/options/options.html';

export interface FlowOptions {
  /** Leave the capture-date repair on (then JPEGs without a date arrive with one, so bytes differ). */
  repairCaptureDates?: boolean;
}

export async function configureGoogleClient(browser: ExtensionBrowser, clouds: FakeClouds, options: FlowOptions = {}) {
  const page = await browser.openExtensionPage(OPTIONS);
  await page.getByLabel('Client ID').fill(clouds.google.config.defaultClientId);
  await page.getByRole('button', { name: 'Save' }).first().click();
  const repair = page.getByRole('switch', { name: 'Write missing capture dates into JPEGs' });
  if ((await repair.isChecked()) !== (options.repairCaptureDates ?? false)) await repair.click();
  await page.close();
}

/** From the popup: sign in to Google, tick the albums (all when `albumNames` is absent), press Start. */
export async function startFromPopup(browser: ExtensionBrowser, albumNames?: string[]): Promise<Page> {
  const popup = await browser.openExtensionPage(POPUP);
  await popup.getByRole('button', { name: /Sign in/ }).click();
  await popup.getByRole('heading', { name: 'Choose the albums to move' }).waitFor({ timeout: 20_000 });
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

function albumTitleOf(library: Library, albumId: string): string {
  const album = library.album(albumId);
  const system = { camera: 'Camera', screenshots: 'Screenshots', private: 'Private album' } as const;
  return album?.system ? system[album.system] : album?.name || 'Untitled album';
}

/**
 * Every selected item is in Google Photos exactly once, byte-identical (same SHA-1 and length),
 * under its file name, in every Google album of the Xiaomi albums it was in; no album twice.
 */
export function expectDestinationMatches(clouds: FakeClouds, library: Library, selectedAlbumIds: string[]): void {
  const state = clouds.google.state;
  const items = state.mediaItemList();
  const albums = state.albumList().filter((a) => !a.deletedByUser);
  const expected = new Map<string, LibraryItem>();
  for (const albumId of selectedAlbumIds) for (const item of library.itemsIn(albumId)) expected.set(item.id, item);

  const bySha1 = new Map<string, typeof items>();
  for (const item of items) bySha1.set(item.sha1, [...(bySha1.get(item.sha1) ?? []), item]);
  for (const item of expected.values()) {
    const arrived = bySha1.get(item.sha1) ?? [];
    expect(arrived, `${item.fileName} (${item.id}) arrived once`).toHaveLength(1);
    expect(arrived[0]?.filename).toBe(item.fileName);
    expect(arrived[0]?.byteLength).toBe(item.size);
  }
  expect(items, 'nothing but the selection arrived').toHaveLength(expected.size);

  const titles = albums.map((a) => a.title);
  expect(new Set(titles).size, `no album twice: ${titles.join(', ')}`).toBe(titles.length);
  for (const albumId of selectedAlbumIds) {
    const title = albumTitleOf(library, albumId);
    const album = albums.find((a) => a.title === title);
    expect(album, `album ${title}`).toBeDefined();
    const inAlbum = new Set(state.itemsInAlbum(album!.id).map((m) => m.sha1));
    const wanted = library.itemsIn(albumId).map((i) => i.sha1);
    expect([...inAlbum].sort(), `items of ${title}`).toEqual([...new Set(wanted)].sort());
  }
}
