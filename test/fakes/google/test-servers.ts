/**
 * Test-only: mounts the fake Google on real local servers the way the network layer will (HTTP/2
 * with HTTP/1.1 fallback for Photos, HTTPS/1.1 for OAuth, one throwaway self-signed certificate), and
 * offers small clients to talk to them.
 */

import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  createSecureServer,
  type IncomingHttpHeaders,
} from 'node:http2';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll } from 'vitest';
import { FakeClock } from '../clock.ts';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import {
  createFakeGoogle,
  DEFAULT_CONFIG,
  type FakeGoogle,
  type FakeGoogleOptions,
  type FakeGoogleSettings,
} from './index.ts';

let certificate: Promise<{ key: string; cert: string }> | undefined;

function testCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= generate([{ name: 'commonName', value: 'fake.google.test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'photoslibrary.googleapis.com' },
          { type: 2, value: 'accounts.google.com' },
          { type: 2, value: 'oauth2.googleapis.com' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return certificate;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  json(): any;
}

function result(status: number, rawHeaders: IncomingHttpHeaders, body: Buffer): HttpResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (!name.startsWith(':') && value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  const text = body.toString('utf8');
  return { status, headers, body, text, json: () => JSON.parse(text) };
}

/** The URL the network layer would hand over: the service's host name, whatever address was dialled. */
function urlFor(service: FakeService, req: FakeRequest): URL {
  const authority = String(req.headers[':authority'] ?? req.headers.host ?? '').replace(/:\d+$/, '');
  const host = service.hosts.includes(authority) ? authority : service.hosts[0];
  return new URL(req.url ?? '/', `https://${host}`);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export interface RequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

export interface OpenStream {
  stream: ClientHttp2Stream;
  response: Promise<HttpResult>;
}

/** An HTTP/2 client to the Photos server that reconnects after the fake cut a connection. */
export class PhotosClient {
  private session: ClientHttp2Session | undefined;

  constructor(private readonly origin: string) {}

  private connection(): ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = connect(this.origin, { rejectUnauthorized: false });
      this.session.on('error', () => {});
    }
    return this.session;
  }

  /** Starts a request and leaves its body open, to send slowly, partly or never. */
  open({ method = 'GET', path, headers = {} }: Omit<RequestOptions, 'body'>): OpenStream {
    const stream = this.connection().request({
      ':method': method,
      ':path': path,
      ':authority': 'photoslibrary.googleapis.com',
      ...headers,
    });
    const response = new Promise<HttpResult>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      let responseHeaders: IncomingHttpHeaders = {};
      stream.on('response', (received) => {
        status = Number(received[':status']);
        responseHeaders = received;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => {
        const body = Buffer.concat(chunks);
        const declared = responseHeaders['content-length'];
        const truncated = declared !== undefined && Number(declared) !== body.length;
        if (status === 0 || truncated || stream.rstCode !== 0) {
          reject(new Error(`stream closed (status ${status}, rst ${stream.rstCode}, ${body.length} bytes)`));
        } else {
          resolve(result(status, responseHeaders, body));
        }
      });
    });
    response.catch(() => {});
    return { stream, response };
  }

  request({ body, ...options }: RequestOptions): Promise<HttpResult> {
    const { stream, response } = this.open(options);
    stream.end(body);
    return response;
  }

  close(): void {
    this.session?.close();
  }
}

/** One HTTPS/1.1 request to 127.0.0.1:`port` with the given Host header. */
export function http1Request(port: number, host: string, options: RequestOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host, ...options.headers },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(result(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface FakeGoogleServers {
  photos: PhotosClient;
  photosPort: number;
  oauthPort: number;
  /** HTTPS/1.1 to accounts.google.com or oauth2.googleapis.com. */
  oauth(host: string, options: RequestOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

export async function startFakeGoogleServers(google: FakeGoogle): Promise<FakeGoogleServers> {
  const { key, cert } = await testCertificate();
  const mount = (service: FakeService) => (req: FakeRequest, res: FakeResponse) => {
    void service.handle(req, res, urlFor(service, req));
  };
  const { photosService, oauthService } = google;
  // chromium-e2e.md "Later findings": the default 10 MB session memory drops upload-heavy clients.
  const photosServer = createSecureServer(
    { key, cert, allowHTTP1: true, maxSessionMemory: 256 },
    mount(photosService),
  );
  const oauthServer = createHttpsServer({ key, cert }, mount(oauthService));
  const [photosPort, oauthPort] = await Promise.all([listen(photosServer), listen(oauthServer)]);
  const photos = new PhotosClient(`https://127.0.0.1:${photosPort}`);
  return {
    photos,
    photosPort,
    oauthPort,
    oauth: (host, options) => http1Request(oauthPort, host, options),
    close: async () => {
      photos.close();
      oauthServer.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => photosServer.close(resolve)),
        new Promise((resolve) => oauthServer.close(resolve)),
      ]);
    },
  };
}

export interface ServedFakeGoogle {
  google: FakeGoogle;
  /** The clock the fake reads. */
  clock: FakeClock;
  /** Usable inside the tests and the hooks after this call (they start before the first test). */
  servers: FakeGoogleServers;
}

/**
 * For a test file: one fake Google on a clock of its own, served on local servers from before the
 * file's first test until after its last.
 */
export function serveFakeGoogle(options: Omit<FakeGoogleOptions, 'clock'> = {}): ServedFakeGoogle {
  const clock = new FakeClock();
  const google = createFakeGoogle({ clock, ...options });
  let started: FakeGoogleServers | undefined;
  const running = (): FakeGoogleServers => {
    if (!started) throw new Error('the fake Google servers start before the first test; use them in a test');
    return started;
  };
  beforeAll(async () => {
    started = await startFakeGoogleServers(google);
  });
  afterAll(() => started?.close());
  const servers: FakeGoogleServers = {
    get photos() {
      return running().photos;
    },
    get photosPort() {
      return running().photosPort;
    },
    get oauthPort() {
      return running().oauthPort;
    },
    oauth: (host, request) => running().oauth(host, request),
    close: () => running().close(),
  };
  return { google, clock, servers };
}

/** Puts the named settings of the fake back to their defaults, before each test of a file that changes them. */
export function restoreDefaults(google: FakeGoogle, keys: readonly (keyof FakeGoogleSettings)[]): void {
  google.configure(Object.fromEntries(keys.map((key) => [key, DEFAULT_CONFIG[key]])));
}

/** Headers for a raw upload (§I1). */
export function rawUploadHeaders(token: string, fileName?: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'content-type': 'application/octet-stream',
    'x-goog-upload-content-type': 'application/octet-stream',
    'x-goog-upload-protocol': 'raw',
    ...(fileName ? { 'x-goog-upload-file-name': fileName } : {}),
  };
}

/** Uploads bytes with the raw protocol and returns the upload token. */
export async function uploadRaw(servers: FakeGoogleServers, token: string, bytes: Buffer, fileName?: string) {
  const response = await servers.photos.request({
    method: 'POST',
    path: '/v1/uploads',
    headers: rawUploadHeaders(token, fileName),
    body: bytes,
  });
  if (response.status !== 200) throw new Error(`raw upload failed: ${response.status} ${response.text}`);
  return response.text;
}

/** POSTs JSON with a bearer token. */
export function postJson(servers: FakeGoogleServers, token: string, path: string, body: unknown) {
  return servers.photos.request({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function getJson(servers: FakeGoogleServers, token: string, path: string) {
  return servers.photos.request({ path, headers: { authorization: `Bearer ${token}` } });
}
