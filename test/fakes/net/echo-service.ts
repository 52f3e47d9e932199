import { createHash } from 'node:crypto';
import { Http2ServerRequest, constants as http2Constants } from 'node:http2';
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
 * - `/hang` reads the body and never answers, for abort tests;
 * - `/cut-upload?after=<bytes>&how=stream|connection` cuts the exchange once that much body arrived;
 * - `/cut-download?n=<count>&after=<bytes>&how=stream|connection` announces `n` pattern bytes and cuts
 *   the exchange after sending `after` of them.
 * A cut resets the HTTP/2 stream ('stream') or ends the whole connection ('connection', the only way
 * over HTTPS/1.1).
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
        case '/cut-upload':
          return cutUpload(req, Number(query.get('after') ?? 0), query.get('how') ?? 'connection');
        case '/cut-download':
          return cutDownload(req, res, query);
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

function cut(req: FakeRequest, how: string): void {
  if (!(req instanceof Http2ServerRequest)) req.socket.destroy();
  else if (how === 'stream') req.stream.close(http2Constants.NGHTTP2_CANCEL);
  else req.stream.session?.destroy();
}

function cutUpload(req: FakeRequest, after: number, how: string): void {
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= after) cut(req, how);
  });
}

function cutDownload(req: FakeRequest, res: FakeResponse, query: URLSearchParams): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': query.get('n') ?? '0' });
  // Both response types take (chunk, callback); their union's overloads do not type-check as one.
  const write = res.write.bind(res) as (chunk: Uint8Array, callback: () => void) => boolean;
  write(patternBytes(0, Number(query.get('after') ?? 0)), () => cut(req, query.get('how') ?? 'connection'));
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
