/**
 * What every endpoint handler gets: the request at hand (an `Exchange`) and the fake's shared state
 * (a `FakeContext`).
 */
import type { FakeClock } from '../clock.ts';
import { SYSTEM_ALBUMS } from '../library/library.ts';
import type { FakeRequest } from '../types.ts';
import { unauthorizedBody } from './bodies.ts';
import type { Catalog } from './catalog.ts';
import type { Fault } from './faults.ts';
import type { XiaomiBehaviour } from './options.ts';
import type { Reply } from './reply.ts';
import type { Session } from './session.ts';
import type { Signer } from './signer.ts';

export interface FakeContext {
  /** Mutable: `configure()` changes it while the fake runs. */
  readonly behaviour: XiaomiBehaviour;
  readonly clock: FakeClock;
  readonly catalog: Catalog;
  readonly session: Session;
  readonly signer: Signer;
}

export interface Exchange {
  readonly req: FakeRequest;
  readonly url: URL;
  readonly reply: Reply;
  /** The scripted fault that is left for the endpoint (or the reply) to apply. */
  readonly fault: Fault | undefined;
  /** The session token the request rode on (endpoints that need a session only). */
  readonly token: string | undefined;
}

export type Handler = (exchange: Exchange, fake: FakeContext) => Promise<void>;

/**
 * A session cookie as the fake sets it: `Path=/`, `Secure`, the configured `Domain` (or the one
 * given), HttpOnly for `serviceToken` unless configured otherwise.
 */
export function sessionCookie(
  fake: FakeContext,
  name: 'serviceToken' | 'userId',
  value: string,
  domain = fake.behaviour.cookieDomain === 'mi.com' ? '.mi.com' : undefined,
): string {
  const httpOnly = name === 'serviceToken' && fake.behaviour.serviceTokenHttpOnly;
  return [
    `${name}=${value}`,
    'Path=/',
    ...(domain ? [`Domain=${domain}`] : []),
    'Secure',
    ...(httpOnly ? ['HttpOnly'] : []),
  ].join('; ');
}

/** The request body, refused beyond `limit` bytes (the fake only ever expects small forms). */
export async function readBody(req: FakeRequest, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A non-negative integer query parameter, or the fallback when absent or malformed. */
export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  return value !== null && /^\d+$/.test(value) ? Number(value) : fallback;
}

/** The 401 session answer (§3.2). */
export function replyUnauthorized(exchange: Exchange, secondValidation: boolean): Promise<void> {
  return exchange.reply.json(401, unauthorizedBody(exchange.url.hostname, secondValidation));
}

/** Whether the private album's content is behind the extra verification right now (`privateAlbum: 'locked'`). */
export function privateAlbumLocked(fake: FakeContext, albumIds: readonly string[]): boolean {
  return fake.behaviour.privateAlbum === 'locked' && albumIds.includes(SYSTEM_ALBUMS.private);
}
