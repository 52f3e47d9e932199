import { describe, expect, it } from 'vitest';
import { REQUESTED_SCOPES } from '../../src/google/oauth.ts';
import { PHOTOS_SCOPES } from '../fakes/google/index.ts';
import { type Harness, harnessPerTest, REDIRECT_URL } from './google-harness.ts';

const start = harnessPerTest({ signIn: false });

function authorizeRequests(h: Harness) {
  return h.fake.state.oauthRequests.filter((r) => r.kind === 'authorize');
}

describe('sign-in against the fake Google', () => {
  it('gets a token for both Photos scopes at the exact redirect URL, and checks it with tokeninfo', async () => {
    const h = await start();
    const account = await h.google.auth.signIn();

    const [authorize] = authorizeRequests(h);
    expect(authorize?.params).toMatchObject({
      client_id: h.fake.config.defaultClientId,
      redirect_uri: REDIRECT_URL,
      response_type: 'token',
      scope: REQUESTED_SCOPES.join(' '),
    });
    expect(authorize?.params.state).toMatch(/^[0-9a-f]{32}$/);
    expect(authorize?.outcome).toBe('granted');
    expect(h.fake.state.oauthRequests.map((r) => r.kind)).toEqual(['authorize', 'tokeninfo']);
    // openid makes tokeninfo name the account, so the ledger of moved items is per Google account.
    expect(account.accountKeySource).toBe('sub');
    expect(account.accountKey).toMatch(/^google-sub:.+/);
    const stored = h.session.values.get('google.token') as { accessToken: string };
    expect(h.fake.state.accessTokens.get(stored.accessToken)?.scopes).toEqual([...REQUESTED_SCOPES]);
  });

  it('signs in through a consent page when the person allows', async () => {
    const h = await start({ person: () => 'allow' });
    h.fake.setAuthorizeBehaviour({ outcome: 'consent-page' });
    await h.google.auth.signIn();
    expect(h.fake.state.oauthRequests.map((r) => r.outcome)).toEqual(['consent-page', 'granted', '200']);
  });

  it('reports a cancelled consent as access denied and a closed window as sign-in needed', async () => {
    const cancelling = await start({ person: () => 'cancel' });
    cancelling.fake.setAuthorizeBehaviour({ outcome: 'consent-page' });
    await expect(cancelling.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-access-denied' });
    await cancelling.close();

    const closing = await start({ person: () => 'close' });
    closing.fake.setAuthorizeBehaviour({ outcome: 'consent-page' });
    await expect(closing.google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-signin-needed',
      details: { serverMessage: 'The user did not approve access.' },
    });
  });

  it('reports a refusal as access denied', async () => {
    const h = await start();
    h.fake.setAuthorizeBehaviour({ outcome: 'deny' });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-access-denied' });
    expect(await h.google.auth.status()).toEqual({ signedIn: false });
  });

  it('refuses an answer with a foreign or missing state', async () => {
    const h = await start();
    h.fake.authorizeNextWith({ outcome: 'grant', stateEcho: 'wrong' });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    h.fake.authorizeNextWith({ outcome: 'grant', stateEcho: 'missing' });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(await h.google.auth.status()).toEqual({ signedIn: false });
  });

  it('names the scope the person unticked', async () => {
    const h = await start();
    h.fake.authorizeNextWith({ outcome: 'grant', withholdScopes: [PHOTOS_SCOPES.readAppCreated] });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-scope-missing',
      details: { scopes: [PHOTOS_SCOPES.readAppCreated] },
    });
  });

  it('needs a client id before any window opens', async () => {
    const h = await start({ ownClientId: async () => undefined, options: { defaultClientId: '' } });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-client-id-missing' });
    expect(h.fake.state.oauthRequests).toHaveLength(0);
  });

  it("shows Google's refusal of an unregistered client as a sign-in the person could not finish", async () => {
    const h = await start({ fake: { oauthClients: {} }, person: () => 'close' });
    await expect(h.google.auth.signIn()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(authorizeRequests(h).map((r) => r.outcome)).toEqual(['invalid_client']);
  });
});

describe('token life against the fake Google', () => {
  it('renews silently with prompt=none 5 minutes before expiry, and not before', async () => {
    const h = await start({ signIn: true });
    await h.google.albums.listAppAlbums();
    expect(authorizeRequests(h)).toHaveLength(1);

    h.fake.clock.advance(3_599_000 - 4 * 60_000);
    await h.google.albums.listAppAlbums();
    const renewals = authorizeRequests(h).slice(1);
    expect(renewals.map((r) => [r.params.prompt, r.outcome])).toEqual([['none', 'granted']]);
    expect(h.fake.state.requestLog.filter((e) => e.service === 'photos').map((e) => e.status)).toEqual([
      200, 200,
    ]);
  });

  it('pauses with sign-in needed when silent renewal needs the person, and goes on after one sign-in', async () => {
    const h = await start({ signIn: true });
    h.fake.setAuthorizeBehaviour({ outcome: 'login_required' });
    h.fake.clock.advance(3_600_000);
    await expect(h.google.albums.listAppAlbums()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(h.photosRequests()).toBe(0);

    h.fake.setAuthorizeBehaviour({ outcome: 'grant' });
    await h.google.auth.signIn();
    await expect(h.google.albums.listAppAlbums()).resolves.toEqual([]);
  });

  it('renews once after a revoked token and sends the request again', async () => {
    const h = await start({ signIn: true });
    h.fake.revokeAll();
    await expect(h.google.albums.listAppAlbums()).resolves.toEqual([]);
    expect(h.fake.state.requestLog.filter((e) => e.service === 'photos').map((e) => e.status)).toEqual([
      401, 200,
    ]);
  });

  it('signs out by revoking the token at Google and forgetting it', async () => {
    const h = await start({ signIn: true });
    const { accessToken } = h.session.values.get('google.token') as { accessToken: string };
    expect(await h.google.auth.signOut()).toEqual({ revoked: true });
    expect(h.fake.state.accessTokens.get(accessToken)?.revoked).toBe(true);
    expect(h.session.values.size).toBe(0);
    await expect(h.google.albums.listAppAlbums()).rejects.toMatchObject({ kind: 'google-signin-needed' });
  });

  it('test sign-in signs in and spends one Photos request', async () => {
    const h = await start();
    const result = await h.google.testSignIn();
    expect(result.redirectUrl).toBe(REDIRECT_URL);
    expect(h.fake.state.requestCounts.byEndpoint).toEqual({ 'albums:list': 1 });
  });
});
