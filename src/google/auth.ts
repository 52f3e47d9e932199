/**
 * The Google access token's whole life: interactive sign-in, silent renewal shortly before expiry
 * or after a 401, the account it belongs to, and sign-out. The token lives in memory and in
 * Platform.session (chrome.storage.session), never on disk. launchWebAuthFlow's implicit flow gives
 * no refresh token, so renewal is another flow with `prompt=none` (google-photos-api.md §F5); when
 * that needs the person, MigrationError('google-signin-needed') pauses the job until one click on
 * "Sign in" calls `signIn()`.
 */
import type { Platform } from '../platform/platform.ts';
import type { Clock } from '../shared/clock.ts';
import { asNetworkError, MigrationError } from '../shared/errors.ts';
import type { FetchLike } from '../shared/fetch.ts';
import { RetryDelays } from './backoff.ts';
import { chooseClientId } from './client-id.ts';
import { classifyFailure } from './errors.ts';
import type { AccessTokens } from './http.ts';
import {
  authFlowFailure,
  buildAuthorizeUrl,
  createState,
  parseAuthorizeRedirect,
  requireScopes,
} from './oauth.ts';

export const TOKENINFO_URL = 'https://oauth2.googleapis.com/tokeninfo';
export const REVOKE_URL = 'https://oauth2.googleapis.com/revoke';

/** Platform.session key of the stored token. */
const SESSION_KEY = 'google.token';
/**
 * Platform.local key of who is signed in (never the token): storage.session is emptied when the
 * browser restarts, and a job must then go on with a silent renewal rather than wait for a click.
 */
const ACCOUNT_KEY = 'google.account';

export interface GoogleAccount {
  /** Stable per Google account: the engine keeps "items already done" per key. */
  accountKey: string;
  /**
   * Where the key came from. tokeninfo names the account (`sub`, `email`) only when the token carries
   * openid/email scopes (§F8), which this extension does not ask for; then the key is the OAuth
   * client's, which stands for one account as long as one person uses their own client.
   */
  accountKeySource: 'sub' | 'email' | 'client';
  email?: string;
}

interface StoredToken {
  accessToken: string;
  expiresAt: number;
  scopes: string[];
  clientId: string;
  account: GoogleAccount;
  /** Passed as `login_hint` on silent renewal so it cannot land on another signed-in account. */
  loginHint?: string;
}

/** What a silent renewal needs to know of the sign-in it renews; kept on disk under ACCOUNT_KEY. */
type Renewable = Pick<StoredToken, 'account' | 'loginHint'>;

export type SignInStatus =
  | { signedIn: false }
  | { signedIn: true; account: GoogleAccount; expiresAt: number; scopes: string[] };

export interface GoogleAuthDeps {
  fetch: FetchLike;
  clock: Clock;
  /** `local` (optional in tests) remembers the account across browser restarts. */
  platform: Pick<Platform, 'identity' | 'session'> & Partial<Pick<Platform, 'local'>>;
  /** The person's own client id from the settings, if any. */
  getClientId(): Promise<string | undefined>;
  /** The build's client id (`__DEFAULT_GOOGLE_CLIENT_ID__`), used when the person set none. */
  defaultClientId: string;
  /** Renew this long before the token expires. */
  renewBeforeMs: number;
  /** [0, 1) for back-off jitter after a tokeninfo 5xx. */
  random?: () => number;
}

interface TokenInfo {
  aud?: string;
  azp?: string;
  scope?: string;
  sub?: string;
  email?: string;
}

function signInNeeded(message: string): MigrationError {
  return new MigrationError('google-signin-needed', message);
}

function readTokenInfo(value: unknown): TokenInfo {
  if (typeof value !== 'object' || value === null) return {};
  const fields: TokenInfo = {};
  for (const key of ['aud', 'azp', 'scope', 'sub', 'email'] as const) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === 'string' && field) fields[key] = field;
  }
  return fields;
}

function accountOf(info: TokenInfo, clientId: string): GoogleAccount {
  if (info.sub) return { accountKey: `google-sub:${info.sub}`, accountKeySource: 'sub', email: info.email };
  if (info.email) {
    return {
      accountKey: `google-email:${info.email.toLowerCase()}`,
      accountKeySource: 'email',
      email: info.email,
    };
  }
  return { accountKey: `google-client:${clientId}`, accountKeySource: 'client' };
}

export class GoogleAuth implements AccessTokens {
  /** undefined: not read from Platform.session yet; null: signed out. */
  private token: StoredToken | null | undefined;
  private renewal: Promise<StoredToken> | undefined;
  /** tokeninfo is not a Photos call, so its 5xx back-off is kept apart. */
  private readonly tokenInfoDelays: RetryDelays;

  constructor(private readonly deps: GoogleAuthDeps) {
    this.tokenInfoDelays = new RetryDelays(deps.random);
    // The options page may sign in or out in its own context; follow it.
    deps.platform.session.watch<StoredToken>(SESSION_KEY, (value) => {
      this.token = value ?? null;
    });
  }

  /** The exact redirect URI to register on the OAuth client (options page). */
  redirectUrl(): string {
    return this.deps.platform.identity.redirectUrl();
  }

  /** Interactive sign-in; must start from a click (Chromium blocks it otherwise, §F1). */
  async signIn(): Promise<GoogleAccount> {
    const token = await this.authorize(true, undefined);
    return token.account;
  }

