/**
 * Opaque OAuth access tokens (`ya29.FAKE-…`): who they were issued to, what they grant and until
 * when, evaluated on the fake clock (google-photos-api.md §F5, §F8).
 */
import type { FakeClock } from '../clock.ts';
import { type Random, randomId } from '../random.ts';
import type { AccessTokenRecord, FakeGoogleState } from './state.ts';

export type TokenCheck =
  | { ok: true; record: AccessTokenRecord }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

export class AccessTokens {
  constructor(
    private readonly state: FakeGoogleState,
    private readonly clock: FakeClock,
    private readonly random: Random,
  ) {}

  issue(clientId: string, scopes: readonly string[], lifetimeSeconds: number): AccessTokenRecord {
    const issuedAt = this.clock.now();
    const record: AccessTokenRecord = {
      token: `ya29.FAKE-${randomId(this.random, 64)}`,
      clientId,
      scopes: [...scopes],
      issuedAt,
      expiresAt: issuedAt + lifetimeSeconds * 1000,
      revoked: false,
    };
    this.state.accessTokens.set(record.token, record);
    return record;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const record = this.state.accessTokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, record };
  }

  /** Revoking one token revokes the whole grant: every token of that client, and its granted scopes. */
  revokeGrant(clientId: string): void {
    for (const record of this.state.accessTokens.values()) {
      if (record.clientId === clientId) record.revoked = true;
    }
    this.state.grantedScopes.delete(clientId);
  }

  expireAll(): void {
    const now = this.clock.now();
    for (const record of this.state.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  revokeAll(): void {
    for (const record of this.state.accessTokens.values()) record.revoked = true;
    this.state.grantedScopes.clear();
  }
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
