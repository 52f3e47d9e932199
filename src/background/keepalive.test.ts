import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeepAlive } from './keepalive.ts';

describe('keep-alive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings while anyone holds it, and stops when the last holder lets go', async () => {
    const ping = vi.fn(async () => undefined);
    const keepAlive = createKeepAlive(ping, 20_000);
    const releaseA = keepAlive.hold();
    const releaseB = keepAlive.hold();
    await vi.advanceTimersByTimeAsync(41_000);
    expect(ping).toHaveBeenCalledTimes(2);
    releaseA();
    releaseA();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ping).toHaveBeenCalledTimes(3);
    releaseB();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ping).toHaveBeenCalledTimes(3);
    expect(keepAlive.active).toBe(false);
  });
});
