/**
 * Drives the built extension in headless Chromium through the raw DevTools protocol only
 * (test/e2e/cdp.ts), never Playwright: Playwright stays attached to the service worker (so it
 * never idles out) and mirrors request bodies through CDP, which would distort both memory and
 * long-transfer figures (chromium-e2e.md §5–§6). The driver attaches to extension pages only
 * while it clicks, and to nothing while the job runs.
 */
import { type CdpConnection, launchRawChromium, type RawChromium } from '../test/e2e/cdp.ts';
import { EXPECTED_EXTENSION_ID } from '../test/e2e/chromium.ts';
import type { FakeClouds } from '../test/fakes/clouds.ts';

export const EXTENSION_ORIGIN = `chrome-extension://${EXPECTED_EXTENSION_ID}`;
export const POPUP_URL = `${EXTENSION_ORIGIN}/src/popup/popup.html`;
export const OPTIONS_URL = `${EXTENSION_ORIGIN}/src/options/options.html`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attached page target. */
export class PageSession {
  private constructor(
    private readonly cdp: CdpConnection,
    readonly targetId: string,
    readonly sessionId: string,
  ) {}

  /** Opens about:blank in a new tab and attaches to it (flat session). */
  static async open(chromium: RawChromium): Promise<PageSession> {
    const { targetId } = await chromium.cdp.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
    });
    const { sessionId } = await chromium.cdp.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page = new PageSession(chromium.cdp, targetId, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    return page;
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId);
  }

  async navigate(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const off = this.cdp.on('Page.loadEventFired', (_params, sessionId) => {
        if (sessionId !== this.sessionId) return;
        off();
        resolve();
      });
    });
    await this.send('Page.navigate', { url });
    await loaded;
  }

  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) {
      throw new Error(
        `in ${this.targetId}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
      );
    }
    return result.value as T;
  }

  /** Polls `expression` until it is truthy; returns its value. */
  async waitFor<T = unknown>(expression: string, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) {
        const text = await this.evaluate<string>('document.body?.innerText ?? ""').catch(() => '');
        throw new Error(`${what}: not reached within ${timeoutMs} ms; the page says: ${text.slice(0, 600)}`);
      }
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {});
  }
}

/** DOM look-ups by visible words, as a person finds things. */
export const dom = {
  headingIs: (text: string) =>
    `[...document.querySelectorAll('h2')].some((h) => h.textContent.trim() === ${JSON.stringify(text)})`,
  heading: () => `document.querySelector('h2')?.textContent.trim() ?? ''`,
  clickButton: (pattern: RegExp) =>
    `(() => {
      const button = [...document.querySelectorAll('button')].find((b) => ${pattern}.test(b.textContent) && !b.disabled);
      if (!button) return false;
      button.click();
      return true;
    })()`,
  checkLabelled: (text: string) =>
    `(() => {
      const label = [...document.querySelectorAll('label')].find((l) => l.textContent.includes(${JSON.stringify(text)}));
      const input = label?.querySelector('input') ?? (label?.htmlFor && document.getElementById(label.htmlFor));
      if (!input) return false;
      if (!input.checked) input.click();
      return input.checked;
    })()`,
};

export interface ExtensionSetup {
  /** Settings stored before the popup opens (chrome.storage.local 'settings'); the client id is added. */
  settings?: Record<string, unknown>;
  /** The built extension; default the repository's dist/. */
  dist?: string;
}

/** A browser with the extension, the Xiaomi session cookies and the Google client id in place. */
export async function launchExtension(clouds: FakeClouds, setup: ExtensionSetup = {}): Promise<RawChromium> {
  const chromium = await launchRawChromium({ net: clouds.net, dist: setup.dist });
  try {
    await chromium.cdp.send('Storage.setCookies', {
      cookies: clouds.xiaomi.sessionCookies().map((cookie) => ({ ...cookie })),
    });
    // Waits until the worker is activated (a fetch started while it installs never completes).
    await chromium.evaluateInServiceWorker('true');
    const page = await PageSession.open(chromium);
    await page.navigate(OPTIONS_URL);
    const settings = { googleClientId: clouds.google.config.defaultClientId, ...setup.settings };
    await page.evaluate(`chrome.storage.local.set({ settings: ${JSON.stringify(settings)} })`);
    await page.close();
    return chromium;
  } catch (error) {
    await chromium.close();
    throw error;
  }
}

/** Popup: sign in to Google (the fake OAuth answers at once) and wait for the album picker. */
export async function signIn(chromium: RawChromium): Promise<void> {
  const popup = await PageSession.open(chromium);
  try {
    await popup.navigate(POPUP_URL);
    await popup.waitFor(dom.clickButton(/Sign in with Google/), 'the "Sign in with Google" button');
    await popup.waitFor(dom.headingIs('Choose the albums to move'), 'the album picker');
    await popup.waitFor(dom.checkLabelled('Select all'), 'the album list');
  } finally {
    await popup.close();
  }
}

/**
 * Popup: tick every album and press Start. Resolves with the epoch ms of the click, once the
 * popup shows the job (then the popup is closed: the job runs with no page open).
 */
export async function startMigration(chromium: RawChromium): Promise<number> {
  const popup = await PageSession.open(chromium);
  try {
    await popup.navigate(POPUP_URL);
    await popup.waitFor(dom.checkLabelled('Select all'), 'the album list');
    await popup.waitFor(
      `!![...document.querySelectorAll('button')].find((b) => /Start migration/.test(b.textContent) && !b.disabled)`,
      'an enabled Start button',
    );
    const clickedAt = Date.now();
    await popup.evaluate(dom.clickButton(/Start migration/));
    await popup.waitFor(
      `${dom.headingIs('Listing your albums…')} || ${dom.headingIs('Moving your photos')} || ${dom.headingIs('Done')}`,
      'the job screen',
    );
    return clickedAt;
  } finally {
    await popup.close();
  }
}

/** Opens the popup and waits for one of `headings`; returns the heading and the page's text. */
export async function popupShows(
  chromium: RawChromium,
  headings: string[],
  timeoutMs: number,
): Promise<{ heading: string; text: string }> {
  const popup = await PageSession.open(chromium);
  try {
    await popup.navigate(POPUP_URL);
    await popup.waitFor(headings.map((h) => dom.headingIs(h)).join(' || '), headings.join(' / '), timeoutMs);
    return {
      heading: await popup.evaluate<string>(dom.heading()),
      text: await popup.evaluate<string>('document.body.innerText'),
    };
  } finally {
    await popup.close();
  }
}

/** What the popup shows right now (after at most `settleMs` for the first snapshot). */
export async function popupText(chromium: RawChromium, settleMs = 3_000): Promise<string> {
  const popup = await PageSession.open(chromium);
  try {
    await popup.navigate(POPUP_URL);
    await popup.waitFor(`!!document.querySelector('h2')`, 'a screen', settleMs).catch(() => undefined);
    return await popup.evaluate<string>('document.body.innerText');
  } finally {
    await popup.close();
  }
}

/**
 * Installed in the popup before its scripts run: notes `performance.now()` (ms since the navigation
 * started) when the running job's progress bar with its count and the album list are in the DOM,
 * and again at the next animation frame, when they are painted.
 */
const USEFUL_VIEW_OBSERVER = `(() => {
  const useful = () =>
    document.querySelector('[role="progressbar"][aria-valuenow]') && document.querySelector('.album-progress li');
  const observer = new MutationObserver(() => {
    if (window.__benchMountAt === undefined && document.getElementById('app')?.firstChild) {
      window.__benchMountAt = performance.now();
    }
    if (window.__benchDomAt !== undefined || !useful()) return;
    window.__benchDomAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => { window.__benchPaintAt = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})()`;

export interface UsefulViewTiming {
  /** The page's script ran (DOMContentLoaded ended). */
  loadedMs: number;
  /** The page put its first element up (a "Loading…" line, before the background answered). */
  mountMs: number;
  /** The job's progress and album list are in the DOM. */
  domMs: number;
  /** …and painted (the next animation frame). */
  paintMs: number;
}

/** Opens the popup in a new tab and times navigation start → first useful view of a running job. */
export async function timePopupUsefulView(
  chromium: RawChromium,
  timeoutMs = 15_000,
): Promise<UsefulViewTiming> {
  const popup = await PageSession.open(chromium);
  try {
    await popup.send('Page.addScriptToEvaluateOnNewDocument', { source: USEFUL_VIEW_OBSERVER });
    await popup.send('Page.navigate', { url: POPUP_URL });
    const timing = await popup.waitFor<UsefulViewTiming>(
      `window.__benchPaintAt === undefined ? null : {
        loadedMs: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? -1,
        mountMs: window.__benchMountAt ?? -1,
        domMs: window.__benchDomAt,
        paintMs: window.__benchPaintAt,
      }`,
      'the running job in the popup',
      timeoutMs,
    );
    return timing;
  } finally {
    await popup.close();
  }
}

/** Stops the extension's service worker, as Chrome's idle timer would. */
export async function stopServiceWorker(chromium: RawChromium): Promise<void> {
  const page = await PageSession.open(chromium);
  try {
    await page.send('ServiceWorker.enable');
    await page.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const worker = (await chromium.targets()).find(
        (target) => target.type === 'service_worker' && target.url.startsWith(EXTENSION_ORIGIN),
      );
      if (!worker) return;
      await sleep(50);
    }
    throw new Error('the service worker did not stop');
  } finally {
    await page.close();
  }
}
