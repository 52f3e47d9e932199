/**
 * A raw Chrome DevTools Protocol driver, without Playwright. Playwright stays attached to the
 * extension's service worker and so keeps it from ever idling out, and it mirrors request bodies
 * through CDP (chromium-e2e.md §5, §6); lifetime and memory measurements therefore use this driver.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import type { FakeNet } from '../fakes/net/index.ts';
import {
  assertE2ePrerequisites,
  CHROMIUM_PATH,
  type ChromiumProcess,
  createProfileDir,
  DEFAULT_DIST,
  EXPECTED_EXTENSION_ID,
  extensionArgs,
  processTree,
  removeProfileDir,
  waitForExit,
} from './chromium.ts';

const STARTUP_TIMEOUT_MS = 30_000;
/**
 * Resolves in the worker once it is activated. Measured: a fetch the worker starts while it is still
 * being installed, right after launch, never completes (3 launches of 3), and the worker then goes away.
 */
const UNTIL_ACTIVATED = `new Promise((resolve) => {
  const check = () => self.serviceWorker.state === 'activated' && resolve();
  self.serviceWorker.addEventListener('statechange', check);
  check();
})`;
const COMMAND_TIMEOUT_MS = 15_000;

export interface CdpTargetInfo {
  targetId: string;
  type: string;
  url: string;
  title: string;
  attached: boolean;
}

type EventListener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

/** One WebSocket to the browser endpoint; sessions of attached targets are multiplexed on it (flatten mode). */
export class CdpConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners = new Map<string, Set<EventListener>>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => this.dispatch(JSON.parse(String(event.data))));
    socket.addEventListener('close', () => {
      for (const { reject } of this.pending.values()) reject(new Error('CDP connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<CdpConnection> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(new CdpConnection(socket)), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot open CDP WebSocket ${url}`)), {
        once: true,
      });
    });
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs = COMMAND_TIMEOUT_MS,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`CDP ${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** Subscribes to an event (e.g. 'Target.targetDestroyed'); returns the unsubscribe function. */
  on(method: string, listener: EventListener): () => void {
    const set = this.listeners.get(method) ?? new Set();
    set.add(listener);
    this.listeners.set(method, set);
    return () => set.delete(listener);
  }

  close(): void {
    this.socket.close();
  }

  private dispatch(message: {
    id?: number;
    result?: unknown;
    error?: { message: string };
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
  }): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`CDP: ${message.error.message}`));
      else waiter?.resolve(message.result);
    } else if (message.method !== undefined) {
      for (const listener of this.listeners.get(message.method) ?? [])
        listener(message.params ?? {}, message.sessionId);
    }
  }
}

export interface ProcessRss extends ChromiumProcess {
  readonly rssBytes: number;
}

export interface RawChromium {
  readonly pid: number;
  readonly profileDir: string;
  readonly cdp: CdpConnection;
  targets(): Promise<CdpTargetInfo[]>;
  /** Waits until the extension's service worker is a target (it is not while the worker is stopped). */
  serviceWorkerTarget(timeoutMs?: number): Promise<CdpTargetInfo>;
  /**
   * Attaches to the worker, evaluates `expression` (awaiting a promise result) and detaches again,
   * so that the worker's idle timer runs as it does for real users (chromium-e2e.md §5).
   */
  evaluateInServiceWorker(expression: string, timeoutMs?: number): Promise<unknown>;
  /** Resident memory of the browser and every process below it, read from /proc. */
  sampleRss(): Promise<ProcessRss[]>;
  close(): Promise<void>;
}

export interface RawLaunchOptions {
  net: FakeNet;
  dist?: string;
  profileDir?: string;
}

export async function launchRawChromium(options: RawLaunchOptions): Promise<RawChromium> {
  const dist = options.dist ?? DEFAULT_DIST;
  assertE2ePrerequisites(dist);
  const ownsProfile = options.profileDir === undefined;
  const profileDir = options.profileDir ?? (await createProfileDir());
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profileDir}`,
      ...extensionArgs(dist, options.net),
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  // A failed spawn also emits 'error'; the missing pid below already reports it.
  child.on('error', () => {});
  const browserPid = child.pid;
  const removeProfile = () => (ownsProfile ? removeProfileDir(profileDir) : Promise.resolve());
  if (browserPid === undefined) {
    await removeProfile();
    throw new Error(`could not start ${CHROMIUM_PATH}`);
  }
  try {
    const cdp = await CdpConnection.connect(await devToolsUrl(profileDir, child));
    await cdp.send('Target.setDiscoverTargets', { discover: true });
    return new RawChromiumBrowser(browserPid, profileDir, cdp, removeProfile);
  } catch (error) {
    const tree = processTreeOrSelf(browserPid);
    child.kill('SIGKILL');
    await waitForExit(tree);
    await removeProfile();
    throw error;
  }
}

