import { describe, expect, it } from 'vitest';
import { chooseClientId, isValidClientId } from './client-id.ts';

const OWN = '123456789012-abcdef0123456789.apps.googleusercontent.com';
const BUILT_IN = '999-builtin.apps.googleusercontent.com';

describe('isValidClientId', () => {
  it.each([OWN, ` ${OWN} `, '1-a.apps.googleusercontent.com'])('accepts %j', (id) => {
    expect(isValidClientId(id)).toBe(true);
  });

  it.each([
    '',
    'abcdef.apps.googleusercontent.com',
    '123-ABC.apps.googleusercontent.com',
    '123-abc.apps.googleusercontent.com.evil.example',
    '123-abc',
    'GOCSPX-secret',
  ])('rejects %j', (id) => {
    expect(isValidClientId(id)).toBe(false);
  });
});

describe('chooseClientId', () => {
  it("prefers the person's own id over the built-in one", () => {
    expect(chooseClientId(OWN, BUILT_IN)).toBe(OWN);
  });

  it('falls back to the built-in id when the person set none', () => {
    expect(chooseClientId(undefined, BUILT_IN)).toBe(BUILT_IN);
    expect(chooseClientId('  ', BUILT_IN)).toBe(BUILT_IN);
  });

  it('says the client id is missing when there is none, or when it is malformed', () => {
    expect(() => chooseClientId(undefined, '')).toThrow(
      expect.objectContaining({ kind: 'google-client-id-missing' }),
    );
    expect(() => chooseClientId('not-an-id', BUILT_IN)).toThrow(
      expect.objectContaining({ kind: 'google-client-id-missing' }),
    );
  });
});
