import { beforeEach, describe, expect, it } from 'vitest';
import { PHOTOS_SCOPES } from './index.ts';
import { getJson, serveFakeGoogle } from './test-servers.ts';

const CLIENT_ID = '123456789012-abcdefghijklmnop.apps.googleusercontent.com';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
const APPEND = PHOTOS_SCOPES.appendOnly;
const READ = PHOTOS_SCOPES.readAppCreated;

const { google, clock, servers } = serveFakeGoogle();

beforeEach(() => {
  google.setAuthorizeBehaviour({ outcome: 'grant' });
  google.configure({ oauthClients: undefined });
});

function authorizePath(params: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    response_type: 'token',
    scope: `${APPEND} ${READ}`,
    state: 's-123',
    ...params,
  });
  return `/o/oauth2/v2/auth?${query}`;
}

function authorize(params: Record<string, string> = {}) {
  return servers.oauth('accounts.google.com', { path: authorizePath(params) });
}

/** The fields of the redirect's fragment, in order. */
function fragmentOf(location: string | undefined): [string, string][] {
  expect(location).toBeDefined();
  const url = new URL(location!);
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
  return [...new URLSearchParams(url.hash.slice(1))];
}

function tokenInfo(token: string) {
  return servers.oauth('oauth2.googleapis.com', {
    path: `/tokeninfo?access_token=${encodeURIComponent(token)}`,
  });
}

