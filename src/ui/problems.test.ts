import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, type ErrorKind } from '../shared/errors.ts';
import { errorKey, fixKey } from './i18n.ts';
import { describeProblem } from './problems.ts';

const NOW = new Date(2026, 10, 26, 9, 0).getTime();

describe('a problem in words', () => {
  it('has words of its own for every kind', () => {
    for (const kind of Object.keys(ERROR_KINDS) as ErrorKind[]) {
      const words = describeProblem(kind, {}, NOW);
      expect(words.what).not.toBe(errorKey(kind));
      expect(words.next).not.toBe(fixKey(kind));
      expect(words.particulars).toEqual([]);
    }
  });

  it('says when a quota wait ends, in local time', () => {
    const resumeAt = new Date(2026, 10, 26, 16, 0).getTime();
    const words = describeProblem('google-quota-daily', { resumeAt }, NOW);
    expect(words.what).toContain('daily limit');
    expect(words.particulars.map((line) => line.replace(/\s/g, ' '))).toEqual([
      'Continues by itself at 4:00 PM.',
    ]);
  });

  it('says how much space is missing when storage is full', () => {
    const words = describeProblem('google-storage-full', { bytes: 3 * 1024 ** 3 }, NOW);
    expect(words.particulars).toEqual(['About 3 GB more is needed for the rest.']);
  });

  it('names missing scopes as the consent screen does, and keeps the server words', () => {
    const words = describeProblem(
      'google-scope-missing',
      {
        scopes: ['https://www.googleapis.com/auth/photoslibrary.appendonly'],
        serverMessage: 'insufficient scopes',
      },
      NOW,
    );
    expect(words.particulars).toEqual([
      'Missing permission: photoslibrary.appendonly',
      'Message from the server: insufficient scopes',
    ]);
  });

  it('words a pause by the person', () => {
    expect(describeProblem('user', {}, NOW).next).toContain('Resume');
  });
});
