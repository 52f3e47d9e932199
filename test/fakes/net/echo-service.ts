import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';

/** What `/echo` answers: the request as the server received it. */
export interface EchoReply {
  method: string;
  host: string;
  path: string;
  httpVersion: string;
  /** The Cookie header, or null when the request carried none. */
  cookie: string | null;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  bodySha256: string;
}

/**
 * A diagnostic service for testing the network layer itself and the clients of it:
 * - `/echo…` replies with an `EchoReply` (the body is read in full);
 * - `/set-cookie?c=<Set-Cookie value>&c=…` replies 200 with those Set-Cookie headers;
 * - `/redirect?to=<url>&status=302&c=<Set-Cookie value>` redirects (and may set cookies on the way);
 * - `/loop` redirects to itself for ever;
 * - `/bytes?n=<count>` streams `n` bytes of a known pattern (`patternBytes`);
 * - `/hang` reads the body and never answers, for abort tests.
 */
export function createEchoService(options: {
  name?: string;
  hosts: readonly string[];
  http2?: boolean;
}): FakeService {
  return {
    name: options.name ?? 'echo',
    hosts: options.hosts,
    http2: options.http2 ?? false,
    async handle(req, res, url) {
      const query = url.searchParams;
      switch (url.pathname) {
        case '/set-cookie':
          res.writeHead(200, { 'set-cookie': query.getAll('c'), 'content-type': 'application/json' });
          return void res.end('{}');
        case '/redirect':
          res.writeHead(Number(query.get('status') ?? 302), {
            location: query.get('to') ?? '/echo',
            'set-cookie': query.getAll('c'),
          });
          return void res.end();
        case '/loop':
          res.writeHead(302, { location: '/loop' });
          return void res.end();
        case '/bytes':
          return sendPattern(res, Number(query.get('n') ?? 0));
        case '/hang':
          req.resume();
          return;
        default:
          return echo(req, res, url);
      }
    },
  };
}

async function echo(req: FakeRequest, res: FakeResponse, url: URL): Promise<void> {
  const hash = createHash('sha256');
  let bodyBytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bodyBytes += chunk.length;
  }
  const reply: EchoReply = {
    method: req.method ?? '',
    host: url.host,
    path: url.pathname + url.search,
    httpVersion: req.httpVersion,
    cookie: req.headers.cookie ?? null,
    headers: { ...req.headers },
    bodyBytes,
    bodySha256: hash.digest('hex'),
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
}

const PATTERN_PERIOD = 251;

/** Byte i of every `/bytes` body is `i % 251` (a prime, so chunk boundaries never line up with it). */
export function patternBytes(start: number, length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < Math.min(PATTERN_PERIOD, length); i++) bytes[i] = (start + i) % PATTERN_PERIOD;
  // Whole periods repeat: double the filled prefix until the buffer is full (fast for big bodies).
  for (let filled = PATTERN_PERIOD; filled < length; filled *= 2) bytes.copyWithin(filled, 0, filled);
  return bytes;
}

const CHUNK = 64 * 1024;

function* patternChunks(total: number): Generator<Uint8Array> {
  for (let offset = 0; offset < total; offset += CHUNK)
    yield patternBytes(offset, Math.min(CHUNK, total - offset));
}

async function sendPattern(res: FakeResponse, total: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  // A client that goes away mid-body is a normal outcome here; the net log records it as aborted.
  await pipeline(Readable.from(patternChunks(total)), res).catch(() => {});
}
