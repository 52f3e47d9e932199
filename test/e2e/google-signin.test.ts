/**
 * Issue "Google destination", in real Chromium: signing in through the popup and through the
 * options page's "Test sign-in" (the token kept in memory-backed chrome.storage.session, never on
 * disk), Google's consent window, a refusal and a missing permission told in words, silent renewal
 * while a job runs, a renewal that needs the person, and sign-out with the token revoked at Google.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import enCatalog from '../../public/_locales/en/messages.json' with { type: 'json' };
import type { FakeClouds } from '../fakes/clouds.ts';
import { PHOTOS_SCOPES } from '../fakes/google/index.ts';
import {
  expectWholeLibraryWithReceipt,
  OPTIONS,
  openAlbumPicker,
  POPUP,
  waitForAlbumPicker,
  waitForDone,
} from './flow.ts';
import type { ExtensionBrowser } from './harness.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

const AUTHORIZE_PAGE = 'https://accounts.google.com/o/oauth2/v2/auth';

function authorizeRequests(fakes: FakeClouds) {
  return fakes.google.state.oauthRequests.filter((request) => request.kind === 'authorize');
}

/** Everything the extension holds in chrome.storage, read in its service worker. */
function storedAreas(extension: ExtensionBrowser): Promise<{ session: string; local: string }> {
  return extension.evaluateInServiceWorker(
    async () => ({
      session: JSON.stringify(await chrome.storage.session.get(null)),
      local: JSON.stringify(await chrome.storage.local.get(null)),
    }),
    undefined,
  );
}

/** The newest token Google issued is in storage.session; no token it ever issued is in storage.local. */
async function expectTokenOnlyInSession(fakes: FakeClouds, extension: ExtensionBrowser): Promise<void> {
  const issued = [...fakes.google.state.accessTokens.keys()];
  expect(issued.length).toBeGreaterThan(0);
  const { session, local } = await storedAreas(extension);
  expect(session).toContain(issued.at(-1));
  for (const token of issued) expect(local).not.toContain(token);
  // The settings are on disk, so the check above looked at a real area, not an empty one.
  expect(local).toContain(fakes.google.config.defaultClientId);
}

/** Fake Google's access tokens all start so (as real ones start with ya29.). */
const TOKEN_PREFIX = 'ya29.';

async function expectNoTokenStored(extension: ExtensionBrowser): Promise<void> {
  const { session, local } = await storedAreas(extension);
  expect(session).not.toContain(TOKEN_PREFIX);
  expect(local).not.toContain(TOKEN_PREFIX);
}

/** Clicks `button` in `page` and returns Google's sign-in window that opens. */
async function signInWindow(page: Page, button: string): Promise<Page> {
  const [window] = await Promise.all([
    page.context().waitForEvent('page', (opened) => opened.url().startsWith(AUTHORIZE_PAGE)),
    page.getByRole('button', { name: button }).click(),
  ]);
  return window;
}

