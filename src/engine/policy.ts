/**
 * What happens to an item after an error, by kind: how often the step is tried again, and whether
 * the item then ends as `skipped` (a deliberate, explained outcome) or `failed` (retry later).
 */
import type { ErrorKind } from '../shared/errors.ts';
import { ERROR_KINDS } from '../shared/errors.ts';

/** Outcomes that are facts about the item, not faults: they count as deliberately skipped. */
const SKIP_KINDS: ReadonlySet<ErrorKind> = new Set([
  'xiaomi-item-deleted',
  'empty-file',
  'photo-too-large',
  'video-too-large',
  'google-rejected-media',
  'google-already-in-library',
]);

/** A mismatch may be corruption in transit, so it is tried again before the item fails (issue #3). */
const ITEM_RETRIES: Partial<Record<ErrorKind, number>> = { 'sha1-mismatch': 3 };

/** Transient errors on one item are tried this often before the item fails. */
export const TRANSIENT_RETRIES = 6;
/** Network errors on this many tries in a row mean the link is down: the whole job waits. */
export const NETWORK_DOWN_AFTER = 3;

export type ItemOutcome = { kind: 'retry' } | { kind: 'end'; state: 'skipped' | 'failed' } | { kind: 'job' };

export function outcomeFor(kind: ErrorKind, attempts: number): ItemOutcome {
  const scope = ERROR_KINDS[kind];
  if (scope === 'job') return { kind: 'job' };
  if (SKIP_KINDS.has(kind)) return { kind: 'end', state: 'skipped' };
  const retries = scope === 'retry' ? TRANSIENT_RETRIES : (ITEM_RETRIES[kind] ?? 0);
  return attempts < retries ? { kind: 'retry' } : { kind: 'end', state: 'failed' };
}

/** Exponential back-off with full jitter, from 1 s (google-photos-api.md §E5). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(60_000, 1000 * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
