/**
 * The built extension (dist/) in real headless Chromium, driven by playwright-core, with every
 * upstream host answered by a FakeNet (chromium-e2e.md §2–§5).
 */
import { type BrowserContext, type CDPSession, chromium, type Page, type Worker } from 'playwright-core';
import type { SeedCookie } from '../contract/support/cookie-jar.ts';
import type { FakeNet } from '../fakes/net/index.ts';
import {
  assertE2ePrerequisites,
  CHROMIUM_PATH,
  createProfileDir,
  DEFAULT_DIST,
  EXPECTED_EXTENSION_ID,
  extensionArgs,
  killProfileBrowser,
  removeProfileDir,
} from './chromium.ts';

export interface LaunchOptions {
  net: FakeNet;
  /** Reuse a profile (kept afterwards); by default a fresh one under os.tmpdir(), removed on close. */
  profileDir?: string;
  /** The unpacked extension; by default the repository's dist/. */
  dist?: string;
  /** More Chromium flags, e.g. `--lang=zh-CN` for the Chinese UI. */
  args?: string[];
  /** Default true; the demo shows the browser when a display exists. */
  headless?: boolean;
}

export interface ExtensionBrowser {
  /** Leave its first page (about:blank) open: the harness controls the worker through that page's CDP session. */
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** Stays usable across stops and restarts of the worker (chromium-e2e.md §5). */
  readonly serviceWorker: Worker;
  readonly profileDir: string;
  /** Opens e.g. 'src/popup/popup.html' in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  /** Runs `fn` in the worker's global scope, waking the worker first; rejects after `timeoutMs`. */
  evaluateInServiceWorker<R, A>(fn: (arg: A) => R | Promise<R>, arg: A, timeoutMs?: number): Promise<R>;
  /** Stops the worker as Chrome's idle timer would (CDP ServiceWorker.stopAllWorkers); resolves once stopped. */
  stopServiceWorker(): Promise<void>;
  /** Starts the worker if it is not running; resolves once it runs. */
  wakeServiceWorker(): Promise<void>;
  /**
   * Plants cookies in the profile as the person's logged-in browser would hold them. Chromium writes
   * cookies to disk only about every 30 s: close() (not kill()) before relying on them after a restart.
   */
  seedCookies(cookies: readonly SeedCookie[]): Promise<void>;
  /** Closes the browser; removes the profile if this harness created it. */
  close(): Promise<void>;
  /** SIGKILLs the browser's main process (a crash) and waits until all its processes are gone. */
  kill(): Promise<void>;
  /** Closes (unless killed) and starts the browser again on the same profile. */
  relaunch(): Promise<ExtensionBrowser>;
}

const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 15_000;
const SERVICE_WORKER_TIMEOUT_MS = 10_000;

export async function launchBrowser(options: LaunchOptions): Promise<ExtensionBrowser> {
  const dist = options.dist ?? DEFAULT_DIST;
  assertE2ePrerequisites(dist);
  const ownsProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? (await createProfileDir());
  const { net, args = [], headless = true } = options;
  return start({ net, dist, profileDir, args, headless }, ownsProfile);
}

async function start(options: Required<LaunchOptions>, ownsProfile: boolean): Promise<ExtensionBrowser> {
  const { net, dist, profileDir, args, headless } = options;
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless,
      timeout: LAUNCH_TIMEOUT_MS,
      args: [...extensionArgs(dist, net), ...args],
    });
    const serviceWorker =
      context.serviceWorkers().find((worker) => worker.url().startsWith('chrome-extension://')) ??
      (await context.waitForEvent('serviceworker', { timeout: LAUNCH_TIMEOUT_MS }));
    const extensionId = new URL(serviceWorker.url()).host;
    if (extensionId !== EXPECTED_EXTENSION_ID) {
      throw new Error(
        `Extension id is ${extensionId}, expected ${EXPECTED_EXTENSION_ID}: is the pinned manifest key in ${dist}/manifest.json?`,
      );
    }
    const controlPage = context.pages()[0] ?? (await context.newPage());
    const workers = await ServiceWorkerControl.attach(
      await context.newCDPSession(controlPage),
      `chrome-extension://${extensionId}/`,
    );
    return new PlaywrightExtensionBrowser(options, ownsProfile, context, extensionId, serviceWorker, workers);
  } catch (error) {
    await context?.close().catch(() => {});
    await killProfileBrowser(profileDir);
    if (ownsProfile) await removeProfileDir(profileDir);
    throw error;
  }
}

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

