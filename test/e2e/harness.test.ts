import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEchoService } from '../fakes/net/echo-service.ts';
import { type FakeNet, startFakeNet } from '../fakes/net/index.ts';
import {
  assertE2ePrerequisites,
  DEFAULT_DIST,
  EXPECTED_EXTENSION_ID,
  findBrowserPid,
  isAlive,
  processTree,
} from './chromium.ts';
import { type ExtensionBrowser, launchBrowser } from './harness.ts';

let net: FakeNet;
let browser: ExtensionBrowser | undefined;
beforeAll(async () => {
  net = await startFakeNet([createEchoService({ hosts: ['i.mi.com'] })]);
});
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});
afterAll(() => net.close());

describe('E2E prerequisites', () => {
  it('fail with the install command when Chromium is missing, and ask for a build when dist/ is', () => {
    expect(() => assertE2ePrerequisites(DEFAULT_DIST, '/nonexistent/chromium')).toThrow(
      'apt-get update && apt-get install -y chromium',
    );
    expect(() => assertE2ePrerequisites('/nonexistent/dist')).toThrow('vite build');
  });
});

describe('launchBrowser', () => {
  it('loads the built extension under its pinned id and opens its pages', async () => {
    browser = await launchBrowser({ net });
    const manifest = JSON.parse(readFileSync(join(DEFAULT_DIST, 'manifest.json'), 'utf8'));

    const popup = await browser.openExtensionPage(manifest.action.default_popup);

    expect(browser.extensionId).toBe(EXPECTED_EXTENSION_ID);
    expect(popup.url()).toBe(`chrome-extension://${EXPECTED_EXTENSION_ID}/${manifest.action.default_popup}`);
    expect(await popup.evaluate(() => chrome.runtime.id)).toBe(EXPECTED_EXTENSION_ID);
  });

  it('close() leaves no browser process and no profile behind', async () => {
    const launched = await launchBrowser({ net });
    const browserPid = findBrowserPid(launched.profileDir);
    expect(browserPid).toBeDefined();
    const pids = processTree(browserPid ?? -1).map((entry) => entry.pid);

    await launched.close();

    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(launched.profileDir)).toBe(false);
  });

  it('kill() ends every process of the browser; relaunch() comes back on the same profile', async () => {
    const first = await launchBrowser({ net });
    const pids = processTree(findBrowserPid(first.profileDir) ?? -1).map((entry) => entry.pid);
    expect(pids.length).toBeGreaterThan(1);

    await first.kill();
    expect(pids.filter(isAlive)).toEqual([]);

    browser = await first.relaunch();
    expect(browser.profileDir).toBe(first.profileDir);
    expect(findBrowserPid(browser.profileDir)).toBeDefined();
    expect(await browser.evaluateInServiceWorker(() => chrome.runtime.id, undefined)).toBe(
      EXPECTED_EXTENSION_ID,
    );
    await browser.close();
    // The relaunched browser inherited the duty to remove the profile it was given.
    expect(existsSync(first.profileDir)).toBe(false);
  });
});
