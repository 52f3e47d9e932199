/**
 * Three mechanisms the whole design rests on, proven against the built extension in real Chromium:
 * (a) cookies ride along on the service worker's fetches, (b) launchWebAuthFlow completes against a
 * fake authorize endpoint, (c) IndexedDB survives a stopped worker and a crashed browser.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeGoogle, type FakeGoogle, PHOTOS_SCOPES } from '../fakes/google/index.ts';
import { createEchoService } from '../fakes/net/echo-service.ts';
import { type FakeNet, startFakeNet } from '../fakes/net/index.ts';
import { EXPECTED_EXTENSION_ID } from './chromium.ts';
import { type ExtensionBrowser, launchBrowser } from './harness.ts';

const REDIRECT_URL = `https://${EXPECTED_EXTENSION_ID}.chromiumapp.org/`;

let net: FakeNet;
let google: FakeGoogle;
let browser: ExtensionBrowser | undefined;

beforeAll(async () => {
  google = createFakeGoogle();
  net = await startFakeNet([
    createEchoService({ name: 'mi', hosts: ['i.mi.com', '*.mi.com'] }),
    ...google.services,
  ]);
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(() => net.close());

/** The Cookie header the fake server received for `path`, parsed; fails if no such request arrived. */
function cookiesReceivedFor(path: string): Record<string, string> {
  const record = net.log.find((entry) => entry.path === path);
  if (record === undefined) throw new Error(`the fake never received ${path}`);
  const header = record.headers.cookie ?? '';
  return Object.fromEntries(
    header
      .split(/;\s*/)
      .filter(Boolean)
      .map((pair) => pair.split('=', 2)),
  );
}

describe('mechanism proofs in headless Chromium', () => {
  it('(a) the worker’s credentialed fetch to i.mi.com carries the browser’s Secure HttpOnly cookies', async () => {
    browser = await launchBrowser({ net });
    const serviceToken = `st-${randomUUID()}`;
    await browser.seedCookies([
      {
        name: 'serviceToken',
        value: serviceToken,
        domain: '.mi.com',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
      {
        name: 'userId',
        value: '123456789',
        domain: 'i.mi.com',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ]);

    await browser.evaluateInServiceWorker(
      async (requests) => {
        for (const [url, credentials] of requests) {
          const response = await fetch(url, { credentials });
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          await response.arrayBuffer();
        }
      },
      [
        ['https://i.mi.com/echo?proof=include', 'include'],
        ['https://i.mi.com/echo?proof=omit', 'omit'],
        ['https://api.mi.com/echo?proof=host-only', 'include'],
      ] satisfies [string, RequestCredentials][],
    );

    expect(cookiesReceivedFor('/echo?proof=include')).toEqual({ serviceToken, userId: '123456789' });
    expect(cookiesReceivedFor('/echo?proof=omit')).toEqual({});
    // userId was planted host-only for i.mi.com: the browser scopes it, not the fake.
    expect(cookiesReceivedFor('/echo?proof=host-only')).toEqual({ serviceToken });
  });

  it('(b) launchWebAuthFlow completes against the fake authorize endpoint and returns the token in the fragment', async () => {
    browser = await launchBrowser({ net });
    google.setAuthorizeBehaviour({ outcome: 'grant' });
    const request = {
      clientId: google.config.defaultClientId,
      scope: PHOTOS_SCOPES.appendOnly,
      state: randomUUID(),
    };

    const result = await browser.evaluateInServiceWorker(authorizeInWorker, {
      ...request,
      interactive: true,
    });

    expect(result.redirectUri).toBe(REDIRECT_URL);
    const finalUrl = new URL(result.outcome.replace(/^resolved: /, ''));
    expect(finalUrl.origin + finalUrl.pathname).toBe(REDIRECT_URL);
    const fragment = new URLSearchParams(finalUrl.hash.slice(1));
    const token = google.state.accessTokens.get(fragment.get('access_token') ?? '');
    expect(token).toMatchObject({ clientId: request.clientId, scopes: [PHOTOS_SCOPES.appendOnly] });
    expect(fragment.get('state')).toBe(request.state);
  });

  it('(b) launchWebAuthFlow with interactive:false rejects when the authorize page wants the user', async () => {
    browser = await launchBrowser({ net });
    google.setAuthorizeBehaviour({ outcome: 'consent-page' });
    const authorizeRequests = () => google.state.oauthRequests.filter((entry) => entry.kind === 'authorize');
    const before = authorizeRequests().length;

    const result = await browser.evaluateInServiceWorker(authorizeInWorker, {
      clientId: google.config.defaultClientId,
      scope: PHOTOS_SCOPES.appendOnly,
      state: randomUUID(),
      interactive: false,
    });

    expect(result.outcome).toMatch(/^rejected: User interaction required/);
    // The browser did load the page and found it wanted a person: the rejection is no local shortcut.
    expect(
      authorizeRequests()
        .slice(before)
        .map((entry) => entry.outcome),
    ).toEqual(['consent-page']);
  });

  it('(c) IndexedDB written by the worker survives a forced worker stop and a browser crash', async () => {
    browser = await launchBrowser({ net });
    const nonce = randomUUID();

    const written = await browser.evaluateInServiceWorker(probeDurability, { write: nonce });
    expect(written).toEqual({ stored: nonce, marker: undefined });
    // Control: while the same worker lives, its global marker is visible.
    expect(await browser.evaluateInServiceWorker(probeDurability, {})).toEqual({
      stored: nonce,
      marker: nonce,
    });

    await browser.stopServiceWorker();
    // A fresh global scope (no marker) still reads the record from disk.
    expect(await browser.evaluateInServiceWorker(probeDurability, {})).toEqual({
      stored: nonce,
      marker: undefined,
    });

    await browser.kill();
    browser = await browser.relaunch();
    expect(await browser.evaluateInServiceWorker(probeDurability, {})).toEqual({
      stored: nonce,
      marker: undefined,
    });
  });
});

/** Runs in the worker: the implicit-flow authorize URL through chrome.identity, as the extension uses it. */
async function authorizeInWorker(request: {
  clientId: string;
  scope: string;
  state: string;
  interactive: boolean;
}): Promise<{ redirectUri: string; outcome: string }> {
  const redirectUri = chrome.identity.getRedirectURL();
  const authorize = new URL('https://accounts.google.com/o/oauth2/v2/auth');
  authorize.search = new URLSearchParams({
    client_id: request.clientId,
    response_type: 'token',
    redirect_uri: redirectUri,
    scope: request.scope,
    state: request.state,
  }).toString();
  try {
    const finalUrl = await chrome.identity.launchWebAuthFlow({
      url: authorize.href,
      interactive: request.interactive,
    });
    return { redirectUri, outcome: `resolved: ${finalUrl}` };
  } catch (error) {
    return { redirectUri, outcome: `rejected: ${(error as Error).message}` };
  }
}

/**
 * Runs in the worker: writes `write` (if given) to IndexedDB and returns what IndexedDB holds, plus a
 * marker left in the worker's global scope by the last write (gone once the worker has restarted).
 */
async function probeDurability(options: { write?: string }): Promise<{ stored: unknown; marker: unknown }> {
  const scope = globalThis as { durabilityMarker?: string };
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const opening = indexedDB.open('e2e-durability-proof', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('records');
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const transaction = db.transaction('records', 'readwrite');
  if (options.write !== undefined) transaction.objectStore('records').put(options.write, 'nonce');
  const reading = transaction.objectStore('records').get('nonce');
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
  const marker = scope.durabilityMarker;
  if (options.write !== undefined) scope.durabilityMarker = options.write;
  return { stored: reading.result, marker };
}