/** Follows the extension worker's running status through CDP's ServiceWorker domain (chromium-e2e.md §5). */
class ServiceWorkerControl {
  private registrationId: string | undefined;
  private running: RunningStatus | undefined;
  private activated = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly scopeURL: string,
  ) {}

  static async attach(cdp: CDPSession, scopeURL: string): Promise<ServiceWorkerControl> {
    const control = new ServiceWorkerControl(cdp, scopeURL);
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find(
        (registration) => registration.scopeURL === scopeURL && !registration.isDeleted,
      );
      if (ours) control.registrationId = ours.registrationId;
    });
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) {
        if (version.registrationId !== control.registrationId || version.status === 'redundant') continue;
        control.running = version.runningStatus;
        control.activated = version.status === 'activated';
        for (const check of control.waiters) check();
      }
    });
    // enable replays the current registrations and versions, so the status is known from here on.
    await cdp.send('ServiceWorker.enable');
    return control;
  }

  async stop(): Promise<void> {
    await this.cdp.send('ServiceWorker.stopAllWorkers');
    await this.until('stopped', () => this.running === 'stopped');
  }

  /**
   * Starts the worker if needed and waits until it runs and is activated. Measured with the raw CDP
   * driver: a fetch the worker starts while it is still being installed, right after launch, never completes.
   */
  async wake(): Promise<void> {
    if (this.running !== 'running' && this.running !== 'starting') {
      await this.cdp.send('ServiceWorker.startWorker', { scopeURL: this.scopeURL });
    }
    await this.until('running and activated', () => this.running === 'running' && this.activated);
  }

  private until(description: string, isReached: () => boolean): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve) => {
        const check = () => {
          if (!isReached()) return;
          this.waiters.delete(check);
          resolve();
        };
        this.waiters.add(check);
        check();
      }),
      SERVICE_WORKER_TIMEOUT_MS,
      `the service worker did not become ${description} (last seen: ${this.running}, activated: ${this.activated})`,
    );
  }
}

class PlaywrightExtensionBrowser implements ExtensionBrowser {
  private ended: 'closed' | 'killed' | undefined;

  constructor(
    private readonly options: Required<LaunchOptions>,
    private ownsProfile: boolean,
    readonly context: BrowserContext,
    readonly extensionId: string,
    readonly serviceWorker: Worker,
    private readonly workers: ServiceWorkerControl,
  ) {}

  get profileDir(): string {
    return this.options.profileDir;
  }

  async openExtensionPage(path: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(`chrome-extension://${this.extensionId}/${path.replace(/^\//, '')}`);
    return page;
  }

  async evaluateInServiceWorker<R, A>(
    fn: (arg: A) => R | Promise<R>,
    arg: A,
    timeoutMs = SERVICE_WORKER_TIMEOUT_MS,
  ): Promise<R> {
    // chromium-e2e.md §5: evaluate hangs while the worker is stopped, so wake it and bound the wait.
    await this.workers.wake();
    return withTimeout(
      // Arguments cross as serialized values, never handles, so Playwright's Unboxed<A> is just A.
      this.serviceWorker.evaluate(fn as never, arg) as Promise<R>,
      timeoutMs,
      `the service worker did not answer within ${timeoutMs} ms`,
    );
  }

  stopServiceWorker(): Promise<void> {
    return this.workers.stop();
  }

  wakeServiceWorker(): Promise<void> {
    return this.workers.wake();
  }

  async seedCookies(cookies: readonly SeedCookie[]): Promise<void> {
    await this.context.addCookies(cookies.map((cookie) => ({ path: '/', ...cookie })));
  }

  async close(): Promise<void> {
    if (this.ended !== 'closed') {
      if (this.ended === undefined) {
        await withTimeout(this.context.close(), CLOSE_TIMEOUT_MS, 'browser did not close').catch(() => {});
      }
      this.ended = 'closed';
      // Whatever survived a hung close must not outlive the test.
      await killProfileBrowser(this.profileDir);
    }
    if (this.ownsProfile) {
      this.ownsProfile = false;
      await removeProfileDir(this.profileDir);
    }
  }

  async kill(): Promise<void> {
    if (this.ended !== undefined) throw new Error(`the browser is already ${this.ended}`);
    const contextClosed = new Promise((resolve) => this.context.once('close', resolve));
    if (!(await killProfileBrowser(this.profileDir))) throw new Error('no browser process found to kill');
    this.ended = 'killed';
    await withTimeout(contextClosed, CLOSE_TIMEOUT_MS, 'Playwright did not notice the browser died');
  }

  async relaunch(): Promise<ExtensionBrowser> {
    const ownsProfile = this.ownsProfile;
    // The next browser takes the profile over, and with it the duty to remove it.
    this.ownsProfile = false;
    await this.close();
    return start(this.options, ownsProfile);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  // The losing promise may still settle (or hang) later; its outcome no longer matters.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
