/**
 * What both E2E drivers (Playwright in harness.ts, raw CDP in cdp.ts) share: where Chromium and the
 * built extension are, the flags that point the browser at the fakes, throwaway profiles, and finding
 * and ending the processes of one profile through /proc.
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeNet } from '../fakes/net/index.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** From the manifest's pinned `key`; the OAuth redirect URL https://<id>.chromiumapp.org/ depends on it. */
export const EXPECTED_EXTENSION_ID = 'egeekidlpiheekbjjfjphphljhkabnfk';

export const DEFAULT_DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/** Throws (so the E2E tier fails, never skips) when the browser or the build is missing. */
export function assertE2ePrerequisites(dist: string, chromiumPath = CHROMIUM_PATH): void {
  try {
    accessSync(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: run \`apt-get update && apt-get install -y chromium\``,
    );
  }
  if (!existsSync(join(dist, 'manifest.json'))) {
    throw new Error(`No built extension in ${dist}: run \`npx vite build\` first (npm run test:e2e does)`);
  }
}

/** Our flags (chromium-e2e.md "Working flags"); each driver adds its own headless/debugging flags. */
export function extensionArgs(dist: string, net: FakeNet): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-extensions-except=${dist}`,
    `--load-extension=${dist}`,
    `--host-resolver-rules=${net.hostResolverRules}`,
    `--ignore-certificate-errors-spki-list=${net.spkiHash}`,
  ];
}

/** Throwaway profiles still in use; if the test process exits first, their browsers and files go with it. */
const liveProfiles = new Set<string>();
process.once('exit', () => {
  // Only synchronous work is possible here: kill, wait by blocking, then delete.
  const doomed = [...liveProfiles].flatMap((profileDir) => {
    const browserPid = findBrowserPid(profileDir);
    return browserPid === undefined ? [] : processTree(browserPid).map((entry) => entry.pid);
  });
  for (const pid of doomed) killQuietly(pid);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 5_000;
  while (doomed.some(isAlive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  for (const profileDir of liveProfiles) rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
});

export async function createProfileDir(): Promise<string> {
  const profileDir = await mkdtemp(join(tmpdir(), 'mi2gp-profile-'));
  liveProfiles.add(profileDir);
  return profileDir;
}

export async function removeProfileDir(profileDir: string): Promise<void> {
  // Chromium's children can still be writing for a moment after the main process went away.
  await rm(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  liveProfiles.delete(profileDir);
}

/** Chromium's child processes rewrite their command line into one space-separated title, hence both separators. */
function readCmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/).filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The fields of /proc/<pid>/stat after the command name (which is in parentheses and may contain spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function livePids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** A zombie counts as gone: in a container nobody may ever reap re-parented renderers. */
export function isAlive(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** The browser (main) process of a profile: the one with `--user-data-dir=<dir>` and no `--type=`. */
export function findBrowserPid(profileDir: string): number | undefined {
  return livePids().find((pid) => {
    const args = readCmdline(pid) ?? [];
    return args.includes(`--user-data-dir=${profileDir}`) && !args.some((arg) => arg.startsWith('--type='));
  });
}

export interface ChromiumProcess {
  readonly pid: number;
  /** 'browser', 'renderer', 'extension-renderer', 'zygote', 'gpu-process', 'utility:<service>'… */
  readonly kind: string;
}

/** A process and all its descendants, with what each one is. */
export function processTree(rootPid: number): ChromiumProcess[] {
  const childrenOf = new Map<number, number[]>();
  for (const pid of livePids()) {
    const parent = Number(statFields(pid)?.[1]);
    if (!Number.isNaN(parent)) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), pid]);
  }
  const tree: ChromiumProcess[] = [];
  const visit = (pid: number) => {
    const args = readCmdline(pid);
    if (args === undefined) return;
    tree.push({ pid, kind: processKind(args) });
    for (const child of childrenOf.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return tree;
}

function processKind(args: readonly string[]): string {
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const type = flag('type');
  if (type === undefined) return 'browser';
  if (type === 'renderer' && args.includes('--extension-process')) return 'extension-renderer';
  const service = flag('utility-sub-type');
  return service === undefined ? type : `utility:${service}`;
}

/** SIGKILL, where the process may have ended on its own a moment ago. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: it is gone already, which is what we wanted.
  }
}

/** Resolves once none of `pids` is alive; SIGKILLs stragglers after `graceMs`. */
export async function waitForExit(pids: readonly number[], graceMs = 10_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) {
      for (const pid of pids.filter(isAlive)) killQuietly(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** SIGKILLs the browser process of a profile and waits until it and all its children are gone. */
export async function killProfileBrowser(profileDir: string): Promise<boolean> {
  const browserPid = findBrowserPid(profileDir);
  if (browserPid === undefined) return false;
  // Taken before the kill: once the parent is gone, the children are re-parented and cannot be found.
  const tree = processTree(browserPid).map((entry) => entry.pid);
  process.kill(browserPid, 'SIGKILL');
  await waitForExit(tree);
  return true;
}
