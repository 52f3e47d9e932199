/**
 * For the fake's own tests: its services on a plain local HTTP server, routed by the Host header,
 * and a minimal client that talks to it as if to https://<host>/…, keeping the cookies the fake
 * sets (by name only: the fake's cookie attributes are asserted on the raw headers instead).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { presetSmall } from '../library/presets.ts';
import { hostMatches } from '../net/hosts.ts';
import type { FakeService } from '../types.ts';
import { createFakeXiaomi, type FakeXiaomi, type FakeXiaomiOptions } from './index.ts';

export interface LocalServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startLocalServer(services: readonly FakeService[]): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const service = services.find((candidate) =>
      candidate.hosts.some((pattern) => hostMatches(pattern, host)),
    );
    if (!service) {
      res.writeHead(421).end();
      return;
    }
    Promise.resolve(service.handle(req, res, new URL(req.url ?? '/', `https://${host}`))).catch(
      (error: unknown) => {
        if (res.headersSent) res.destroy();
        else res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LocalResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The connection broke before the body was complete. */
  readonly aborted: boolean;
  readonly text: string;
  json(): unknown;
  setCookies(): string[];
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the cookies held (default true). */
  withCookies?: boolean;
}

export class LocalClient {
  /** Cookie name → value, as last set by the fake or by the test. */
  readonly cookies = new Map<string, string>();

  constructor(private readonly port: number) {}

  setCookies(cookies: readonly { name: string; value: string }[]): void {
    for (const { name, value } of cookies) this.cookies.set(name, value);
  }

  get(url: string, options: RequestOptions = {}): Promise<LocalResponse> {
    return this.send(url, options);
  }

  /** The 3-step download of §6 for one item id: the bytes (and each step's response). */
  async download(itemId: string): Promise<{ steps: LocalResponse[]; bytes: Buffer }> {
    const storage = await this.get(`https://i.mi.com/gallery/storage?ts=1&id=${itemId}`);
    const { url } = (storage.json() as { data: { url: string } }).data;
    const resolve = await this.get(url, { withCookies: false });
    const jsonp = /^[\w.]+\((.*)\)$/s.exec(resolve.text)![1]!;
    const target = JSON.parse(jsonp) as { url: string; meta: string };
    const file = await this.post(target.url, `meta=${target.meta}`);
    return { steps: [storage, resolve, file], bytes: file.body };
  }

  post(url: string, form: string, options: RequestOptions = {}): Promise<LocalResponse> {
    return this.send(url, {
      ...options,
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      withCookies: options.withCookies ?? false,
    });
  }

  private send(url: string, options: RequestOptions): Promise<LocalResponse> {
    const target = new URL(url);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers: Record<string, string> = {
      host: target.host,
      ...((options.withCookies ?? true) && cookie ? { cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
      ...options.headers,
    };
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: options.method ?? 'GET',
          path: target.pathname + target.search,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let aborted = false;
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('aborted', () => {
            aborted = true;
          });
          res.on('error', () => {
            aborted = true;
          });
          res.on('close', () => {
            const body = Buffer.concat(chunks);
            const setCookies = res.headers['set-cookie'] ?? [];
            for (const header of setCookies) {
              const [pair = ''] = header.split(';');
              const at = pair.indexOf('=');
              this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body,
              aborted: aborted || !res.complete,
              text: body.toString('utf8'),
              json: () => JSON.parse(body.toString('utf8')),
              setCookies: () => setCookies,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }
}

export function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export interface RunningFake {
  readonly xiaomi: FakeXiaomi;
  readonly client: LocalClient;
  close(): Promise<void>;
}

/** A fake on a local server and a client that already holds the session cookies. */
export async function startFake(options: FakeXiaomiOptions): Promise<RunningFake> {
  const xiaomi = createFakeXiaomi(options);
  const server = await startLocalServer(xiaomi.services);
  const client = new LocalClient(server.port);
  client.setCookies(xiaomi.sessionCookies());
  return { xiaomi, client, close: () => server.close() };
}

/**
 * For a test file: a `start` that runs a fake (on the small preset unless the options say
 * otherwise) and closes every fake it ran after each test.
 */
export function fakePerTest(): (options?: Partial<FakeXiaomiOptions>) => Promise<RunningFake> {
  const running: RunningFake[] = [];
  afterEach(async () => {
    for (const fake of running.splice(0)) await fake.close();
  });
  return async (options = {}) => {
    const fake = await startFake({ library: presetSmall(), ...options });
    running.push(fake);
    return fake;
  };
}