function processTreeOrSelf(pid: number): number[] {
  const tree = processTree(pid).map((entry) => entry.pid);
  return tree.length > 0 ? tree : [pid];
}

/** Chromium writes the port it chose for --remote-debugging-port=0 into <profile>/DevToolsActivePort. */
async function devToolsUrl(profileDir: string, child: ChildProcess): Promise<string> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Chromium exited at startup with code ${child.exitCode}`);
    const content = await readFile(join(profileDir, 'DevToolsActivePort'), 'utf8').catch(() => '');
    const [port, path] = content.split('\n');
    if (port && path) return `ws://127.0.0.1:${port}${path}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Chromium did not open its DevTools port within ${STARTUP_TIMEOUT_MS} ms`);
}

class RawChromiumBrowser implements RawChromium {
  private closed = false;

  constructor(
    readonly pid: number,
    readonly profileDir: string,
    readonly cdp: CdpConnection,
    private readonly removeProfile: () => Promise<void>,
  ) {}

  async targets(): Promise<CdpTargetInfo[]> {
    return (await this.cdp.send<{ targetInfos: CdpTargetInfo[] }>('Target.getTargets')).targetInfos;
  }

  async serviceWorkerTarget(timeoutMs = STARTUP_TIMEOUT_MS): Promise<CdpTargetInfo> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const worker = (await this.targets()).find(
        (target) =>
          target.type === 'service_worker' &&
          target.url.startsWith(`chrome-extension://${EXPECTED_EXTENSION_ID}/`),
      );
      if (worker) return worker;
      if (Date.now() > deadline)
        throw new Error(`no service worker of ${EXPECTED_EXTENSION_ID} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async evaluateInServiceWorker(expression: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<unknown> {
    const { targetId } = await this.serviceWorkerTarget();
    const { sessionId } = await this.cdp.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    try {
      await this.evaluate(sessionId, UNTIL_ACTIVATED, timeoutMs);
      return await this.evaluate(sessionId, expression, timeoutMs);
    } finally {
      await this.cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    }
  }

  private async evaluate(sessionId: string, expression: string, timeoutMs: number): Promise<unknown> {
    const { result, exceptionDetails } = await this.cdp.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId, timeoutMs);
    if (exceptionDetails) {
      throw new Error(
        `in the service worker: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
      );
    }
    return result.value;
  }

  async sampleRss(): Promise<ProcessRss[]> {
    const samples = await Promise.all(
      processTree(this.pid).map(async (entry) => {
        const status = await readFile(`/proc/${entry.pid}/status`, 'utf8').catch(() => '');
        const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
        return kib === undefined ? undefined : { ...entry, rssBytes: Number(kib) * 1024 };
      }),
    );
    return samples.filter((sample) => sample !== undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const tree = processTreeOrSelf(this.pid);
    await this.cdp.send('Browser.close', {}, undefined, 5_000).catch(() => {});
    this.cdp.close();
    await waitForExit(tree, 5_000);
    await this.removeProfile();
  }
}
