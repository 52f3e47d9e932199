/**
 * Issue "Xiaomi source", in real Chromium through the popup: how the extension finds (or fails to
 * find) the person's i.mi.com session — logged out, on i.mi.com, on a regional host known only
 * from its cookies or from an open tab, awaiting phone verification, end-to-end encrypted — and
 * that every download is held against Xiaomi's SHA-1 before anything reaches Google Photos.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import enCatalog from '../../public/_locales/en/messages.json' with { type: 'json' };
import type { Library } from '../fakes/library/library.ts';
import {
  albumTitleOf,
  auditMigration,
  expectDestinationMatches,
  exportReceipt,
  openAlbumPicker,
  POPUP,
  shownCounts,
  startFromPopup,
  waitForAlbumPicker,
  waitForDone,
} from './flow.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

/** The picker's albums as a person reads them: each checkbox's name and the facts it is described by. */
function pickerAlbums(popup: Page): Promise<{ name: string; facts: string }[]> {
  return popup.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('ul input[type=checkbox]')].map((box) => ({
      name: box.labels?.[0]?.textContent ?? '',
      facts: document.getElementById(box.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
    })),
  );
}

async function expectPickerShows(popup: Page, library: Library): Promise<void> {
  const shown = await pickerAlbums(popup);
  const expected = library.albums.map((album) => {
    const count = library.itemsIn(album.id).length;
    return { name: albumTitleOf(library, album.id), items: `${count} ${count === 1 ? 'item' : 'items'}` };
  });
  expect(shown.map((album) => album.name).sort()).toEqual(expected.map((album) => album.name).sort());
  for (const { name, items } of expected) {
    expect(shown.find((album) => album.name === name)?.facts, name).toContain(items);
  }
}

/** Clicks a popup button that opens a tab, and returns that tab. */
async function openedBy(popup: Page, button: string): Promise<Page> {
  const [tab] = await Promise.all([
    popup.context().waitForEvent('page'),
    popup.getByRole('button', { name: button }).click(),
  ]);
  return tab;
}

