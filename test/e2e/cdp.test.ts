import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEchoService } from '../fakes/net/echo-service.ts';
import { type FakeNet, startFakeNet } from '../fakes/net/index.ts';
import { launchRawChromium } from './cdp.ts';
import { EXPECTED_EXTENSION_ID, isAlive } from './chromium.ts';

let net: FakeNet;
beforeAll(async () => {
  net = await startFakeNet([createEchoService({ hosts: ['i.mi.com'] })]);
});
afterAll(() => net.close());

it('evaluates in the extension service worker without Playwright, detaches, and samples every process', async () => {
  const chromium = await launchRawChromium({ net });
  try {
    const answer = await chromium.evaluateInServiceWorker(`(async () => {
      const reply = await fetch('https://i.mi.com/echo', { credentials: 'omit' });
      return { id: chrome.runtime.id, isWorker: self instanceof ServiceWorkerGlobalScope, status: reply.status };
    })()`);

    expect(answer).toEqual({ id: EXPECTED_EXTENSION_ID, isWorker: true, status: 200 });
    // Detached again, so that Chrome's idle timer is free to stop the worker.
    expect((await chromium.serviceWorkerTarget()).attached).toBe(false);
    await expect(chromium.evaluateInServiceWorker('undefinedName.x')).rejects.toThrow(/ReferenceError/);

    const processes = await chromium.sampleRss();
    expect(processes.find((entry) => entry.kind === 'browser')?.pid).toBe(chromium.pid);
    expect(processes.map((entry) => entry.kind)).toContain('extension-renderer');
    expect(processes.every((entry) => entry.rssBytes > 0)).toBe(true);
  } finally {
    await chromium.close();
  }
  expect(isAlive(chromium.pid)).toBe(false);
  expect(existsSync(chromium.profileDir)).toBe(false);
});
