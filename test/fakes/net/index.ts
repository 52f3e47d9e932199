import type { IncomingHttpHeaders } from 'node:http';
import { createSecureServer, type Http2Session } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { createFakeCertificate } from './certificate.ts';
import { HostRouter, normalizeHost } from './hosts.ts';
import { LinkShaping, ShapedLink, type Shaping } from './link.ts';

export type { Shaping } from './link.ts';

/** What the fake network saw of one request; filled in as the exchange goes on. */
export interface RequestRecord {
  /** The service the host was routed to; undefined when no service answers the host. */
  readonly service: string | undefined;
  readonly method: string;
  readonly host: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** '1.1' or '2.0'. */
  readonly httpVersion: string;
  /** As received (HTTP/2 adds the ':method', ':authority'… pseudo-headers). */
  readonly headers: IncomingHttpHeaders;
  /** Epoch ms when the request headers arrived. */
  readonly startedAt: number;
  /** Epoch ms when the response finished or the exchange broke off. */
  endedAt: number | undefined;
  /** 0 until the response headers are sent (and for exchanges cut off before that). */
  status: number;
  /** Request body bytes received so far. */
  requestBytes: number;
  /** Response body bytes written so far. */
  responseBytes: number;
  outcome: 'pending' | 'complete' | 'aborted';
  /** The message of an exception the service's handler threw. */
  error: string | undefined;
}

export interface FakeNetOptions {
  shaping?: Partial<Shaping>;
  /**
   * More certificate names. A '*.mi.com' service answers deeper names such as 'ali.xmssdn.micloud.mi.com'
   * too, but a certificate wildcard covers one label only: list '*.xmssdn.micloud.mi.com' here (or as a host).
   */
  extraCertNames?: readonly string[];
}

export interface FakeNet {
  /**
   * The value of Chromium's `--host-resolver-rules` (one argv element, no quotes needed): every service
   * host to its port, most specific first (the first matching rule wins), all other names unresolvable.
   */
  readonly hostResolverRules: string;
  /** For `--ignore-certificate-errors-spki-list`. */
  readonly spkiHash: string;
  readonly certPem: string;
  /** Where the HTTPS/1.1 services and the HTTP/2 services listen on 127.0.0.1. */
  readonly ports: { readonly http1: number; readonly http2: number };
  readonly log: RequestRecord[];
  /** Change at any time; affects requests and bytes from then on. */
  readonly shaping: Shaping;
  /** The local port that serves `host`, or undefined when no service answers it. */
  portFor(host: string): number | undefined;
  /**
   * Resolves when every exchange logged so far has completed or aborted. A client can hold a whole
   * response before the server notices its own end, so await this before asserting on the log.
   */
  settled(): Promise<void>;
  /** Cuts every open connection with a TCP reset. */
  resetConnections(): void;
  /** Ends every socket and session and stops listening. */
  close(): Promise<void>;
}

type Protocol = 'http1' | 'http2';

