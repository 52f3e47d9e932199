import { describe, expect, it } from 'vitest';
import { createGooglePhotos } from './index.ts';
import { SCOPE_APPEND_ONLY, SCOPE_READ_APP_CREATED } from './oauth.ts';
import {
  CLIENT_ID,
  errorRedirect,
  grantedRedirect,
  json,
  memoryArea,
  REDIRECT_URL,
  START,
  sameBrowser,
  signedInGoogle,
  testGoogle,
  testIdentity,
  tokenInfo,
} from './test-support.ts';

const noPhotos = () => json(500, {});

describe('GoogleAuth sign-in', () => {
  it('signs in interactively at the redirect URL and keeps the token in session storage only', async () => {
    const { google, identity, session } = testGoogle(noPhotos);
    const account = await google.auth.signIn();

    expect(identity.calls).toHaveLength(1);
    expect(identity.calls[0]?.interactive).toBe(true);
    const url = new URL(identity.calls[0]?.url ?? '');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URL);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(account).toEqual({ accountKey: `google-client:${CLIENT_ID}`, accountKeySource: 'client' });
    expect(session.values.get('google.token')).toMatchObject({
      accessToken: 'ya29.token-1',
      expiresAt: START + 3_599_000,
    });
    expect(await google.auth.accessToken()).toBe('ya29.token-1');
  });

  it("names the account by tokeninfo's sub when Google gives it, and hints it on renewal", async () => {
    const { google, identity, clock } = testGoogle(noPhotos, {
      oauth: () => tokenInfo({ sub: '1048576', email: 'Someone@Gmail.com' }),
    });
    expect(await google.auth.signIn()).toEqual({
      accountKey: 'google-sub:1048576',
      accountKeySource: 'sub',
      email: 'Someone@Gmail.com',
    });
    clock.advance(3_599_000);
    await google.auth.accessToken();
    expect(new URL(identity.calls[1]?.url ?? '').searchParams.get('login_hint')).toBe('1048576');
  });

  it('falls back to the e-mail as account key', async () => {
    const { google } = testGoogle(noPhotos, { oauth: () => tokenInfo({ email: 'Someone@Gmail.com' }) });
    expect((await google.auth.signIn()).accountKey).toBe('google-email:someone@gmail.com');
  });

  it('refuses a token issued to another client', async () => {
    const other = '999-other.apps.googleusercontent.com';
    const { google, session } = testGoogle(noPhotos, { oauth: () => tokenInfo({ aud: other, azp: other }) });
    await expect(google.auth.signIn()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(session.values.size).toBe(0);
  });

  it('refuses a token when tokeninfo says it is invalid', async () => {
    const { google } = testGoogle(noPhotos, {
      oauth: () => json(400, { error: 'invalid_token', error_description: 'Invalid Value' }),
    });
    await expect(google.auth.signIn()).rejects.toMatchObject({ kind: 'google-signin-needed' });
  });

  it('names the scopes the person unticked, from the fragment or else from tokeninfo', async () => {
    const partial = testIdentity((call) => grantedRedirect(call.url, 'ya29.t', { scope: SCOPE_APPEND_ONLY }));
    await expect(testGoogle(noPhotos, { identity: partial }).google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-scope-missing',
      details: { scopes: [SCOPE_READ_APP_CREATED] },
    });

    const unlisted = testIdentity((call) => grantedRedirect(call.url, 'ya29.t', { scope: undefined }));
    const fromTokenInfo = testGoogle(noPhotos, {
      identity: unlisted,
      oauth: () => tokenInfo({ scope: SCOPE_READ_APP_CREATED }),
    });
    await expect(fromTokenInfo.google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-scope-missing',
      details: { scopes: [SCOPE_APPEND_ONLY] },
    });
  });

  it('maps a closed sign-in window and access_denied to clear outcomes', async () => {
    const closed = testIdentity(() => Promise.reject(new Error('The user did not approve access.')));
    await expect(testGoogle(noPhotos, { identity: closed }).google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-signin-needed',
      details: { serverMessage: 'The user did not approve access.' },
    });
    const denied = testIdentity((call) => errorRedirect(call.url, 'access_denied'));
    await expect(testGoogle(noPhotos, { identity: denied }).google.auth.signIn()).rejects.toMatchObject({
      kind: 'google-access-denied',
    });
  });

  it('needs a client id before opening any window', async () => {
    const test = testGoogle(noPhotos);
    const google = sameBrowser(test, async () => undefined);
    await expect(google.auth.signIn()).rejects.toMatchObject({ kind: 'google-client-id-missing' });
    expect(test.identity.calls).toHaveLength(0);
  });
});

