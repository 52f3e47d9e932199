/**
 * The Xiaomi source module (src/xiaomi) against the fake Xiaomi Cloud (test/fakes/xiaomi), mounted
 * on the fake network and reached through the Node fetch that behaves as the service worker's does.
 * The platform's cookies are the fetch's own jar, as `chrome.cookies` shows the profile's jar.
 */
import { afterEach } from 'vitest';
import type { BrowserCookie } from '../../src/platform/platform.ts';
import type { SourceItem } from '../../src/shared/model.ts';
import type { SessionPlatform } from '../../src/xiaomi/session.ts';
import { createXiaomiSource, type XiaomiSource } from '../../src/xiaomi/source.ts';
import { type InstantClock, instantClock, readAll } from '../../src/xiaomi/test-support.ts';
import { presetSmall } from '../fakes/library/index.ts';
import { type FakeNet, startFakeNet } from '../fakes/net/index.ts';
import { createFakeXiaomi, type FakeXiaomi, type FakeXiaomiOptions } from '../fakes/xiaomi/index.ts';
import type { CookieJar } from './support/cookie-jar.ts';
import { createNodeFetch, type NodeFetch } from './support/node-fetch.ts';

/** `chrome.cookies.getAll({ domain })` over a jar: domain cookies keep their leading dot. */
function jarCookies(jar: CookieJar, domain: string): BrowserCookie[] {
  return jar
    .all()
    .filter((c) => c.domain === domain || c.domain.endsWith(`.${domain}`))
    .map((c) => ({
      name: c.name,
      value: c.value,
      domain: c.hostOnly ? c.domain : `.${c.domain}`,
      path: c.path,
    }));
}

export interface XiaomiHarness {
  xiaomi: FakeXiaomi;
  net: FakeNet;
  fetch: NodeFetch;
  clock: InstantClock;
  /** Open tab URLs the platform reports; change them before a call. */
  tabs: string[];
  source: XiaomiSource;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<FakeXiaomiOptions> {
  /** Seed the browser with the fake's session cookies (default true). */
  signedIn?: boolean;
}

/** For a test file: a `start` that builds a harness and closes every harness it built after each test. */
export function xiaomiPerTest(): (options?: HarnessOptions) => Promise<XiaomiHarness> {
  const open: XiaomiHarness[] = [];
  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close();
  });
  return async (options = {}) => {
    const harness = await startXiaomi(options);
    open.push(harness);
    return harness;
  };
}

export async function startXiaomi({
  signedIn = true,
  ...options
}: HarnessOptions = {}): Promise<XiaomiHarness> {
  const xiaomi = createFakeXiaomi({ library: presetSmall(), ...options });
  const net = await startFakeNet(xiaomi.services);
  const fetch = createNodeFetch(net);
  if (signedIn) fetch.cookies.add(xiaomi.sessionCookies());
  const clock = instantClock();
  const tabs: string[] = [];
  const platform: SessionPlatform = {
    cookies: { getAll: async (domain) => jarCookies(fetch.cookies, domain) },
    tabs: { urlsMatching: async () => [...tabs], open: async () => {} },
  };
  const source = createXiaomiSource({ fetch, clock, platform, random: () => 0.5 });
  return { xiaomi, net, fetch, clock, tabs, source, close: () => net.close() };
}

/** The listing entry of a library item, as the source module lists it. */
export async function listedItem(source: XiaomiSource, albumId: string, id: string): Promise<SourceItem> {
  for await (const page of source.listAlbumItems(albumId)) {
    const item = page.items.find((i) => i.id === id);
    if (item) return item;
  }
  throw new Error(`item ${id} is not listed in album ${albumId}`);
}

/** Downloads a whole item and verifies it. */
export async function downloadVerified(source: XiaomiSource, item: SourceItem): Promise<Uint8Array> {
  const download = await source.openDownload(item);
  const bytes = await readAll(download.stream);
  download.verify();
  return bytes;
}