function revoke(token: string) {
  return servers.oauth('oauth2.googleapis.com', {
    method: 'POST',
    path: '/revoke',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(token)}`,
  });
}

describe('authorize: redirects', () => {
  it('grants the requested scopes with the fragment of §I7, and the token works', async () => {
    const response = await authorize();
    expect(response.status).toBe(302);
    const location = response.headers.location!;
    expect(location).toMatch(
      /#access_token=ya29\.FAKE-[\w-]+&token_type=Bearer&expires_in=3599&scope=https%3A%2F%2F/,
    );
    const fields = fragmentOf(location);
    expect(fields.map(([key]) => key)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'scope',
      'state',
    ]);
    const values = Object.fromEntries(fields);
    expect(values.scope).toBe(`${APPEND} ${READ}`);
    expect(values.state).toBe('s-123');
    const albums = await getJson(servers, values.access_token!, '/v1/albums');
    expect(albums.status).toBe(200);
  });

  it('grants a subset when the user unticks a scope, and that token cannot upload', async () => {
    google.authorizeNextWith({ outcome: 'grant', withholdScopes: [APPEND] });
    const values = Object.fromEntries(fragmentOf((await authorize()).headers.location));
    expect(values.scope).toBe(READ);
    const upload = await servers.photos.request({
      method: 'POST',
      path: '/v1/uploads',
      headers: { authorization: `Bearer ${values.access_token}`, 'x-goog-upload-protocol': 'raw' },
      body: Buffer.from('bytes'),
    });
    expect(upload.status).toBe(401);
    expect(upload.json()).toEqual({ code: 16, message: 'Authentication session is not defined.' });
  });

  it('answers access_denied, and the silent errors for prompt=none, with the state', async () => {
    google.authorizeNextWith({ outcome: 'deny' });
    expect(fragmentOf((await authorize()).headers.location)).toEqual([
      ['error', 'access_denied'],
      ['state', 's-123'],
    ]);
    for (const outcome of ['interaction_required', 'login_required', 'consent_required'] as const) {
      google.authorizeNextWith({ outcome });
      const response = await authorize({ prompt: 'none' });
      expect(fragmentOf(response.headers.location)).toEqual([
        ['error', outcome],
        ['state', 's-123'],
      ]);
    }
  });

  it('uses a queued behaviour once, then the standing one again', async () => {
    google.authorizeNextWith({ outcome: 'deny' });
    expect(Object.fromEntries(fragmentOf((await authorize()).headers.location)).error).toBe('access_denied');
    expect(Object.fromEntries(fragmentOf((await authorize()).headers.location)).access_token).toMatch(
      /^ya29\.FAKE-/,
    );
  });

  it('returns a wrong or no state when told to, for the client state check', async () => {
    google.authorizeNextWith({ outcome: 'grant', stateEcho: 'wrong' });
    const wrong = Object.fromEntries(fragmentOf((await authorize()).headers.location));
    expect(wrong.state).toBeDefined();
    expect(wrong.state).not.toBe('s-123');
    google.authorizeNextWith({ outcome: 'grant', stateEcho: 'missing' });
    expect(Object.keys(Object.fromEntries(fragmentOf((await authorize()).headers.location)))).not.toContain(
      'state',
    );
  });

  it('adds earlier grants with include_granted_scopes=true', async () => {
    await authorize({ scope: APPEND });
    const values = Object.fromEntries(
      fragmentOf((await authorize({ scope: READ, include_granted_scopes: 'true' })).headers.location),
    );
    expect(values.scope?.split(' ').sort()).toEqual([APPEND, READ].sort());
  });

  it('records each authorize request with its state and prompt', async () => {
    const before = google.state.oauthRequests.length;
    await authorize({ prompt: 'consent', state: 'abc', login_hint: 'fake.user@gmail.com' });
    const record = google.state.oauthRequests[before]!;
    expect(record).toMatchObject({
      kind: 'authorize',
      outcome: 'granted',
      params: { state: 'abc', prompt: 'consent', login_hint: 'fake.user@gmail.com', client_id: CLIENT_ID },
    });
  });
});

describe('authorize: pages that do not redirect', () => {
  it('shows a consent page whose Allow link leads to the token redirect', async () => {
    google.authorizeNextWith({ outcome: 'consent-page' });
    const page = await authorize();
    expect(page.status).toBe(200);
    expect(page.headers.location).toBeUndefined();
    const allow = /id="allow" href="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    expect(allow).toBeDefined();
    const decision = await servers.oauth('accounts.google.com', { path: allow! });
    expect(decision.status).toBe(302);
    expect(Object.fromEntries(fragmentOf(decision.headers.location)).access_token).toMatch(/^ya29\.FAKE-/);
  });

  it('sends Cancel on the consent page to access_denied', async () => {
    google.authorizeNextWith({ outcome: 'consent-page' });
    const page = await authorize();
    const cancel = /id="cancel" href="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    const decision = await servers.oauth('accounts.google.com', { path: cancel! });
    expect(fragmentOf(decision.headers.location)[0]).toEqual(['error', 'access_denied']);
  });

  it('shows the consent page rather than a silent error when prompt is not none', async () => {
    google.authorizeNextWith({ outcome: 'consent_required' });
    const page = await authorize({ prompt: 'consent' });
    expect(page.status).toBe(200);
    expect(page.headers.location).toBeUndefined();
  });

  it('refuses an unregistered redirect_uri with a 400 page and no redirect', async () => {
    const response = await authorize({ redirect_uri: 'https://evil.example.com/' });
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('redirect_uri_mismatch');
  });

  it('checks redirect URIs exactly when clients are registered', async () => {
    google.configure({
      oauthClients: { [CLIENT_ID]: { redirectUris: ['https://registered.chromiumapp.org/'] } },
    });
    expect((await authorize()).text).toContain('redirect_uri_mismatch');
    const ok = await authorize({ redirect_uri: 'https://registered.chromiumapp.org/' });
    expect(ok.status).toBe(302);
    const otherClient = await authorize({
      client_id: '999-unregistered.apps.googleusercontent.com',
      redirect_uri: 'https://registered.chromiumapp.org/',
    });
    expect(otherClient.status).toBe(401);
  });

  it('refuses a malformed client id with invalid_client', async () => {
    const response = await authorize({ client_id: 'not-a-client-id' });
    expect(response.status).toBe(401);
    expect(response.text).toContain('invalid_client');
  });

  it("answers Chromium's own ListAccounts probe with 404", async () => {
    const response = await servers.oauth('accounts.google.com', {
      path: '/ListAccounts?gpsia=1&source=ChromiumBrowser&json=standard',
    });
    expect(response.status).toBe(404);
  });
});

describe('tokeninfo and revoke', () => {
  it('describes a token with string-typed fields on the fake clock', async () => {
    const token = google.issueAccessToken({ clientId: CLIENT_ID, scopes: [APPEND] });
    clock.advance(100_000);
    const info = await tokenInfo(token);
    expect(info.status).toBe(200);
    const body = info.json();
    const record = google.state.accessTokens.get(token)!;
    expect(body).toEqual({
      azp: CLIENT_ID,
      aud: CLIENT_ID,
      scope: APPEND,
      exp: String(Math.floor(record.expiresAt / 1000)),
      expires_in: expect.stringMatching(/^\d+$/),
      access_type: 'online',
    });
    // The fake clock runs on with real time, so only bound the remaining lifetime.
    expect(Number(body.expires_in)).toBeLessThanOrEqual(3499);
    expect(Number(body.expires_in)).toBeGreaterThan(3400);
  });

  it('adds sub and email only for the identity scopes', async () => {
    const token = google.issueAccessToken({ scopes: [APPEND, 'openid', 'email'] });
    expect((await tokenInfo(token)).json()).toMatchObject({
      sub: google.config.user.sub,
      email: google.config.user.email,
      email_verified: 'true',
    });
  });

  it('rejects unknown and expired tokens with the invalid_token body', async () => {
    const expected = { error: 'invalid_token', error_description: 'Invalid Value' };
    const unknown = await tokenInfo('ya29.FAKE-nothing');
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual(expected);
    const token = google.issueAccessToken();
    clock.advance(3599_000);
    const expired = await tokenInfo(token);
    expect(expired.status).toBe(400);
    expect(expired.json()).toEqual(expected);
  });

  it('revokes the whole grant; a second revoke is refused', async () => {
    const client = '555000111222-revoketest.apps.googleusercontent.com';
    const first = google.issueAccessToken({ clientId: client });
    const sibling = google.issueAccessToken({ clientId: client });
    const bystander = google.issueAccessToken();
    const revoked = await revoke(first);
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toEqual({});
    expect((await tokenInfo(sibling)).status).toBe(400);
    expect((await tokenInfo(bystander)).status).toBe(200);
    const again = await revoke(first);
    expect(again.status).toBe(400);
    expect(again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  it('expireAllTokens and revokeAll make the Photos API answer 401 UNAUTHENTICATED', async () => {
    const expiring = google.issueAccessToken();
    google.expireAllTokens();
    const fresh = google.issueAccessToken();
    const expired = await getJson(servers, expiring, '/v1/albums');
    expect(expired.status).toBe(401);
    expect(expired.json().error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(expired.json().error.message).toMatch(/^Request had invalid authentication credentials\./);
    expect((await getJson(servers, fresh, '/v1/albums')).status).toBe(200);
    google.revokeAll();
    expect((await getJson(servers, fresh, '/v1/albums')).status).toBe(401);
  });
});
