/**
 * The one retry loop of the Xiaomi module: a step that fails with a transient MigrationError
 * (scope 'retry': network error, 5xx, `retriable: true`, malformed page, expired signed link) is
 * run again after an exponentially growing, jittered wait on the injected clock. Anything else
 * (session lost, item deleted, abort) ends the loop at once. A′ retries `retriable` answers with
 * 2 s / 4 s / 8 s waits (xiaomi-api.md §3.1); the default policy follows that scale.
 */
import type { Clock } from '../shared/clock.ts';
import { isMigrationError } from '../shared/errors.ts';

export interface RetryPolicy {
  /** Runs of the step in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 };

export interface RetryContext {
  clock: Clock;
  /** A number in [0, 1); Math.random unless a test pins it. */
  random: () => number;
  policy: RetryPolicy;
}

/**
 * Wait before the retry that follows failed attempt number `failedAttempt` (1-based): "equal
 * jitter", i.e. half of the exponential step plus a random share of the other half, so waits
 * always grow while concurrent downloads do not retry in lockstep.
 */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return step / 2 + random() * (step / 2);
}

function isTransient(error: unknown): boolean {
  return isMigrationError(error) && error.scope === 'retry';
}

export async function withRetry<T>(
  context: RetryContext,
  step: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isTransient(error) || attempt >= context.policy.attempts || signal?.aborted) throw error;
      const requested = isMigrationError(error) ? (error.details.retryAfterMs ?? 0) : 0;
      await context.clock.sleep(
        Math.max(requested, backoffDelay(attempt, context.policy, context.random)),
        signal,
      );
    }
  }
}
