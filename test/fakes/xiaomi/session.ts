/**
 * The account's cookie session (xiaomi-api.md §2): `serviceToken` + `userId` cookies, short-lived
 * tokens renewed by the keep-alive or rotated by the server, the old token working for a grace
 * period, and the switches a test flips (expired, restored).
 */
import type { FakeClock } from '../clock.ts';
import type { Random } from '../random.ts';
import type { XiaomiBehaviour } from './options.ts';

interface Token {
  readonly value: string;
  /** When its lifetime started (fake clock). */
  issuedAt: number;
  /** When a newer token replaced it; it keeps working for the grace period after that. */
  replacedAt: number | undefined;
}

/** The cookies a request carried, by name (a name may come more than once). */
export function parseCookies(header: string | undefined): [string, string][] {
  if (!header) return [];
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.includes('='))
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
}

export type SessionVerdict =
  | { ok: true; token: string }
  | { ok: false; reason: 'no-cookie' | 'invalid-token' | 'wrong-user' | 'wrong-host' };

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class Session {
  readonly userId: string;
  private readonly tokens = new Map<string, Token>();
  private currentToken: Token;
  private expired = false;
  /** A token the server rotated on its own, not yet delivered by Set-Cookie. */
  private undelivered: string | undefined;
  private shardStrikePending: boolean;

  constructor(
    userId: string,
    private readonly behaviour: () => Readonly<XiaomiBehaviour>,
    private readonly clock: FakeClock,
    private readonly random: Random,
  ) {
    this.userId = userId;
    this.currentToken = this.mint();
    this.shardStrikePending = true;
  }

  get current(): string {
    return this.currentToken.value;
  }

  /**
   * A base64-looking value like the real ones, with '+', '/' and '=' in it: a client that
   * form-encodes or URL-decodes it carelessly breaks it.
   */
  private mint(): Token {
    let value = '';
    for (let i = 0; i < 58; i++) value += TOKEN_ALPHABET[Math.floor(this.random() * TOKEN_ALPHABET.length)];
    const token: Token = { value: `${value}+/==`, issuedAt: this.clock.now(), replacedAt: undefined };
    this.tokens.set(token.value, token);
    return token;
  }

  private isValid(value: string): boolean {
    const token = this.tokens.get(value);
    if (this.expired || !token) return false;
    const { tokenLifetimeMs, rotationGraceMs } = this.behaviour();
    const now = this.clock.now();
    if (tokenLifetimeMs !== undefined && now >= token.issuedAt + tokenLifetimeMs) return false;
    return token.replacedAt === undefined || now < token.replacedAt + rotationGraceMs;
  }

  /** Whether a request to `host` with this Cookie header rides a usable session. */
  check(cookieHeader: string | undefined, host: string): SessionVerdict {
    const cookies = parseCookies(cookieHeader);
    const tokens = cookies.filter(([name]) => name === 'serviceToken').map(([, value]) => value);
    const userIds = cookies.filter(([name]) => name === 'userId').map(([, value]) => value);
    if (tokens.length === 0 || userIds.length === 0) return { ok: false, reason: 'no-cookie' };
    if (!userIds.includes(this.userId)) return { ok: false, reason: 'wrong-user' };
    // When several are sent (an old host-only one next to a new domain one), any valid one will do;
    // the newest is the one a renewal starts from.
    const valid = tokens.filter((value) => this.isValid(value));
    const newest = valid.sort((a, b) => this.tokens.get(b)!.issuedAt - this.tokens.get(a)!.issuedAt)[0];
    if (newest === undefined) return { ok: false, reason: 'invalid-token' };
    const { accountHost, shard } = this.behaviour();
    if (host !== accountHost && host !== shard?.host) return { ok: false, reason: 'wrong-host' };
    return { ok: true, token: newest };
  }

  /** A fresh login (the fake login page): a new token, and the session works again. */
  login(): string {
    this.expired = false;
    return this.replaceCurrent();
  }

  /** A new token; the previous one keeps working for the grace period. */
  private replaceCurrent(): string {
    this.currentToken.replacedAt ??= this.clock.now();
    this.currentToken = this.mint();
    return this.currentToken.value;
  }

  /**
   * The keep-alive (§2.2): a new token when the presented one is at least `renewAfterMs` old,
   * otherwise undefined (no Set-Cookie: nothing needed renewing).
   */
  renew(presented: string): string | undefined {
    const token = this.tokens.get(presented);
    if (!token || this.clock.now() - token.issuedAt < this.behaviour().renewAfterMs) return undefined;
    this.undelivered = undefined;
    return this.replaceCurrent();
  }

  /** The server rotates the token on its own; the next answer to a valid request delivers it. */
  rotate(): string {
    this.undelivered = this.replaceCurrent();
    return this.undelivered;
  }

  /** A token rotated by `rotate()` and not yet sent; taking it marks it delivered. */
  takeUndelivered(): string | undefined {
    const token = this.undelivered;
    this.undelivered = undefined;
    return token;
  }

  /** The shard redirect's fresh token (§1.1). */
  reissueForShard(): string {
    return this.replaceCurrent();
  }

  /** True exactly once: the first request on the shard, if the behaviour asks for it (§1.1). */
  takeShardStrike(): boolean {
    if (!this.behaviour().shard?.unauthorizedOnce || !this.shardStrikePending) return false;
    this.shardStrikePending = false;
    return true;
  }

  /** Every token stops working, as after a logout or a long absence. */
  expire(): void {
    this.expired = true;
  }

  /** The session works again with the token the browser already has, its lifetime starting anew. */
  restore(): string {
    this.expired = false;
    this.currentToken.issuedAt = this.clock.now();
    this.currentToken.replacedAt = undefined;
    return this.currentToken.value;
  }
}