describe('GoogleAuth token life', () => {
  it('is signed out until a sign-in', async () => {
    const { google } = testGoogle(noPhotos);
    expect(await google.auth.status()).toEqual({ signedIn: false });
    await expect(google.auth.accessToken()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    await expect(google.auth.accountKey()).rejects.toMatchObject({ kind: 'google-signin-needed' });
  });

  it('uses the token without any flow until 5 minutes before it expires, then renews silently', async () => {
    const { google, identity, clock } = await signedInGoogle(noPhotos);
    clock.advance(3_599_000 - 5 * 60_000 - 1);
    expect(await google.auth.accessToken()).toBe('ya29.token-1');
    expect(identity.calls).toHaveLength(1);

    clock.advance(2);
    expect(await google.auth.accessToken()).toBe('ya29.token-2');
    expect(identity.calls[1]?.interactive).toBe(false);
    expect(new URL(identity.calls[1]?.url ?? '').searchParams.get('prompt')).toBe('none');
  });

  it('renews once for many callers at the same time', async () => {
    const { google, identity, clock } = await signedInGoogle(noPhotos);
    clock.advance(3_600_000);
    const tokens = await Promise.all([
      google.auth.accessToken(),
      google.auth.accessToken(),
      google.auth.accessToken(),
    ]);
    expect(tokens).toEqual(['ya29.token-2', 'ya29.token-2', 'ya29.token-2']);
    expect(identity.calls).toHaveLength(2);
  });

  it('asks the person to sign in again when silent renewal fails', async () => {
    const identity = testIdentity((call, n) =>
      n === 1 ? grantedRedirect(call.url, 'ya29.first') : errorRedirect(call.url, 'interaction_required'),
    );
    const { google, clock } = await signedInGoogle(noPhotos, { identity });
    clock.advance(3_400_000);
    await expect(google.auth.accessToken()).rejects.toMatchObject({ kind: 'google-signin-needed' });
  });

  it('refuses a silent renewal that lands on another account', async () => {
    let sub = 'first';
    const { google, clock } = await signedInGoogle(noPhotos, { oauth: () => tokenInfo({ sub }) });
    sub = 'second';
    clock.advance(3_599_000);
    await expect(google.auth.accessToken()).rejects.toMatchObject({
      kind: 'google-signin-needed',
      message: expect.stringMatching(/another account/),
    });
    expect(await google.auth.accountKey()).toBe('google-sub:first');
  });

  it('after a rejected token, renews once; a failed renewal forgets the token', async () => {
    const identity = testIdentity((call, n) =>
      n === 1 ? grantedRedirect(call.url, 'ya29.first') : errorRedirect(call.url, 'login_required'),
    );
    const { google } = await signedInGoogle(noPhotos, { identity });
    await expect(google.auth.renewAfterRejection('ya29.first')).rejects.toMatchObject({
      kind: 'google-signin-needed',
    });
    expect(await google.auth.status()).toEqual({ signedIn: false });
  });

  it('after a rejected token that was already replaced, hands out the replacement without a flow', async () => {
    const { google, identity } = await signedInGoogle(noPhotos);
    expect(await google.auth.renewAfterRejection('ya29.older')).toBe('ya29.token-1');
    expect(identity.calls).toHaveLength(1);
  });

  it('picks the token up from session storage after a service-worker restart', async () => {
    const first = await signedInGoogle(noPhotos);
    const restarted = sameBrowser(first);
    expect(await restarted.auth.accessToken()).toBe('ya29.token-1');
    expect(first.identity.calls).toHaveLength(1);
  });

  it('after a browser restart emptied session storage, renews silently for the account kept on disk; not after sign-out', async () => {
    const { fetch, clock, identity } = testGoogle(noPhotos);
    const local = memoryArea();
    const browserRun = () =>
      createGooglePhotos({
        fetch,
        clock,
        platform: { identity: identity.identity, session: memoryArea(), local },
        getClientId: async () => CLIENT_ID,
      });
    await browserRun().auth.signIn();
    expect(JSON.stringify([...local.values.values()])).not.toContain('ya29');

    expect(await browserRun().auth.accessToken()).toBe('ya29.token-2');
    expect(identity.calls[1]?.interactive).toBe(false);

    await browserRun().auth.signOut();
    await expect(browserRun().auth.accessToken()).rejects.toMatchObject({ kind: 'google-signin-needed' });
    expect(identity.calls).toHaveLength(2);
  });

  it('follows a sign-in made in another extension context', async () => {
    const worker = testGoogle(noPhotos);
    expect(await worker.google.auth.status()).toEqual({ signedIn: false });
    const optionsPage = sameBrowser(worker);
    await optionsPage.auth.signIn();
    expect(await worker.google.auth.accessToken()).toBe('ya29.token-1');
  });
});

describe('GoogleAuth sign-out', () => {
  it('revokes the token with a form POST and forgets it', async () => {
    const { google, fetch, session } = await signedInGoogle(noPhotos);
    expect(await google.auth.signOut()).toEqual({ revoked: true });
    const revoke = fetch.requests.at(-1);
    expect(revoke?.url.toString()).toBe('https://oauth2.googleapis.com/revoke');
    expect(revoke?.method).toBe('POST');
    expect(revoke?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(revoke?.text()).toBe('token=ya29.token-1');
    expect(session.values.size).toBe(0);
    expect(await google.auth.status()).toEqual({ signedIn: false });
  });

  it('forgets the token even when Google does not confirm the revocation', async () => {
    const { google } = await signedInGoogle(noPhotos, {
      oauth: (request) =>
        request.url.pathname === '/tokeninfo' ? tokenInfo() : json(400, { error: 'invalid_token' }),
    });
    expect(await google.auth.signOut()).toEqual({ revoked: false });
    expect(await google.auth.status()).toEqual({ signedIn: false });
  });
});
