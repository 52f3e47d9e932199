/**
 * accounts.google.com and oauth2.googleapis.com as the extension meets them (google-photos-api.md
 * §F4, §F5, §F8, §I7; chromium-e2e.md §4): the implicit-flow authorize endpoint with its redirect
 * variants and consent page, Chromium's own ListAccounts probe, tokeninfo and revoke.
 */
import type { FakeClock } from '../clock.ts';
import { type Random, randomId } from '../random.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import type { AccessTokens } from './access-tokens.ts';
import { escapeHtml, htmlPage } from './html.ts';
import { htmlReply, jsonReply, type Reply, readBody, redirectReply, sendReply } from './http.ts';
import type { FakeGoogleConfig } from './options.ts';
import { recordRequest } from './request-log.ts';
import type { FakeGoogleState } from './state.ts';

export const ACCOUNTS_HOST = 'accounts.google.com';
export const OAUTH2_HOST = 'oauth2.googleapis.com';

export type AuthorizeOutcome =
  /** Redirect at once with a token for the requested scopes (less `withholdScopes`). */
  | 'grant'
  /** Redirect with `error=access_denied`: the user said no. */
  | 'deny'
  /**
   * Show a consent page that does not redirect by itself: `interactive:false` fails, an
   * interactive window shows "Allow" / "Cancel" links that lead to the redirect.
   */
  | 'consent-page'
  /** For `prompt=none`, redirect with this OIDC error; other prompts get the consent page. */
  | 'interaction_required'
  | 'login_required'
  | 'consent_required';

export interface AuthorizeBehaviour {
  outcome: AuthorizeOutcome;
  /** Scopes the user unticks on the granular consent screen (§A9). */
  withholdScopes?: readonly string[];
  /** Echo the request's `state` (default), return a different one, or none, to test the client's check. */
  stateEcho?: 'echo' | 'wrong' | 'missing';
}

const CLIENT_ID_FORMAT = /^\d+-[a-z0-9]+\.apps\.googleusercontent\.com$/;
const CHROMIUM_REDIRECT = /^https:\/\/[a-z0-9-]+\.chromiumapp\.org\//;
const SILENT_ERRORS = new Set<AuthorizeOutcome>([
  'interaction_required',
  'login_required',
  'consent_required',
]);
const IDENTITY_SCOPES = {
  sub: [
    'openid',
    'email',
    'profile',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
  ],
  email: ['email', 'https://www.googleapis.com/auth/userinfo.email'],
};

interface PendingConsent {
  params: URLSearchParams;
  behaviour: AuthorizeBehaviour;
}

function signInErrorPage(status: number, heading: string, error: string, detail: string): Reply {
  return htmlReply(
    status,
    htmlPage(
      heading,
      `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(detail)}</p><p>Error ${status}: ${escapeHtml(error)}</p>`,
    ),
  );
}

/** The redirect URI with the result in its fragment, values percent-encoded (§I7). */
function fragmentRedirect(redirectUri: string, fields: readonly (readonly [string, string])[]): Reply {
  const fragment = fields.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return redirectReply(`${redirectUri}#${fragment}`);
}

export class OAuthService implements FakeService {
  readonly name = 'google-oauth';
  readonly hosts = [ACCOUNTS_HOST, OAUTH2_HOST];
  readonly http2 = false;
  private behaviour: AuthorizeBehaviour = { outcome: 'grant' };
  private readonly nextBehaviours: AuthorizeBehaviour[] = [];
  private readonly pendingConsents = new Map<string, PendingConsent>();

  constructor(
    private readonly state: FakeGoogleState,
    private readonly config: FakeGoogleConfig,
    private readonly clock: FakeClock,
    private readonly tokens: AccessTokens,
    private readonly random: Random,
  ) {}

