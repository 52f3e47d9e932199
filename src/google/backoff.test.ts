import { describe, expect, it } from 'vitest';
import { RetryDelays } from './backoff.ts';

describe('RetryDelays', () => {
  it('waits at least 30 s after a 429, doubling while they continue, with up to 25 % jitter', () => {
    const lowest = new RetryDelays(() => 0);
    expect([lowest.afterRateLimit(), lowest.afterRateLimit(), lowest.afterRateLimit()]).toEqual([
      30_000, 60_000, 120_000,
    ]);
    const highest = new RetryDelays(() => 0.999_999);
    expect(highest.afterRateLimit()).toBe(37_500);
  });

  it('waits 1 s after a 5xx, doubling up to a minute', () => {
    const delays = new RetryDelays(() => 0);
    const waits = Array.from({ length: 8 }, () => delays.afterServerError());
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('starts again from the base after a success', () => {
    const delays = new RetryDelays(() => 0);
    delays.afterRateLimit();
    delays.afterServerError();
    delays.succeeded();
    expect(delays.afterRateLimit()).toBe(30_000);
    expect(delays.afterServerError()).toBe(1_000);
  });

  it("takes the server's hint when it is longer", () => {
    const delays = new RetryDelays(() => 0);
    expect(delays.afterRateLimit(90_000)).toBe(90_000);
    expect(delays.afterServerError(5_000)).toBe(5_000);
  });
});
