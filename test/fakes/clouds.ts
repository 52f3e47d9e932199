/**
 * Both clouds on one fake network: what a contract test, an E2E test or a benchmark starts.
 *
 * ```ts
 * const clouds = await startFakeClouds({ library: presetSmall(), shaping: { latencyMs: 40 } });
 * const fetch = createNodeFetch(clouds.net);             // or launchBrowser({ net: clouds.net })
 * fetch.cookies.add(clouds.xiaomi.sessionCookies());
 * clouds.net.shaping.uploadBytesPerSec = 12.5e6;          // 100 Mbit/s up, from now on
 * await clouds.close();
 * ```
 */
import { FakeClock } from './clock.ts';
import { createFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from './google/index.ts';
import type { Library } from './library/library.ts';
import { type FakeNet, type Shaping, startFakeNet } from './net/index.ts';
import { createFakeXiaomi, type FakeXiaomi, type FakeXiaomiOptions } from './xiaomi/index.ts';

export interface FakeCloudsOptions {
  /** What the Xiaomi account holds. */
  library: Library;
  xiaomi?: Omit<FakeXiaomiOptions, 'library' | 'clock'>;
  google?: Omit<FakeGoogleOptions, 'clock'>;
  shaping?: Partial<Shaping>;
  /** The one clock both clouds read (token lifetimes, signed URLs, quota days). Default: a new FakeClock. */
  clock?: FakeClock;
}

export interface FakeClouds {
  readonly xiaomi: FakeXiaomi;
  readonly google: FakeGoogle;
  readonly net: FakeNet;
  readonly clock: FakeClock;
  close(): Promise<void>;
}

export async function startFakeClouds(options: FakeCloudsOptions): Promise<FakeClouds> {
  const clock = options.clock ?? new FakeClock();
  const xiaomi = createFakeXiaomi({ ...options.xiaomi, library: options.library, clock });
  const google = createFakeGoogle({ ...options.google, clock });
  const net = await startFakeNet([...xiaomi.services, ...google.services], { shaping: options.shaping });
  return { xiaomi, google, net, clock, close: () => net.close() };
}
