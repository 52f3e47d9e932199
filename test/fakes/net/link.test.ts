import { describe, expect, it } from 'vitest';
import { type LinkClock, LinkShaping, TokenBucket } from './link.ts';

/** A clock that only moves when a test says so, recording every wait the bucket asks for. */
function manualClock(): LinkClock & { nowMs: number; waits: number[] } {
  const clock = {
    nowMs: 1_000,
    waits: [] as number[],
    now: () => clock.nowMs,
    sleep: (ms: number) => {
      clock.waits.push(ms);
      return Promise.resolve();
    },
  };
  return clock;
}

describe('TokenBucket', () => {
  it('spaces bytes at the configured rate, serving callers in call order', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(() => 1_000, clock);

    bucket.take(500);
    bucket.take(500);
    bucket.take(1_000);

    // 10 ms of idle credit, then 0.5 s, 1 s and 2 s after the start for the three reservations.
    expect(clock.waits).toEqual([490, 990, 1_990]);
  });

  it('lets a link that has been idle send a small burst without waiting', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(() => 1_000, clock);
    bucket.take(100);
    clock.nowMs += 60_000;

    expect(bucket.take(5)).toBeUndefined();
    expect(clock.waits).toEqual([90]);
  });

  it('applies a rate change to the bytes reserved after it', () => {
    const clock = manualClock();
    let rate = 1_000;
    const bucket = new TokenBucket(() => rate, clock);
    bucket.take(1_000);
    rate = 10_000;
    bucket.take(1_000);

    expect(clock.waits).toEqual([990, 1_090]);
  });

  it('does not wait at all on an unshaped link', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(() => Number.POSITIVE_INFINITY, clock);

    expect(bucket.take(1e9)).toBeUndefined();
    expect(clock.waits).toEqual([]);
  });
});

describe('LinkShaping', () => {
  it('starts unshaped and takes initial values', () => {
    expect(describeShaping(new LinkShaping())).toEqual({
      latencyMs: 0,
      uploadBytesPerSec: Number.POSITIVE_INFINITY,
      downloadBytesPerSec: Number.POSITIVE_INFINITY,
    });
    expect(describeShaping(new LinkShaping({ latencyMs: 40, uploadBytesPerSec: 12.5e6 }))).toEqual({
      latencyMs: 40,
      uploadBytesPerSec: 12.5e6,
      downloadBytesPerSec: Number.POSITIVE_INFINITY,
    });
  });

  it('rejects settings that would stall the link or make no sense', () => {
    const shaping = new LinkShaping();
    expect(() => {
      shaping.uploadBytesPerSec = 0;
    }).toThrow(RangeError);
    expect(() => {
      shaping.downloadBytesPerSec = Number.NaN;
    }).toThrow(RangeError);
    expect(() => {
      shaping.latencyMs = -1;
    }).toThrow(RangeError);
    expect(describeShaping(shaping).uploadBytesPerSec).toBe(Number.POSITIVE_INFINITY);
  });
});

function describeShaping(shaping: LinkShaping) {
  const { latencyMs, uploadBytesPerSec, downloadBytesPerSec } = shaping;
  return { latencyMs, uploadBytesPerSec, downloadBytesPerSec };
}
