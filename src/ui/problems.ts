/**
 * A problem kind (why the job waits, or why one item ended) as words: what happened, what to do
 * next, and the particulars the details carry (when it resumes, how much space is missing…).
 */
import type { ErrorDetails, ErrorKind } from '../shared/errors.ts';
import { formatBytes, formatSoon } from './format.ts';
import { errorKey, fixKey, t } from './i18n.ts';

export interface ProblemWords {
  what: string;
  next: string;
  particulars: string[];
}

/** Scope URLs are long; the last segment is what the consent screen shows next to its box. */
function scopeName(scope: string): string {
  return scope.split('/').pop() || scope;
}

export function describeProblem(kind: ErrorKind | 'user', details: ErrorDetails, now: number): ProblemWords {
  const particulars: string[] = [];
  if (details.resumeAt !== undefined) particulars.push(t('resumesAt', formatSoon(details.resumeAt, now)));
  if (kind === 'google-storage-full' && details.bytes !== undefined) {
    particulars.push(t('storageNeedsMore', formatBytes(details.bytes)));
  }
  if (details.scopes && details.scopes.length > 0) {
    particulars.push(t('scopesMissing', details.scopes.map(scopeName).join(', ')));
  }
  if (details.serverMessage) particulars.push(t('serverSaid', details.serverMessage));
  return { what: t(errorKey(kind)), next: t(fixKey(kind)), particulars };
}