  async status(): Promise<SignInStatus> {
    const token = await this.load();
    if (!token) return { signedIn: false };
    return { signedIn: true, account: token.account, expiresAt: token.expiresAt, scopes: token.scopes };
  }

  async accountKey(): Promise<string> {
    const token = await this.load();
    if (!token) throw signInNeeded('Not signed in to Google');
    return token.account.accountKey;
  }

  async accessToken(): Promise<string> {
    const token = await this.load();
    if (!token) {
      // The browser restarted since the sign-in: renew silently, as before expiry (§F5).
      const remembered = await this.deps.platform.local?.get<Renewable>(ACCOUNT_KEY);
      if (!remembered) throw signInNeeded('Not signed in to Google');
      return (await this.renewSilently(remembered)).accessToken;
    }
    if (token.expiresAt - this.deps.clock.now() > this.deps.renewBeforeMs) return token.accessToken;
    return (await this.renewSilently(token)).accessToken;
  }

  async renewAfterRejection(rejected: string): Promise<string> {
    const token = await this.load();
    if (!token) throw signInNeeded('Not signed in to Google');
    // Another request may have renewed it already.
    if (token.accessToken !== rejected) return this.accessToken();
    try {
      return (await this.renewSilently(token)).accessToken;
    } catch (e) {
      // Google refused this token, so nothing can be done with it any more.
      await this.forget();
      throw e;
    }
  }

  /** Revokes the token at Google (best effort, `revoked` says whether it worked) and forgets it. */
  async signOut(): Promise<{ revoked: boolean }> {
    const token = await this.load();
    await this.forget();
    await this.deps.platform.local?.remove(ACCOUNT_KEY);
    if (!token) return { revoked: false };
    try {
      const response = await this.deps.fetch(REVOKE_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: token.accessToken }).toString(),
      });
      return { revoked: response.ok };
    } catch {
      return { revoked: false };
    }
  }

  private renewSilently(previous: Renewable): Promise<StoredToken> {
    this.renewal ??= this.authorize(false, previous).finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async authorize(interactive: boolean, previous: Renewable | undefined): Promise<StoredToken> {
    const { clock, platform } = this.deps;
    const clientId = chooseClientId(await this.deps.getClientId(), this.deps.defaultClientId);
    const state = createState();
    const url = buildAuthorizeUrl({
      clientId,
      redirectUri: platform.identity.redirectUrl(),
      state,
      interactive,
      loginHint: previous?.loginHint,
    });
    let redirected: string;
    try {
      redirected = await platform.identity.launchWebAuthFlow(url, interactive);
    } catch (e) {
      throw authFlowFailure(e);
    }
    const granted = parseAuthorizeRedirect(redirected, state, clock.now());
    const info = await this.tokenInfo(granted.accessToken, clientId);
    const scopes = granted.scopes ?? (info.scope ?? '').split(/\s+/).filter(Boolean);
    requireScopes(scopes);
    const account = accountOf(info, clientId);
    if (
      previous &&
      previous.account.accountKeySource !== 'client' &&
      previous.account.accountKey !== account.accountKey
    ) {
      throw signInNeeded('Silent Google sign-in answered for another account');
    }
    const token: StoredToken = {
      accessToken: granted.accessToken,
      expiresAt: granted.expiresAt,
      scopes,
      clientId,
      account,
      loginHint: info.sub ?? info.email,
    };
    this.token = token;
    await platform.session.set(SESSION_KEY, token);
    await platform.local?.set(ACCOUNT_KEY, { account, loginHint: token.loginHint } satisfies Renewable);
    return token;
  }

  /**
   * Who the token is for. A token from the implicit flow must be checked to be issued to this
   * client before it is trusted (a token substituted in the redirect would otherwise pass).
   */
  private async tokenInfo(accessToken: string, clientId: string): Promise<TokenInfo> {
    const url = `${TOKENINFO_URL}?${new URLSearchParams({ access_token: accessToken })}`;
    let response: Response;
    let body: string;
    try {
      response = await this.deps.fetch(url);
      body = await response.text();
    } catch (e) {
      throw asNetworkError(e);
    }
    if (!response.ok) {
      throw classifyFailure(
        {
          status: response.status,
          body,
          contentType: response.headers.get('content-type'),
          retryAfter: response.headers.get('retry-after'),
        },
        {
          operation: 'tokeninfo',
          scope: '',
          now: this.deps.clock.now(),
          delays: this.tokenInfoDelays,
          unrecognisedClientError: 'google-signin-needed',
        },
      );
    }
    let info: TokenInfo;
    try {
      info = readTokenInfo(JSON.parse(body));
    } catch {
      throw signInNeeded('Google tokeninfo did not answer with JSON');
    }
    if (info.aud !== clientId && info.azp !== clientId) {
      throw signInNeeded('The Google token was issued to another OAuth client');
    }
    return info;
  }

  private async load(): Promise<StoredToken | null> {
    if (this.token === undefined) {
      this.token = (await this.deps.platform.session.get<StoredToken>(SESSION_KEY)) ?? null;
    }
    return this.token;
  }

  private async forget(): Promise<void> {
    this.token = null;
    await this.deps.platform.session.remove(SESSION_KEY);
  }
}
