/**
 * The OAuth 2.0 implicit flow as launchWebAuthFlow runs it (google-photos-api.md §F4, §F5): the
 * authorization URL going out, and the redirect URL coming back with the token or an error in its
 * fragment. Pure functions; the token's life is in auth.ts.
 */
import { MigrationError } from '../shared/errors.ts';

export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

export const SCOPE_APPEND_ONLY = 'https://www.googleapis.com/auth/photoslibrary.appendonly';
export const SCOPE_READ_APP_CREATED = 'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata';

/**
 * Uploading and creating need appendonly; reconciling after a crash needs readonly.appcreateddata
 * (§A4). albums.batchAddMediaItems accepts appendonly, so edit.appcreateddata is not asked for.
 */
export const REQUIRED_SCOPES: readonly string[] = [SCOPE_APPEND_ONLY, SCOPE_READ_APP_CREATED];

/**
 * What sign-in asks for: the Photos scopes, plus openid so that tokeninfo names the account
 * (`sub`, §F8) and "already moved" is kept per Google account even when two accounts sign in
 * with one OAuth client. openid is not a sensitive scope: the consent screen needs no entry for it.
 */
export const REQUESTED_SCOPES: readonly string[] = [...REQUIRED_SCOPES, 'openid'];

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  /** false: renew without any UI (`prompt=none`), which works only while Google's session and consent last. */
  interactive: boolean;
  /** `sub` or e-mail of the account signed in before, so a silent renewal cannot pick another account. */
  loginHint?: string;
}

export function buildAuthorizeUrl(request: AuthorizeRequest): string {
  const url = new URL(GOOGLE_AUTHORIZE_URL);
  const params = url.searchParams;
  params.set('client_id', request.clientId);
  params.set('redirect_uri', request.redirectUri);
  params.set('response_type', 'token');
  params.set('scope', REQUESTED_SCOPES.join(' '));
  params.set('state', request.state);
  params.set('include_granted_scopes', 'true');
  // Interactive sign-in lets the person pick the account: the one the browser is signed in to
  // is not necessarily the one whose Google Photos should receive the library.
  params.set('prompt', request.interactive ? 'select_account' : 'none');
  if (request.loginHint) params.set('login_hint', request.loginHint);
  return url.toString();
}

/** 128 random bits, hex: ties the redirect to the request this extension made. */
export function createState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface GrantedToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The fragment's `scope`; undefined when Google left it out, so tokeninfo has to tell (§A9). */
  scopes: string[] | undefined;
}

/** OIDC answers to `prompt=none` when Google needs the person (§F5). */
const SILENT_FAILURES = new Set([
  'interaction_required',
  'login_required',
  'consent_required',
  'account_selection_required',
]);

function redirectParams(redirectUrl: string): URLSearchParams {
  const url = new URL(redirectUrl);
  // Google puts the implicit-flow answer in the fragment; read the query too, fragment winning, so
  // an error sent the other way is not mistaken for a missing token.
  const params = new URLSearchParams(url.search);
  for (const [key, value] of new URLSearchParams(url.hash.replace(/^#/, ''))) params.set(key, value);
  return params;
}

function oauthError(params: URLSearchParams): MigrationError {
  const error = params.get('error') ?? '';
  const description = params.get('error_description');
  const serverMessage = description ? `${error}: ${description}` : error;
  if (error === 'access_denied') {
    return new MigrationError(
      'google-access-denied',
      'Google sign-in was refused: access was declined, or the account is not a test user of the OAuth app',
      { serverMessage },
    );
  }
  if (SILENT_FAILURES.has(error)) {
    return new MigrationError('google-signin-needed', 'Google needs the person to sign in again', {
      serverMessage,
    });
  }
  return new MigrationError('google-signin-needed', `Google sign-in failed (${serverMessage})`, {
    serverMessage,
  });
}

/**
 * Reads the redirect launchWebAuthFlow resolved with. Throws MigrationError 'google-signin-needed'
 * for a foreign `state` or any failure, and 'google-access-denied' when access was refused.
 */
export function parseAuthorizeRedirect(
  redirectUrl: string,
  expectedState: string,
  now: number,
): GrantedToken {
  const params = redirectParams(redirectUrl);
  if (params.get('state') !== expectedState) {
    throw new MigrationError(
      'google-signin-needed',
      'The Google sign-in answer does not belong to this sign-in',
    );
  }
  if (params.has('error')) throw oauthError(params);
  const accessToken = params.get('access_token');
  const expiresIn = Number(params.get('expires_in'));
  if (!accessToken || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new MigrationError(
      'google-signin-needed',
      'The Google sign-in answer carries no usable access token',
    );
  }
  const scope = params.get('scope');
  return {
    accessToken,
    expiresAt: now + expiresIn * 1000,
    scopes: scope === null ? undefined : scope.split(/\s+/).filter(Boolean),
  };
}

/** Throws MigrationError('google-scope-missing') naming each scope the person unticked (granular consent, §A9). */
export function requireScopes(granted: readonly string[]): void {
  const missing = REQUIRED_SCOPES.filter((scope) => !granted.includes(scope));
  if (missing.length > 0) {
    throw new MigrationError(
      'google-scope-missing',
      `Google Photos access was not fully granted: ${missing.join(', ')}`,
      {
        scopes: missing,
      },
    );
  }
}

/** Chromium's message when the person closes the sign-in window (§F1, chromium-e2e.md §4). */
const WINDOW_CLOSED = 'The user did not approve access.';

/** A launchWebAuthFlow rejection as a MigrationError; the browser's words are kept. */
export function authFlowFailure(error: unknown): MigrationError {
  const serverMessage = error instanceof Error ? error.message : String(error);
  const message = serverMessage.includes(WINDOW_CLOSED)
    ? 'The Google sign-in window was closed before access was granted'
    : 'Google sign-in could not finish without the person';
  return new MigrationError('google-signin-needed', message, { serverMessage });
}