describe('the Xiaomi session as the popup finds it', () => {
  it('logged out: says so, opens the login for i.mi.com, and goes on once the person has logged in', async () => {
    const { library, clouds, browser } = await startSession({ loggedIn: false });
    // No fake serves Xiaomi's account site; this stands in for its login page.
    const loginPages: string[] = [];
    await browser.context.route('https://account.xiaomi.com/**', (route) => {
      loginPages.push(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<h1>Xiaomi account (stand-in)</h1>' });
    });

    const popup = await browser.openExtensionPage(POPUP);
    await popup.getByRole('heading', { name: 'Log in to Xiaomi Cloud' }).waitFor();
    await popup.getByText(enCatalog.err_xiaomi_logged_out.message).waitFor();

    const tab = await openedBy(popup, 'Open i.mi.com');
    await tab.getByRole('heading', { name: 'Xiaomi account (stand-in)' }).waitFor();
    // Xiaomi's own login, which returns the person to i.mi.com once they are in.
    const login = new URL(loginPages[0] ?? '');
    expect(login.pathname).toBe('/pass/serviceLogin');
    expect(new URL(login.searchParams.get('callback') ?? '').host).toBe('i.mi.com');

    // The person logs in (the fake's login sets the session cookies), then comes back.
    await tab.goto('https://i.mi.com/__fake/login');
    await popup.getByRole('button', { name: 'Check again' }).click();
    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    await waitForAlbumPicker(popup);
    await expectPickerShows(popup, library);
    expect(clouds.xiaomi.state.counters['fake-login']).toBe(1);
  });

  it('logged in on i.mi.com: the album picker lists every album with its count', async () => {
    const { library, clouds, browser } = await startSession({ loggedIn: true });
    const popup = await openAlbumPicker(browser);
    await expectPickerShows(popup, library);
    const answered = clouds.xiaomi.requestsTo('album-list').filter((r) => r.status === 200);
    expect(new Set(answered.map((r) => r.host))).toEqual(new Set(['i.mi.com']));
  });

  it('logged in on us.i.mi.com with cookies only for that host: found there', async () => {
    const { library, clouds, browser } = await startSession({
      loggedIn: true,
      xiaomi: { accountHost: 'us.i.mi.com', cookieDomain: 'host-only' },
    });
    expect(clouds.xiaomi.sessionCookies().map((c) => c.domain)).toEqual(['us.i.mi.com', 'us.i.mi.com']);
    const popup = await openAlbumPicker(browser);
    await expectPickerShows(popup, library);
    const answered = clouds.xiaomi.requestsTo('album-list').filter((r) => r.status === 200);
    expect(new Set(answered.map((r) => r.host))).toEqual(new Set(['us.i.mi.com']));
  });

  // us. is a known regional host the extension would also find by trying; sgp. is not, and .mi.com
  // cookies name no host, so there only the person's open tab tells where the account lives.
  it.each(['us.i.mi.com', 'sgp.i.mi.com'])(
    'logged in on %s with a tab open on it: looked for there first, and items move from there',
    async (host) => {
      const { library, clouds, browser } = await startSession({
        loggedIn: true,
        xiaomi: { accountHost: host },
      });
      const tab = await browser.context.newPage();
      await tab.goto(`https://${host}/gallery/h5`);
      // The worker looked around when the browser started, before the cookies and the tab were there.
      clouds.xiaomi.clearRequests();

      const screenshots = library.albums.find((album) => album.system === 'screenshots')!;
      const popup = await startFromPopup(browser, [albumTitleOf(library, screenshots.id)]);
      await waitForDone(popup);
      expectDestinationMatches(clouds, library, [screenshots.id]);
      expect(clouds.xiaomi.requestsTo('album-list')[0]?.host, 'the first look').toBe(host);
      const downloads = clouds.xiaomi.requestsTo('storage');
      expect(downloads.length).toBeGreaterThan(0);
      expect(new Set(downloads.map((r) => r.host))).toEqual(new Set([host]));
    },
  );

  it('phone verification pending: shows the verify screen, opens the gallery page, goes on once verified', async () => {
    const { library, browser } = await startSession({ loggedIn: true, xiaomi: { secondValidation: true } });
    const popup = await browser.openExtensionPage(POPUP);
    await popup.getByRole('heading', { name: 'Verify your phone at i.mi.com' }).waitFor();
    await popup.getByText(enCatalog.err_xiaomi_second_validation.message).waitFor();

    const tab = await openedBy(popup, 'Open i.mi.com');
    await tab.waitForURL('https://i.mi.com/gallery/h5#/');
    // The fake gallery page carries the verification the real one asks for.
    await tab.getByRole('link', { name: '验证' }).click();
    await tab.locator('#verified').waitFor();

    await popup.getByRole('button', { name: 'Check again' }).click();
    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    await waitForAlbumPicker(popup);
    await expectPickerShows(popup, library);
  });

  it('Advanced Data Protection on: says why nothing can be read and what to do', async () => {
    const { clouds, browser } = await startSession({ loggedIn: true, xiaomi: { e2eeStatus: 'open' } });
    const popup = await browser.openExtensionPage(POPUP);
    await popup.getByRole('heading', { name: 'Advanced Data Protection is on' }).waitFor();
    await popup.getByText(enCatalog.err_xiaomi_e2ee_on.message).waitFor();
    await popup.getByText(enCatalog.fix_xiaomi_e2ee_on.message).waitFor();
    expect(await popup.getByRole('button', { name: 'Start migration' }).count()).toBe(0);
    expect(clouds.xiaomi.state.counters.storage).toBe(0);
  });

  it('holds each download to Xiaomi’s SHA-1: a corrupted file ends failed with that reason, the others arrive', async () => {
    const { library, clouds, browser } = await startSession({ loggedIn: true });
    const victim = library.items.find((item) => item.fileName === 'IMG_20240602_083000.heic')!;
    // Every download of this one file comes with a byte flipped, however often it is tried.
    const fileParam = Buffer.from(victim.fileName, 'utf8').toString('base64url');
    clouds.xiaomi.failNext(new RegExp(`/download_file\\?.*fn=${fileParam}&`), { kind: 'corrupt' }, 100);

    const popup = await startFromPopup(browser);
    await waitForDone(popup);
    const audit = auditMigration(
      clouds,
      library,
      library.albums.map((album) => album.id),
      { receipt: await exportReceipt(browser) },
    );
    expect([audit.lost, audit.duplicated, audit.unexplained]).toEqual([[], [], []]);
    expect(audit.reported.map((row) => [row.xiaomiId, row.state, row.reasonKind])).toEqual([
      [victim.id, 'failed', 'sha1-mismatch'],
    ]);
    expect(audit.arrived).toBe(audit.items - 1);
    const corrupted = clouds.xiaomi.requestsTo('storage-download').filter((r) => r.fault !== undefined);
    expect(corrupted.length, 'tried again before giving up').toBeGreaterThan(1);

    expect(await shownCounts(popup)).toEqual({
      Moved: String(library.items.length - 1),
      Skipped: '0',
      Failed: '1',
    });
    const report = await openedBy(popup, 'Open report');
    await report.getByLabel('Status').selectOption('failed');
    const rows = report.getByRole('table', { name: 'Receipt' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    const row = rows.nth(1);
    expect(await row.getByRole('cell').first().textContent()).toBe(victim.fileName);
    expect(await row.textContent()).toContain(enCatalog.err_sha1_mismatch.message);
  });
});