  setBehaviour(behaviour: AuthorizeBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Queue a behaviour for the next authorize request only (several calls queue in order). */
  queueBehaviour(behaviour: AuthorizeBehaviour): void {
    this.nextBehaviours.push(behaviour);
  }

  async handle(req: FakeRequest, res: FakeResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const form =
      method === 'POST' ? new URLSearchParams((await readBody(req)).bytes.toString('utf8')) : undefined;
    const params = new URLSearchParams(url.searchParams);
    for (const [key, value] of form ?? []) params.append(key, value);
    const { kind, reply, outcome } = this.route(method, url, params);
    const entry = recordRequest(this.state, this.clock, 'oauth', req, url, `oauth:${kind}`);
    entry.status = reply.status;
    this.state.oauthRequests.push({
      at: this.clock.now(),
      kind,
      params: Object.fromEntries(params),
      outcome: outcome ?? String(reply.status),
    });
    sendReply(req, res, reply);
  }

  private route(
    method: string,
    url: URL,
    params: URLSearchParams,
  ): { kind: string; reply: Reply; outcome?: string } {
    const path = url.pathname;
    if (url.hostname === ACCOUNTS_HOST) {
      if (path === '/o/oauth2/v2/auth' && method === 'GET') {
        return { kind: 'authorize', ...this.authorize(params) };
      }
      if (path === '/o/oauth2/v2/auth/decision' && method === 'GET') {
        return { kind: 'consent-decision', ...this.decide(params) };
      }
      // Chromium probes this on its own (chromium-e2e.md §4); answer it like an unknown page.
      if (path === '/ListAccounts') {
        return { kind: 'list-accounts', reply: htmlReply(404, htmlPage('Not Found', '')) };
      }
      if (path === '/o/oauth2/revoke' && method === 'POST') {
        return { kind: 'revoke', reply: this.revoke(params) };
      }
    }
    if (url.hostname === OAUTH2_HOST) {
      if (path === '/tokeninfo') return { kind: 'tokeninfo', reply: this.tokenInfo(params) };
      if (path === '/revoke' && method === 'POST') return { kind: 'revoke', reply: this.revoke(params) };
    }
    return { kind: 'unknown', reply: htmlReply(404, htmlPage('Not Found', '<p>Not Found</p>')) };
  }

  private clientIsKnown(clientId: string): boolean {
    if (!CLIENT_ID_FORMAT.test(clientId)) return false;
    return this.config.oauthClients === undefined || clientId in this.config.oauthClients;
  }

  private redirectIsRegistered(clientId: string, redirectUri: string): boolean {
    const clients = this.config.oauthClients;
    if (clients === undefined) return CHROMIUM_REDIRECT.test(redirectUri);
    return clients[clientId]?.redirectUris.includes(redirectUri) ?? false;
  }

  private authorize(params: URLSearchParams): { reply: Reply; outcome: string } {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!this.clientIsKnown(clientId)) {
      const reply = signInErrorPage(
        401,
        'Access blocked: Authorization Error',
        'invalid_client',
        'The OAuth client was not found.',
      );
      return { reply, outcome: 'invalid_client' };
    }
    if (!this.redirectIsRegistered(clientId, redirectUri)) {
      const detail = `You can’t sign in to this app because it doesn’t comply with Google’s OAuth 2.0 policy. redirect_uri=${redirectUri}`;
      const reply = signInErrorPage(
        400,
        'Access blocked: This app’s request is invalid',
        'redirect_uri_mismatch',
        detail,
      );
      return { reply, outcome: 'redirect_uri_mismatch' };
    }
    if (!params.get('scope')?.trim()) {
      const reply = signInErrorPage(
        400,
        'Access blocked: Authorization Error',
        'invalid_request',
        'Missing required parameter: scope',
      );
      return { reply, outcome: 'invalid_request' };
    }
    const behaviour = this.nextBehaviours.shift() ?? this.behaviour;
    if (params.get('response_type') !== 'token') {
      return this.redirectError(params, behaviour, 'unsupported_response_type');
    }
    const silent = params.get('prompt') === 'none';
    if (behaviour.outcome === 'deny') return this.redirectError(params, behaviour, 'access_denied');
    if (SILENT_ERRORS.has(behaviour.outcome) && silent) {
      return this.redirectError(params, behaviour, behaviour.outcome);
    }
    if (behaviour.outcome === 'grant') return this.grant(params, behaviour);
    return { reply: this.consentPage(params, behaviour), outcome: 'consent-page' };
  }

