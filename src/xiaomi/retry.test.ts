import { describe, expect, it } from 'vitest';
import { MigrationError } from '../shared/errors.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryContext, withRetry } from './retry.ts';
import { instantClock } from './test-support.ts';

const policy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 5_000 };

function context(random = () => 0.5) {
  const clock = instantClock();
  const retry: RetryContext = { clock, random, policy };
  return { clock, retry };
}

/** A step that fails with `errors` in turn, then answers 'done'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const step = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { step, calls: () => calls };
}

describe('backoffDelay', () => {
  it('doubles per attempt up to the cap, with jitter within the upper half of each step', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 2_500]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999_999))).toEqual(
      [1_000, 2_000, 4_000, 5_000].map((v) => expect.closeTo(v, 0)),
    );
  });

  it('follows the 2 s / 4 s / 8 s scale of A′ by default', () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, DEFAULT_RETRY_POLICY, () => 1))).toEqual([
      2_000, 4_000, 8_000,
    ]);
  });
});

describe('withRetry', () => {
  it('retries transient errors with growing waits until the step succeeds', async () => {
    const { clock, retry } = context();
    const { step, calls } = failing(
      new MigrationError('network-error', 'reset'),
      new MigrationError('xiaomi-server-error', '502'),
      new MigrationError('xiaomi-malformed-response', 'html'),
    );
    await expect(withRetry(retry, step)).resolves.toBe('done');
    expect(calls()).toBe(4);
    expect(clock.sleeps).toEqual([750, 1_500, 3_000]);
  });

  it('gives up after the policy’s attempts with the last error', async () => {
    const { clock, retry } = context();
    const last = new MigrationError('xiaomi-malformed-response', 'still html');
    const { step, calls } = failing(new MigrationError('network-error', 'a'), ...Array(3).fill(last));
    await expect(withRetry(retry, step)).rejects.toBe(last);
    expect(calls()).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it.each([
    ['a lost session', new MigrationError('xiaomi-logged-out', '401')],
    ['a deleted item', new MigrationError('xiaomi-item-deleted', '50050')],
    ['a programming error', new TypeError('bug')],
  ])('does not retry %s', async (_, error) => {
    const { clock, retry } = context();
    const { step, calls } = failing(error);
    await expect(withRetry(retry, step)).rejects.toBe(error);
    expect(calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits at least the retry-after the error asks for', async () => {
    const { clock, retry } = context();
    const { step } = failing(new MigrationError('xiaomi-server-error', '429', { retryAfterMs: 30_000 }));
    await withRetry(retry, step);
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('stops retrying once aborted', async () => {
    const { retry } = context();
    const controller = new AbortController();
    const error = new MigrationError('network-error', 'reset');
    let calls = 0;
    const step = async () => {
      calls++;
      controller.abort();
      throw error;
    };
    await expect(withRetry(retry, step, controller.signal)).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
