/**
 * Fault injection for the Photos API: scripted one-off faults, random error rates from the seeded
 * PRNG, per-endpoint latency, cut uploads and per-item batchCreate failures.
 */

import type { Random } from '../random.ts';
import type { GoogleErrorName } from './google-errors.ts';
import type { BodyCut, CutMode } from './http.ts';
import type { FakeGoogleConfig } from './options.ts';

/**
 * Matches endpoint ids (see `EndpointId`): an exact id, a glob with `*` ('uploads:*'), or a RegExp.
 */
export type EndpointPattern = string | RegExp;

export type Fault =
  /** Answer with a catalogue error (§I5); on the uploads endpoint, in that endpoint's shape. */
  | { kind: 'error'; error: GoogleErrorName }
  /** Answer with Google's HTML error page instead of JSON. */
  | { kind: 'html'; status: number }
  /** Answer with any body at all: truncated JSON, plain text, an empty 200… */
  | { kind: 'raw'; status: number; contentType: string; body: string }
  /**
   * Drop the connection: before the request has any effect, after it took effect (a lost answer:
   * the items exist but the client never hears), or halfway through sending the answer.
   */
  | { kind: 'reset'; when: 'before-processing' | 'after-processing' | 'mid-response' }
  /** Hold the request this long (real time), then serve it normally. */
  | { kind: 'delay'; ms: number };

/** A per-item status to force on the next matching batchCreate item (§C7). */
export interface ItemFailure {
  code: number;
  message?: string;
  /** Only items with this (effective) file name; any item when absent. */
  fileName?: string | RegExp;
}

export const ITEM_FAILED_MESSAGE = 'Failed: There was an error while trying to create this media item.';

function matches(pattern: EndpointPattern, endpoint: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(endpoint);
  if (!pattern.includes('*')) return pattern === endpoint;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`).test(endpoint);
}

export class Faults {
  private scripted: { pattern: EndpointPattern; fault: Fault }[] = [];
  private rates: { pattern: EndpointPattern; rate: number; fault: Fault | undefined }[] = [];
  private latencies: { pattern: EndpointPattern; ms: number }[] = [];
  private itemFailures: ItemFailure[] = [];
  private cut: BodyCut | undefined;

  constructor(
    private readonly random: Random,
    private readonly config: FakeGoogleConfig,
  ) {}

  private transient(): Fault {
    return { kind: 'error', error: this.random() < 0.5 ? 'internal' : 'unavailable' };
  }

  failNext(pattern: EndpointPattern, fault: Fault): void {
    this.scripted.push({ pattern, fault });
  }

  /** From now on, fail this share (0–1) of matching requests; without a fault, a transient 500/503. */
  setErrorRate(pattern: EndpointPattern, rate: number, fault?: Fault): void {
    this.rates = this.rates.filter((rule) => String(rule.pattern) !== String(pattern));
    if (rate > 0) this.rates.push({ pattern, rate, fault });
  }

  setLatency(ms: number, pattern: EndpointPattern): void {
    this.latencies = this.latencies.filter((rule) => String(rule.pattern) !== String(pattern));
    if (ms > 0) this.latencies.push({ pattern, ms });
  }

  cutNextUpload(afterBytes: number, how: CutMode): void {
    this.cut = { afterBytes, how };
  }

  failNextItem(failure: ItemFailure): void {
    this.itemFailures.push(failure);
  }

  clear(): void {
    this.scripted = [];
    this.rates = [];
    this.latencies = [];
    this.itemFailures = [];
    this.cut = undefined;
  }

  /** The fault this request meets, if any: a scripted one first, then a random one. */
  take(endpoint: string): Fault | undefined {
    const index = this.scripted.findIndex((entry) => matches(entry.pattern, endpoint));
    if (index !== -1) return this.scripted.splice(index, 1)[0]!.fault;
    for (const rule of this.rates) {
      if (!matches(rule.pattern, endpoint) || this.random() >= rule.rate) continue;
      return rule.fault ?? this.transient();
    }
    if (this.config.transientErrorRate > 0 && this.random() < this.config.transientErrorRate) {
      return this.transient();
    }
    return undefined;
  }

  /** Extra latency for this endpoint: the largest matching rule. */
  latencyFor(endpoint: string): number {
    return Math.max(
      0,
      ...this.latencies.filter((rule) => matches(rule.pattern, endpoint)).map((rule) => rule.ms),
    );
  }

  takeCut(): BodyCut | undefined {
    const cut = this.cut;
    this.cut = undefined;
    return cut;
  }

  takeItemFailure(fileName: string): { code: number; message: string } | undefined {
    const index = this.itemFailures.findIndex(
      (failure) =>
        failure.fileName === undefined ||
        (failure.fileName instanceof RegExp
          ? failure.fileName.test(fileName)
          : failure.fileName === fileName),
    );
    if (index === -1) return undefined;
    const failure = this.itemFailures.splice(index, 1)[0]!;
    return { code: failure.code, message: failure.message ?? ITEM_FAILED_MESSAGE };
  }
}