describe('Google sign-in', () => {
  it('through the popup: interactive, the token only in chrome.storage.session', async () => {
    const { clouds, browser } = await startSession();
    await openAlbumPicker(browser);
    const [request] = authorizeRequests(clouds);
    expect(request?.params).toMatchObject({ response_type: 'token', prompt: 'select_account' });
    expect(request?.params.scope?.split(' ')).toEqual(
      expect.arrayContaining([PHOTOS_SCOPES.appendOnly, PHOTOS_SCOPES.readAppCreated]),
    );
    await expectTokenOnlyInSession(clouds, browser);
  });

  it('through the options page’s "Test sign-in": signed in, the token only in chrome.storage.session', async () => {
    const { clouds, browser } = await startSession();
    const options = await browser.openExtensionPage(OPTIONS);
    await options.getByText('Status: set up, not signed in.').waitFor();
    await options.getByRole('button', { name: 'Test sign-in' }).click();
    await options.getByText('Signed in to Google').first().waitFor();
    expect(await options.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await expectTokenOnlyInSession(clouds, browser);
    // The popup knows at once: no second sign-in.
    const popup = await browser.openExtensionPage(POPUP);
    await waitForAlbumPicker(popup);
    expect(authorizeRequests(clouds)).toHaveLength(1);
  });

  it('Google’s consent window: Cancel is told in words, Allow signs in', async () => {
    const { clouds, browser } = await startSession();
    clouds.google.setAuthorizeBehaviour({ outcome: 'consent-page' });
    const popup = await browser.openExtensionPage(POPUP);

    const refused = await signInWindow(popup, 'Sign in with Google');
    await refused.getByRole('link', { name: 'Cancel' }).click();
    await popup.getByRole('alert').getByText(enCatalog.err_google_access_denied.message).waitFor();

    const consent = await signInWindow(popup, 'Sign in with Google');
    await consent.getByRole('heading', { name: /wants to access your Google Account/ }).waitFor();
    await consent.getByRole('link', { name: 'Allow' }).click();
    await waitForAlbumPicker(popup);
    expect(authorizeRequests(clouds).map((request) => request.outcome)).toEqual([
      'consent-page',
      'consent-page',
    ]);
    await expectTokenOnlyInSession(clouds, browser);
  });

  it('a refusal (access_denied) is told in words with what to do', async () => {
    const { clouds, browser } = await startSession();
    clouds.google.authorizeNextWith({ outcome: 'deny' });
    const popup = await browser.openExtensionPage(POPUP);
    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    const alert = popup.getByRole('alert');
    await alert.getByText(enCatalog.err_google_access_denied.message).waitFor();
    expect(await alert.textContent()).toContain(enCatalog.fix_google_access_denied.message);
    // Nothing was kept: the popup still offers to sign in.
    expect(await popup.getByRole('button', { name: 'Sign in with Google' }).isEnabled()).toBe(true);
    await expectNoTokenStored(browser);
  });

  it('a Photos permission left unticked is explained, and signing in again with it works', async () => {
    const { clouds, browser } = await startSession();
    clouds.google.authorizeNextWith({ outcome: 'grant', withholdScopes: [PHOTOS_SCOPES.readAppCreated] });
    const popup = await browser.openExtensionPage(POPUP);
    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    const alert = popup.getByRole('alert');
    await alert.getByText(enCatalog.err_google_scope_missing.message).waitFor();
    expect(await alert.textContent()).toContain(enCatalog.fix_google_scope_missing.message);
    await expectNoTokenStored(browser);

    await popup.getByRole('button', { name: 'Sign in with Google' }).click();
    await waitForAlbumPicker(popup);
  });

  it('renews the token silently (prompt=none) when Google stops taking it, and the job goes on by itself', async () => {
    const { library, clouds, browser } = await startSession();
    const popup = await openAlbumPicker(browser);
    const signIns = authorizeRequests(clouds).length;
    const windows: string[] = [];
    browser.context.on('page', (page) => windows.push(page.url()));
    // Every token issued so far stops working, as an hour-old one does.
    clouds.google.expireAllTokens();

    await popup.getByRole('checkbox', { name: 'Select all' }).check();
    await popup.getByRole('button', { name: 'Start migration' }).click();
    await waitForDone(popup);

    const renewals = authorizeRequests(clouds).slice(signIns);
    expect(renewals.length).toBeGreaterThan(0);
    for (const renewal of renewals) {
      expect(renewal.params).toMatchObject({ prompt: 'none', login_hint: clouds.google.config.user.sub });
      expect(renewal.outcome).toBe('granted');
    }
    expect(
      windows.filter((url) => url.startsWith(AUTHORIZE_PAGE)),
      'no sign-in window',
    ).toEqual([]);
    await expectWholeLibraryWithReceipt(clouds, library, browser);
    await expectTokenOnlyInSession(clouds, browser);
  });

  it('when silent renewal needs the person, the job waits with "Sign in again" and one click lets it go on', async () => {
    const { library, clouds, browser } = await startSession();
    const popup = await openAlbumPicker(browser);
    clouds.google.expireAllTokens();
    // Google wants the person back (Testing-mode consent lapsed): prompt=none cannot renew.
    clouds.google.setAuthorizeBehaviour({ outcome: 'interaction_required' });

    await popup.getByRole('checkbox', { name: 'Select all' }).check();
    await popup.getByRole('button', { name: 'Start migration' }).click();
    await popup.getByRole('heading', { name: 'Waiting' }).waitFor();
    await popup.getByText(enCatalog.err_google_signin_needed.message).waitFor();
    expect(clouds.google.state.mediaItemList()).toEqual([]);

    clouds.google.setAuthorizeBehaviour({ outcome: 'grant' });
    await popup.getByRole('button', { name: 'Sign in again' }).click();
    await waitForDone(popup);
    const last = authorizeRequests(clouds).at(-1);
    expect(last?.params.prompt).toBe('select_account');
    await expectWholeLibraryWithReceipt(clouds, library, browser);
  });

  it('sign-out revokes the token at Google, forgets it, and the popup asks to sign in again', async () => {
    const { clouds, browser } = await startSession();
    const popup = await openAlbumPicker(browser);
    const [token] = clouds.google.state.accessTokens.values();

    const options = await browser.openExtensionPage(OPTIONS);
    await options.getByRole('button', { name: 'Sign out' }).click();
    await options.getByText('Status: set up, not signed in.').first().waitFor();
    const revokes = clouds.google.state.oauthRequests.filter((request) => request.kind === 'revoke');
    expect(revokes.map((request) => request.params.token)).toEqual([token!.token]);
    expect(token!.revoked).toBe(true);
    await expectNoTokenStored(browser);

    await popup.reload();
    await popup.getByRole('button', { name: 'Sign in with Google' }).waitFor();
  });
});
