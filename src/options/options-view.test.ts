import { describe, expect, it } from 'vitest';
import { checkClientId, parseConcurrency, redirectUrlFor } from './options-view.ts';

describe('the client id field', () => {
  it('accepts a Google OAuth client id, trimmed', () => {
    expect(checkClientId('  123456789012-abc123def.apps.googleusercontent.com\n')).toEqual({
      ok: true,
      clientId: '123456789012-abc123def.apps.googleusercontent.com',
    });
  });

  it('accepts an empty field: the built-in id is used', () => {
    expect(checkClientId('   ')).toEqual({ ok: true, clientId: '' });
  });

  it.each([
    'GOCSPX-abcdefghijklmnopqrstuvwxyz12',
    '123456789012-ABC.apps.googleusercontent.com',
    'abc-123.apps.googleusercontent.com',
    '123456789012-abc.apps.googleusercontent.com.evil.example',
    '123456789012.apps.googleusercontent.com',
  ])('refuses %s', (input) => {
    expect(checkClientId(input)).toEqual({ ok: false });
  });
});

describe('the redirect URL to register', () => {
  it('is the background’s when it has one', () => {
    expect(
      redirectUrlFor(
        { state: 'signed-out', clientId: 'x', redirectUrl: 'https://abc.chromiumapp.org/' },
        'other',
      ),
    ).toBe('https://abc.chromiumapp.org/');
  });

  it('is derived from the extension id before any client id is set', () => {
    expect(redirectUrlFor({ state: 'no-client-id' }, 'mnopqrstuvwxyzabcdefghijklmnopqr')).toBe(
      'https://mnopqrstuvwxyzabcdefghijklmnopqr.chromiumapp.org/',
    );
  });
});

describe('transfers at the same time', () => {
  it('takes whole numbers from 1 to 12', () => {
    expect(parseConcurrency('1')).toBe(1);
    expect(parseConcurrency(' 12 ')).toBe(12);
  });

  it.each(['0', '13', '2.5', '', 'six', '-3'])('refuses %j', (input) => {
    expect(parseConcurrency(input)).toBeUndefined();
  });
});