export async function startFakeNet(
  services: readonly FakeService[],
  options: FakeNetOptions = {},
): Promise<FakeNet> {
  const router = new HostRouter(
    services.flatMap((service) => service.hosts.map((pattern) => ({ pattern, target: service }))),
  );
  const { certPem, keyPem, spkiHash } = await createFakeCertificate([
    ...services.flatMap((service) => service.hosts),
    ...(options.extraCertNames ?? []),
  ]);
  const shaping = new LinkShaping(options.shaping);
  const log: RequestRecord[] = [];
  const exchangesEnded: Promise<void>[] = [];
  const portOf = (service: FakeService): number => (service.http2 ? ports.http2 : ports.http1);

  const handler = (protocol: Protocol) => (req: FakeRequest, res: FakeResponse) => {
    void serve(req, res, protocol);
  };

  async function serve(req: FakeRequest, res: FakeResponse, protocol: Protocol): Promise<void> {
    const host = normalizeHost(String(req.headers[':authority'] ?? req.headers.host ?? ''));
    const service = router.route(host)?.target;
    const { record, ended } = recordExchange(req, res, host, service?.name);
    log.push(record);
    exchangesEnded.push(ended);
    if (service === undefined) {
      return refuse(res, `fake-net: no fake service answers host '${host}'`);
    }
    if (service.http2 !== (protocol === 'http2')) {
      const served = `${service.http2 ? 'HTTP/2' : 'HTTPS/1.1'} on port ${portOf(service)}`;
      return refuse(
        res,
        `fake-net: host '${host}' (service ${service.name}) is served by ${served}, not here`,
      );
    }
    if (shaping.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, shaping.latencyMs));
    if (record.outcome === 'aborted') return;
    try {
      await service.handle(req, res, new URL(req.url ?? '/', `https://${host}`));
    } catch (error) {
      record.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (res.headersSent) res.destroy();
      else
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`fake-net: ${service.name} failed: ${error}`);
    }
  }

  const tls = { key: keyPem, cert: certPem };
  const http1Server = createHttpsServer(
    // Throttled uploads may legitimately take longer than Node's default 300 s request timeout.
    { ...tls, ALPNProtocols: ['http/1.1'], requestTimeout: 0 },
    handler('http1'),
  );
  // chromium-e2e.md "Later findings": the default 10 MB session memory drops uploads with ENHANCE_YOUR_CALM.
  const http2Server = createSecureServer(
    { ...tls, allowHTTP1: true, maxSessionMemory: 4096 },
    handler('http2'),
  );
  const http2Sessions = new Set<Http2Session>();
  http2Server.on('session', (session) => {
    http2Sessions.add(session);
    session.once('close', () => http2Sessions.delete(session));
  });
  // Clients that vanish mid-handshake or mid-stream are part of the game, not a reason to crash.
  for (const server of [http1Server, http2Server]) server.on('tlsClientError', () => {});
  http1Server.on('clientError', (_error, socket) => socket.destroy());
  http2Server.on('sessionError', () => {});

  const link = new ShapedLink(shaping);
  const ports = {
    http1: await link.open(await listen(http1Server)),
    http2: await link.open(await listen(http2Server)),
  };
  const hostResolverRules = [
    ...router.orderedRoutes.map(({ pattern, target }) => `MAP ${pattern} 127.0.0.1:${portOf(target)}`),
    // Every other name resolves to nothing, so a browser under test never reaches the real internet.
    'MAP * ~NOTFOUND',
  ].join(', ');

  let closing: Promise<void> | undefined;
  return {
    hostResolverRules,
    spkiHash,
    certPem,
    ports,
    log,
    shaping,
    portFor: (host) => {
      const service = router.route(normalizeHost(host))?.target;
      return service && portOf(service);
    },
    settled: async () => {
      await Promise.all(exchangesEnded);
    },
    resetConnections: () => link.resetConnections(),
    close: () => {
      closing ??= (async () => {
        const linkClosed = link.close();
        http1Server.closeAllConnections();
        for (const session of http2Sessions) session.destroy();
        await Promise.all([linkClosed, closeServer(http1Server), closeServer(http2Server)]);
      })();
      return closing;
    },
  };
}

function listen(server: HttpsServer | ReturnType<typeof createSecureServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: HttpsServer | ReturnType<typeof createSecureServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

// 421 Misdirected Request: what a real front end answers for a host it does not serve; browsers retry
// such a request on a fresh connection instead of treating it as the resource's answer.
function refuse(res: FakeResponse, message: string): void {
  res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
}

type BodyWriter = (chunk?: unknown, ...rest: unknown[]) => unknown;

/**
 * Starts a record and keeps it current. Bytes are counted where they enter and leave the streams the
 * handler sees (Readable#push and the response's write/end), so every way of reading or writing counts.
 */
function recordExchange(
  req: FakeRequest,
  res: FakeResponse,
  host: string,
  service: string | undefined,
): { record: RequestRecord; ended: Promise<void> } {
  const record: RequestRecord = {
    service,
    method: req.method ?? 'GET',
    host,
    path: req.url ?? '/',
    httpVersion: req.httpVersion,
    headers: req.headers,
    startedAt: Date.now(),
    endedAt: undefined,
    status: 0,
    requestBytes: 0,
    responseBytes: 0,
    outcome: 'pending',
    error: undefined,
  };

  const push = req.push.bind(req);
  req.push = (chunk, encoding) => {
    if (chunk !== null && chunk !== undefined) record.requestBytes += byteLength(chunk, encoding);
    return push(chunk, encoding);
  };

  const body = res as unknown as { write: BodyWriter; end: BodyWriter };
  const write = body.write.bind(res);
  const end = body.end.bind(res);
  // The HTTP/2 compatibility response's end(chunk) calls this.write(chunk): count that chunk once.
  let ending = false;
  body.write = (chunk, ...rest) => {
    if (!ending) record.responseBytes += byteLength(chunk, rest[0]);
    return write(chunk, ...rest);
  };
  body.end = (chunk, ...rest) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      record.responseBytes += byteLength(chunk, rest[0]);
    }
    ending = true;
    try {
      return end(chunk, ...rest);
    } finally {
      ending = false;
    }
  };

  const ended = new Promise<void>((resolve) => {
    const settle = (outcome: 'complete' | 'aborted') => {
      if (record.outcome !== 'pending') return;
      record.outcome = outcome;
      record.status = res.headersSent ? res.statusCode : 0;
      record.endedAt = Date.now();
      resolve();
    };
    res.once('finish', () => settle('complete'));
    res.once('close', () => settle('aborted'));
  });
  return { record, ended };
}

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}