  private consentPage(params: URLSearchParams, behaviour: AuthorizeBehaviour): Reply {
    const consentId = randomId(this.random, 24);
    this.pendingConsents.set(consentId, { params, behaviour });
    const scopes = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const decision = (allow: boolean) => `/o/oauth2/v2/auth/decision?consent=${consentId}&amp;allow=${allow}`;
    return htmlReply(
      200,
      htmlPage(
        'Sign in - Google Accounts',
        `<h1>Fake app wants to access your Google Account</h1>
<p>${escapeHtml(this.config.user.email)}</p>
<ul>${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>
<p><a id="allow" href="${decision(true)}">Allow</a> <a id="cancel" href="${decision(false)}">Cancel</a></p>`,
      ),
    );
  }

  private decide(params: URLSearchParams): { reply: Reply; outcome: string } {
    const pending = this.pendingConsents.get(params.get('consent') ?? '');
    if (!pending) {
      return { reply: htmlReply(400, htmlPage('Bad Request', '<p>Unknown consent</p>')), outcome: '400' };
    }
    this.pendingConsents.delete(params.get('consent') ?? '');
    if (params.get('allow') !== 'true') {
      return this.redirectError(pending.params, pending.behaviour, 'access_denied');
    }
    return this.grant(pending.params, pending.behaviour);
  }

  private stateField(params: URLSearchParams, behaviour: AuthorizeBehaviour): [string, string][] {
    const state = params.get('state');
    const echo = behaviour.stateEcho ?? 'echo';
    if (echo === 'missing' || (echo === 'echo' && state === null)) return [];
    return [['state', echo === 'wrong' ? `${state ?? ''}-forged` : (state ?? '')]];
  }

  private redirectError(
    params: URLSearchParams,
    behaviour: AuthorizeBehaviour,
    error: string,
  ): { reply: Reply; outcome: string } {
    const reply = fragmentRedirect(params.get('redirect_uri') ?? '', [
      ['error', error],
      ...this.stateField(params, behaviour),
    ]);
    return { reply, outcome: error };
  }

  private grant(params: URLSearchParams, behaviour: AuthorizeBehaviour): { reply: Reply; outcome: string } {
    const clientId = params.get('client_id') ?? '';
    const requested = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const withheld = new Set(behaviour.withholdScopes ?? []);
    const granted = new Set(requested.filter((scope) => !withheld.has(scope)));
    if (granted.size === 0) return this.redirectError(params, behaviour, 'access_denied');
    const earlier = this.state.grantedScopes.get(clientId) ?? new Set<string>();
    if (params.get('include_granted_scopes') === 'true') for (const scope of earlier) granted.add(scope);
    this.state.grantedScopes.set(clientId, new Set([...earlier, ...granted]));
    const lifetime = this.config.accessTokenLifetimeSeconds;
    const record = this.tokens.issue(clientId, [...granted], lifetime);
    const reply = fragmentRedirect(params.get('redirect_uri') ?? '', [
      ['access_token', record.token],
      ['token_type', 'Bearer'],
      ['expires_in', String(lifetime)],
      ['scope', record.scopes.join(' ')],
      ...this.stateField(params, behaviour),
    ]);
    return { reply, outcome: 'granted' };
  }

  /** §F8: every field a string; `sub`/`email` only with the identity scopes that reveal them. */
  private tokenInfo(params: URLSearchParams): Reply {
    const check = this.tokens.check(params.get('access_token') ?? undefined);
    if (!check.ok) return jsonReply(400, { error: 'invalid_token', error_description: 'Invalid Value' });
    const { record } = check;
    const { user } = this.config;
    const has = (scopes: string[]) => scopes.some((scope) => record.scopes.includes(scope));
    return jsonReply(200, {
      azp: record.clientId,
      aud: record.clientId,
      ...(has(IDENTITY_SCOPES.sub) ? { sub: user.sub } : {}),
      scope: record.scopes.join(' '),
      exp: String(Math.floor(record.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((record.expiresAt - this.clock.now()) / 1000))),
      ...(has(IDENTITY_SCOPES.email) ? { email: user.email, email_verified: 'true' } : {}),
      access_type: 'online',
    });
  }

  private revoke(params: URLSearchParams): Reply {
    const check = this.tokens.check(params.get('token') ?? undefined);
    if (!check.ok) {
      return jsonReply(400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    }
    this.tokens.revokeGrant(check.record.clientId);
    return jsonReply(200, {});
  }
}
