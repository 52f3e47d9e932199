import { describe, expect, it } from 'vitest';
import {
  authFlowFailure,
  buildAuthorizeUrl,
  createState,
  parseAuthorizeRedirect,
  REQUIRED_SCOPES,
  requireScopes,
  SCOPE_APPEND_ONLY,
  SCOPE_READ_APP_CREATED,
} from './oauth.ts';

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const NOW = 1_790_000_000_000;

function redirect(params: Record<string, string>): string {
  return `${REDIRECT}#${new URLSearchParams(params)}`;
}

describe('buildAuthorizeUrl', () => {
  const base = { clientId: '123-abc.apps.googleusercontent.com', redirectUri: REDIRECT, state: 's-123' };

  it("asks Google's v2 endpoint for an implicit-flow token with both Photos scopes", () => {
    const url = new URL(buildAuthorizeUrl({ ...base, interactive: true }));
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: base.clientId,
      redirect_uri: REDIRECT,
      response_type: 'token',
      scope: `${SCOPE_APPEND_ONLY} ${SCOPE_READ_APP_CREATED} openid`,
      state: 's-123',
      include_granted_scopes: 'true',
      prompt: 'select_account',
    });
  });

  it('renews silently with prompt=none and the previous account as login hint', () => {
    const url = new URL(buildAuthorizeUrl({ ...base, interactive: false, loginHint: 'fake.user@gmail.com' }));
    expect(url.searchParams.get('prompt')).toBe('none');
    expect(url.searchParams.get('login_hint')).toBe('fake.user@gmail.com');
  });
});

describe('createState', () => {
  it('is 128 random bits, different each time', () => {
    const states = new Set(Array.from({ length: 20 }, createState));
    expect(states.size).toBe(20);
    for (const state of states) expect(state).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('parseAuthorizeRedirect', () => {
  const granted = {
    access_token: 'ya29.FAKE-access-2',
    token_type: 'Bearer',
    expires_in: '3599',
    scope: REQUIRED_SCOPES.join(' '),
    state: 's-123',
  };

  it('reads the token, its expiry and the granted scopes from the fragment', () => {
    expect(parseAuthorizeRedirect(redirect(granted), 's-123', NOW)).toEqual({
      accessToken: 'ya29.FAKE-access-2',
      expiresAt: NOW + 3_599_000,
      scopes: [...REQUIRED_SCOPES],
    });
  });

  it('leaves the scopes open when Google does not list them', () => {
    const { scope: _, ...withoutScope } = granted;
    expect(parseAuthorizeRedirect(redirect(withoutScope), 's-123', NOW).scopes).toBeUndefined();
  });

  it('refuses an answer whose state is not the one sent', () => {
    expect(() => parseAuthorizeRedirect(redirect({ ...granted, state: 'forged' }), 's-123', NOW)).toThrow(
      expect.objectContaining({
        kind: 'google-signin-needed',
        message: expect.stringMatching(/does not belong/),
      }),
    );
    const { state: _, ...withoutState } = granted;
    expect(() => parseAuthorizeRedirect(redirect(withoutState), 's-123', NOW)).toThrow(
      expect.objectContaining({ kind: 'google-signin-needed' }),
    );
  });

  it('checks the state before believing an error', () => {
    expect(() =>
      parseAuthorizeRedirect(redirect({ error: 'access_denied', state: 'other' }), 's-123', NOW),
    ).toThrow(expect.objectContaining({ kind: 'google-signin-needed' }));
  });

  it('maps access_denied to google-access-denied', () => {
    expect(() =>
      parseAuthorizeRedirect(redirect({ error: 'access_denied', state: 's-123' }), 's-123', NOW),
    ).toThrow(
      expect.objectContaining({ kind: 'google-access-denied', details: { serverMessage: 'access_denied' } }),
    );
  });

  it.each(['interaction_required', 'login_required', 'consent_required'])(
    'maps the silent-renewal failure %s to google-signin-needed',
    (error) => {
      expect(() => parseAuthorizeRedirect(redirect({ error, state: 's-123' }), 's-123', NOW)).toThrow(
        expect.objectContaining({ kind: 'google-signin-needed', details: { serverMessage: error } }),
      );
    },
  );

  it('keeps the description of other OAuth errors', () => {
    const answer = redirect({ error: 'invalid_request', error_description: 'Missing scope', state: 's-123' });
    expect(() => parseAuthorizeRedirect(answer, 's-123', NOW)).toThrow(
      expect.objectContaining({
        kind: 'google-signin-needed',
        details: { serverMessage: 'invalid_request: Missing scope' },
      }),
    );
  });

  it('reads an error sent in the query string as well', () => {
    const answer = `${REDIRECT}?error=access_denied&state=s-123`;
    expect(() => parseAuthorizeRedirect(answer, 's-123', NOW)).toThrow(
      expect.objectContaining({ kind: 'google-access-denied' }),
    );
  });

  it('refuses an answer without a usable token', () => {
    const { access_token: _, ...withoutToken } = granted;
    expect(() => parseAuthorizeRedirect(redirect(withoutToken), 's-123', NOW)).toThrow(
      expect.objectContaining({ kind: 'google-signin-needed' }),
    );
    expect(() => parseAuthorizeRedirect(redirect({ ...granted, expires_in: 'soon' }), 's-123', NOW)).toThrow(
      expect.objectContaining({ kind: 'google-signin-needed' }),
    );
  });
});

describe('requireScopes', () => {
  it('accepts both Photos scopes among others', () => {
    expect(() => requireScopes(['openid', ...REQUIRED_SCOPES])).not.toThrow();
  });

  it('names each scope the person unticked', () => {
    expect(() => requireScopes([SCOPE_APPEND_ONLY])).toThrow(
      expect.objectContaining({
        kind: 'google-scope-missing',
        details: { scopes: [SCOPE_READ_APP_CREATED] },
      }),
    );
    expect(() => requireScopes([])).toThrow(
      expect.objectContaining({ kind: 'google-scope-missing', details: { scopes: [...REQUIRED_SCOPES] } }),
    );
  });
});

describe('authFlowFailure', () => {
  it('tells a closed window from a silent flow that needs the person, keeping the browser message', () => {
    const closed = authFlowFailure(new Error('The user did not approve access.'));
    expect(closed.kind).toBe('google-signin-needed');
    expect(closed.message).toMatch(/window was closed/);
    expect(closed.details.serverMessage).toBe('The user did not approve access.');

    const silent = authFlowFailure(new Error('User interaction required.'));
    expect(silent.kind).toBe('google-signin-needed');
    expect(silent.message).not.toMatch(/window was closed/);
    expect(silent.details.serverMessage).toBe('User interaction required.');
  });
});
