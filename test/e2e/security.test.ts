/**
 * The security promises of docs/security.md, checked on what ships: the built dist/ (its manifest,
 * its files) and, in Chromium, the one way into the background (the pages' port).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIST } from './chromium.ts';
import { POPUP } from './flow.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

const EXPECTED_PERMISSIONS = [
  'alarms',
  'cookies',
  'downloads',
  'identity',
  'notifications',
  'storage',
  'unlimitedStorage',
];
const EXPECTED_HOSTS = [
  'https://*.mi.com/*',
  'https://oauth2.googleapis.com/*',
  'https://photoslibrary.googleapis.com/*',
];
const EXPECTED_CSP =
  "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; base-uri 'none'; frame-ancestors 'none'";

async function builtManifest(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(DEFAULT_DIST, 'manifest.json'), 'utf8'));
}

async function builtFiles(): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(DEFAULT_DIST, { recursive: true, withFileTypes: true });
  const texts = entries.filter((e) => e.isFile() && /\.(html|js|mjs|json)$/.test(e.name));
  return Promise.all(
    texts.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return { path: path.slice(DEFAULT_DIST.length + 1), text: await readFile(path, 'utf8') };
    }),
  );
}

/** Ways code could be loaded from elsewhere: a script tag, a preload, a module import, importScripts. */
const REMOTE_CODE = [
  /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\//i,
  /<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^>]*>/i,
  /\bimport\s*\(\s*["'`](?:https?:)?\/\//,
  /\bfrom\s*["'](?:https?:)?\/\//,
  /\bimportScripts\s*\(\s*["'`](?:https?:)?\/\//,
  /\bnew\s+Worker\s*\(\s*["'`](?:https?:)?\/\//,
];

describe('the built extension', () => {
  it('asks for exactly the permissions the README justifies, and no more', async () => {
    const manifest = await builtManifest();
    expect([...(manifest.permissions as string[])].sort()).toEqual(EXPECTED_PERMISSIONS);
    expect([...(manifest.host_permissions as string[])].sort()).toEqual(EXPECTED_HOSTS);
    for (const key of [
      'optional_permissions',
      'optional_host_permissions',
      'content_scripts',
      'externally_connectable',
      'web_accessible_resources',
      'sandbox',
    ]) {
      expect(manifest[key], key).toBeUndefined();
    }
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Permissions'), readme.indexOf('## Dependencies'));
    const justified = [...table.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)?/gm)].flatMap((m) =>
      [m[1], m[2]].filter((p): p is string => p !== undefined),
    );
    expect(justified.sort()).toEqual([...EXPECTED_PERMISSIONS, ...EXPECTED_HOSTS].sort());
  });

  it('runs its pages under a strict CSP: its own scripts only, no eval, no inline code', async () => {
    const csp = (await builtManifest()).content_security_policy as Record<string, string>;
    expect(csp).toEqual({ extension_pages: EXPECTED_CSP });
  });

  it('loads no code from anywhere but itself', async () => {
    const files = await builtFiles();
    expect(files.some((f) => f.path.endsWith('.js'))).toBe(true);
    for (const { path, text } of files) {
      for (const pattern of REMOTE_CODE) expect(pattern.test(text), `${path} matches ${pattern}`).toBe(false);
    }
    // Inline scripts would be refused by the CSP anyway; there must be none to refuse.
    for (const { path, text } of files.filter((f) => f.path.endsWith('.html'))) {
      for (const [tag] of text.matchAll(/<script\b[^>]*>/gi)) expect(tag, path).toMatch(/\bsrc=/);
    }
  });
});

describe('the port into the background', () => {
  closeSessionsAfterEach();

  it('refuses malformed calls with words, and stores nothing of them', async () => {
    const { browser } = await startSession({ loggedIn: false, googleClient: false });
    const page = await browser.openExtensionPage(POPUP);
    /** One Comlink call sent raw over the port, as a page with a bug (or worse) could send it. */
    const call = (method: string, args: unknown[]) =>
      page.evaluate(
        ([method, args]) =>
          new Promise<unknown>((resolve) => {
            const port = chrome.runtime.connect({ name: 'ui' });
            const id = `probe-${Math.random()}`;
            port.onMessage.addListener((message: { tag?: string; data?: { id?: string } }) => {
              if (message?.tag === 'rpc' && message.data?.id === id) {
                port.disconnect();
                resolve(message.data);
              }
            });
            const argumentList = (args as unknown[]).map((value) => ({ type: 'RAW', value }));
            port.postMessage({ tag: 'rpc', data: { id, type: 'APPLY', path: [method], argumentList } });
          }),
        [method, args] as const,
      );
    const refusal = (method: string, problem: string) => ({
      type: 'HANDLER',
      name: 'throw',
      value: {
        isError: true,
        value: expect.objectContaining({
          message: `The extension refused a request it does not accept (${method}: ${problem}).`,
        }),
      },
    });

    expect(await call('saveSettings', [{ googleClientId: 'x', debug: true }])).toMatchObject(
      refusal('saveSettings', '"debug" is not a setting'),
    );
    expect(await call('startJob', [[24886749771200000]])).toMatchObject(
      refusal('startJob', 'albumIds must hold digit strings only'),
    );
    expect(await call('constructor', [])).toMatchObject(
      refusal('constructor', 'not a call the background offers'),
    );
    // And a well-formed call still goes through.
    expect(await call('getSettings', [])).toMatchObject({ type: 'RAW', value: { googleClientId: '' } });
    const stored = await page.evaluate(() => chrome.storage.local.get('settings'));
    expect(JSON.stringify(stored)).not.toContain('debug');
  });
});
