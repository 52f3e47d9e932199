import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeService } from '../types.ts';
import { spkiSha256Base64 } from './certificate.ts';
import { createEchoService, type EchoReply, patternBytes } from './echo-service.ts';
import { type FakeNet, startFakeNet } from './index.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface RequestOptions {
  method?: string;
  body?: Uint8Array;
  agent?: HttpsAgent;
}

/** Chromium's SPKI allow-list accepts the fake certificate for any name (measured), so the helpers do too. */
const chromiumLikeIdentityCheck = () => undefined;

/** HTTPS/1.1 to the fake's HTTP/1.1 port, as a browser would reach `host` through the resolver rules. */
function viaHttp1(net: FakeNet, host: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: '127.0.0.1',
        port: net.ports.http1,
        servername: host,
        ca: net.certPem,
        path,
        method: options.method ?? 'GET',
        headers: { host },
        agent: options.agent ?? false,
        checkServerIdentity: chromiumLikeIdentityCheck,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** HTTP/2 to the fake's HTTP/2 port. */
function viaHttp2(net: FakeNet, host: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const session = http2Connect(`https://${host}`, {
    createConnection: () =>
      tlsConnect({
        host: '127.0.0.1',
        port: net.ports.http2,
        servername: host,
        ca: net.certPem,
        ALPNProtocols: ['h2'],
        checkServerIdentity: chromiumLikeIdentityCheck,
      }),
  });
  return new Promise<Reply>((resolve, reject) => {
    session.on('error', reject);
    const stream = session.request({ ':path': path, ':method': options.method ?? 'GET' });
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders = {};
    stream.on('response', (received) => {
      headers = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () =>
      resolve({ status: Number(headers[':status']), headers, body: Buffer.concat(chunks) }),
    );
    stream.on('error', reject);
    stream.end(options.body);
  }).finally(() => session.close());
}

const echoOf = (reply: Reply): EchoReply => JSON.parse(reply.body.toString('utf8'));

let net: FakeNet | undefined;
afterEach(async () => {
  await net?.close();
  net = undefined;
});

async function start(
  services: FakeService[],
  options?: Parameters<typeof startFakeNet>[1],
): Promise<FakeNet> {
  net = await startFakeNet(services, options);
  return net;
}

const miEcho = () => createEchoService({ name: 'any-mi', hosts: ['*.mi.com'] });
const photosEcho = () =>
  createEchoService({ name: 'photos', hosts: ['photoslibrary.googleapis.com'], http2: true });

describe('startFakeNet', () => {
  it('routes by Host to the most specific service, over the protocol each service speaks', async () => {
    const fake = await start([
      miEcho(),
      createEchoService({ name: 'web', hosts: ['i.mi.com'] }),
      photosEcho(),
    ]);

    const web = await viaHttp1(fake, 'i.mi.com', '/echo?a=1');
    const deep = await viaHttp1(fake, 'ali.xmssdn.micloud.mi.com', '/echo');
    const photos = await viaHttp2(fake, 'photoslibrary.googleapis.com', '/echo');

    expect([web.status, deep.status, photos.status]).toEqual([200, 200, 200]);
    expect(echoOf(web)).toMatchObject({ host: 'i.mi.com', path: '/echo?a=1', httpVersion: '1.1' });
    expect(echoOf(photos)).toMatchObject({ host: 'photoslibrary.googleapis.com', httpVersion: '2.0' });
    expect(fake.log.map(({ service, host }) => [service, host])).toEqual([
      ['web', 'i.mi.com'],
      ['any-mi', 'ali.xmssdn.micloud.mi.com'],
      ['photos', 'photoslibrary.googleapis.com'],
    ]);
  });

  it('answers 421 with a clear message for a host no service answers, or one served on the other port', async () => {
    const fake = await start([miEcho(), photosEcho()]);

    const unknown = await viaHttp1(fake, 'accounts.google.com', '/o/oauth2/v2/auth');
    const wrongPort = await viaHttp1(fake, 'photoslibrary.googleapis.com', '/v1/uploads');

    expect(unknown.status).toBe(421);
    expect(unknown.body.toString()).toContain("no fake service answers host 'accounts.google.com'");
    expect(wrongPort.status).toBe(421);
    expect(wrongPort.body.toString()).toContain(`served by HTTP/2 on port ${fake.ports.http2}`);
    expect(fake.log.map((record) => record.service)).toEqual([undefined, 'photos']);
  });

  it('writes resolver rules that send each host to its server, most specific first, and nothing elsewhere', async () => {
    const fake = await start([
      miEcho(),
      createEchoService({ name: 'web', hosts: ['i.mi.com'] }),
      photosEcho(),
    ]);
    const { http1, http2 } = fake.ports;

    expect(fake.hostResolverRules).toBe(
      `MAP i.mi.com 127.0.0.1:${http1}, MAP photoslibrary.googleapis.com 127.0.0.1:${http2}, ` +
        `MAP *.mi.com 127.0.0.1:${http1}, MAP * ~NOTFOUND`,
    );
    expect(fake.portFor('S010.I.MI.COM')).toBe(http1);
    expect(fake.portFor('photoslibrary.googleapis.com')).toBe(http2);
    expect(fake.portFor('example.com')).toBeUndefined();
  });

  it('presents one certificate that names every host and verifies against itself', async () => {
    const fake = await start([miEcho(), photosEcho()], { extraCertNames: ['*.xmssdn.micloud.mi.com'] });

    const names = new X509Certificate(fake.certPem).subjectAltName?.split(', ');
    expect(names).toEqual(
      expect.arrayContaining([
        'DNS:*.mi.com',
        'DNS:photoslibrary.googleapis.com',
        'DNS:*.xmssdn.micloud.mi.com',
      ]),
    );
    expect(fake.spkiHash).toBe(spkiSha256Base64(fake.certPem));
    expect(fake.spkiHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const verified = await new Promise<boolean>((resolve, reject) => {
      const socket = tlsConnect(
        {
          host: '127.0.0.1',
          port: fake.ports.http1,
          servername: 'ali.xmssdn.micloud.mi.com',
          ca: fake.certPem,
        },
        () => {
          resolve(socket.authorized);
          socket.destroy();
        },
      );
      socket.on('error', reject);
    });
    expect(verified).toBe(true);
  });

  it('logs version, status and body bytes both ways, however the handler reads and writes', async () => {
    const fake = await start([miEcho(), photosEcho()]);
    const upload = patternBytes(0, 100_000);

    const echo1 = await viaHttp1(fake, 'i.mi.com', '/echo', { method: 'POST', body: upload });
    const echo2 = await viaHttp2(fake, 'photoslibrary.googleapis.com', '/echo', {
      method: 'PUT',
      body: upload,
    });
    const download1 = await viaHttp1(fake, 'i.mi.com', '/bytes?n=300000');
    const download2 = await viaHttp2(fake, 'photoslibrary.googleapis.com', '/bytes?n=300000');
    await fake.settled();

    expect(download1.body.equals(patternBytes(0, 300_000))).toBe(true);
    expect(download2.body.length).toBe(300_000);
    const summary = fake.log.map((record) => [
      record.method,
      record.httpVersion,
      record.status,
      record.requestBytes,
      record.responseBytes,
      record.outcome,
    ]);
    // The echo replies are written with end(json) (on HTTP/2 that calls write: counted once), the
    // downloads with a stream pipeline.
    expect(summary).toEqual([
      ['POST', '1.1', 200, 100_000, echo1.body.length, 'complete'],
      ['PUT', '2.0', 200, 100_000, echo2.body.length, 'complete'],
      ['GET', '1.1', 200, 0, 300_000, 'complete'],
      ['GET', '2.0', 200, 0, 300_000, 'complete'],
    ]);
  });

  it('logs an exchange the client cuts off as aborted', async () => {
    const fake = await start([miEcho()]);
    const cutOff = viaHttp1(fake, 'i.mi.com', '/hang', { method: 'POST', body: patternBytes(0, 1000) });
    await until(() => fake.log[0]?.requestBytes === 1000);

    fake.resetConnections();

    await expect(cutOff).rejects.toThrow(/ECONNRESET|socket hang up/);
    await fake.settled();
    expect(fake.log[0]).toMatchObject({ outcome: 'aborted', status: 0, requestBytes: 1000 });
    // The link itself survives a reset: new connections work.
    expect((await viaHttp1(fake, 'i.mi.com', '/echo')).status).toBe(200);
  });

  it('answers 500 when a handler throws and keeps the error in the log', async () => {
    const broken: FakeService = {
      name: 'broken',
      hosts: ['i.mi.com'],
      http2: false,
      handle: () => {
        throw new Error('fixture table is empty');
      },
    };
    const fake = await start([broken]);

    const reply = await viaHttp1(fake, 'i.mi.com', '/gallery/user/album/list');

    expect(reply.status).toBe(500);
    expect(reply.body.toString()).toContain('broken failed: Error: fixture table is empty');
    expect(fake.log[0]?.error).toContain('fixture table is empty');
  });

  it('delays every request by the latency and throttles bodies to the link rates', async () => {
    const fake = await start([miEcho()], { shaping: { latencyMs: 300 } });
    // Lower bounds only: a busy machine can make these slower, never faster.
    const started = performance.now();
    await viaHttp1(fake, 'i.mi.com', '/echo');
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);

    fake.shaping.latencyMs = 0;
    fake.shaping.uploadBytesPerSec = 400_000;
    const uploadStarted = performance.now();
    await viaHttp1(fake, 'i.mi.com', '/echo', { method: 'POST', body: patternBytes(0, 200_000) });
    expect(performance.now() - uploadStarted).toBeGreaterThanOrEqual(450);

    fake.shaping.uploadBytesPerSec = Number.POSITIVE_INFINITY;
    fake.shaping.downloadBytesPerSec = 400_000;
    const downloadStarted = performance.now();
    await viaHttp1(fake, 'i.mi.com', '/bytes?n=200000');
    expect(performance.now() - downloadStarted).toBeGreaterThanOrEqual(450);
  });

  it('close() ends idle keep-alive connections and stops listening', async () => {
    const fake = await start([miEcho()]);
    const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
    await viaHttp1(fake, 'i.mi.com', '/echo', { agent });
    const [socket] = Object.values(agent.freeSockets).flat();
    expect(socket?.destroyed).toBe(false);

    await fake.close();

    await until(() => socket?.destroyed === true);
    await expect(viaHttp1(fake, 'i.mi.com', '/echo')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });
});

/** Polls a condition that another party (server, socket) makes true soon. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
