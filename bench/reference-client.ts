/**
 * The reference client: the same migration as the extension with nothing but the protocol minimum,
 * in plain Node and without any of the extension's code. It lists every selected album (100 items
 * a page), downloads each item in Xiaomi's three steps, checks its SHA-1 (Node's native hash),
 * uploads it raw (≤ 50 MiB) or in 8 MiB resumable chunks, creates media items in batches of 50
 * (one write at a time, as Google requires) and adds items that are in a second album with
 * batchAddMediaItems. A fixed pool of workers moves items; there is no persistence, no retry
 * and no UI. It is what "the link and the fakes allow" on this machine, so the benchmark can
 * state the extension's throughput as a ratio that holds on a slow or noisy machine.
 *
 * It runs in its own process (the fakes then do not share its event loop, as they do not share
 * Chromium's): `node --import tsx bench/reference-client.ts` reads a `ReferenceConfig` as JSON on
 * stdin and writes a `ReferenceResult` as JSON on stdout.
 */
import { createHash } from 'node:crypto';
import type { SeedCookie } from '../test/contract/support/cookie-jar.ts';
import { createNodeFetch, type NodeFetch } from '../test/contract/support/node-fetch.ts';
import type { FakeNet } from '../test/fakes/net/index.ts';

export const PHOTOS_HOST = 'photoslibrary.googleapis.com';
const PHOTOS_API = `https://${PHOTOS_HOST}/v1`;
const XIAOMI_WEB = 'https://i.mi.com';
const MIB = 1024 * 1024;

export interface ReferenceConfig {
  /** Where the fake network listens (FakeNet.ports) and its certificate. */
  ports: { http1: number; http2: number };
  certPem: string;
  /** The Xiaomi session cookies (FakeXiaomi.sessionCookies()). */
  cookies: SeedCookie[];
  /** A Photos Library access token (FakeGoogle.issueAccessToken()). */
  accessToken: string;
  /** Xiaomi album ids to move; the first album of an item is where it is created. */
  albumIds: string[];
  /** Items moved at once. Default 8. */
  concurrency?: number;
  /** Default 50 MiB, as the extension. */
  rawUploadLimit?: number;
  /** Default 8 MiB, as the extension. */
  chunkBytes?: number;
  /** Default 100, the most the extension asks Xiaomi for. */
  pageSize?: number;
}

export interface ReferenceResult {
  /** Epoch ms of the first request and of the end of the last one. */
  startedAt: number;
  endedAt: number;
  items: number;
  bytes: number;
  /** Problems (a SHA-1 mismatch, a refused request); empty when all went well. */
  problems: string[];
}

interface ListedItem {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha1: string;
  albums: string[];
}

const SYSTEM_TITLES: Record<string, string> = { '1': 'Camera', '2': 'Screenshots', '1000': 'Private album' };

/** A FakeNet as far as createNodeFetch needs one, rebuilt in this process from its ports. */
function netOf(config: ReferenceConfig): FakeNet {
  const net: Pick<FakeNet, 'portFor' | 'certPem' | 'ports'> = {
    certPem: config.certPem,
    ports: config.ports,
    portFor: (host) =>
      host === PHOTOS_HOST
        ? config.ports.http2
        : host === 'mi.com' || host.endsWith('.mi.com')
          ? config.ports.http1
          : undefined,
  };
  return net as FakeNet;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
}

async function xiaomiData(fetch: NodeFetch, path: string, params: Record<string, string | number>) {
  const url = new URL(path, XIAOMI_WEB);
  url.searchParams.set('ts', String(Date.now()));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  const response = await ok(await fetch(url, { credentials: 'include' }), path);
  const body = (await response.json()) as { code?: number; data?: Record<string, unknown> };
  if (body.code !== 0 || !body.data) throw new Error(`${path}: code ${body.code}`);
  return body.data;
}

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

class Reference {
  private readonly fetch: NodeFetch;
  private readonly concurrency: number;
  private readonly rawUploadLimit: number;
  private readonly chunkBytes: number;
  private readonly pageSize: number;
  private readonly auth: Record<string, string>;
  /** Google writes (albums.create, batchCreate, batchAddMediaItems) never overlap. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, { item: ListedItem; token: string }[]>();
  private readonly googleAlbum = new Map<string, string>();
  private readonly created = new Map<string, string>();
  readonly problems: string[] = [];

  constructor(private readonly config: ReferenceConfig) {
    this.fetch = createNodeFetch(netOf(config));
    this.fetch.cookies.add(config.cookies);
    this.concurrency = config.concurrency ?? 8;
    this.rawUploadLimit = config.rawUploadLimit ?? 50 * MIB;
    this.chunkBytes = config.chunkBytes ?? 8 * MIB;
    this.pageSize = config.pageSize ?? 100;
    this.auth = { Authorization: `Bearer ${config.accessToken}` };
  }

  async run(): Promise<{ items: number; bytes: number }> {
    const { albumTitles, items } = await this.list();
    for (const albumId of this.config.albumIds) {
      if (!items.some((item) => item.albums.includes(albumId))) continue;
      const title = albumTitles.get(albumId) ?? albumId;
      this.googleAlbum.set(albumId, await this.write(() => this.createAlbum(title)));
    }
    const queue = [...items];
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const token = await this.transfer(item);
        const primary = item.albums[0]!;
        const waiting = [...(this.pending.get(primary) ?? []), { item, token }];
        this.pending.set(primary, waiting);
        if (waiting.length >= 50) {
          this.pending.set(primary, []);
          void this.write(() => this.batchCreate(primary, waiting)).catch((e) =>
            this.problems.push(String(e)),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    for (const [albumId, waiting] of this.pending) {
      if (waiting.length > 0) void this.write(() => this.batchCreate(albumId, waiting));
    }
    await this.write(async () => {});
    const others = new Map<string, string[]>();
    for (const item of items) {
      const mediaItemId = this.created.get(item.id);
      if (!mediaItemId) continue;
      for (const albumId of item.albums.slice(1))
        others.set(albumId, [...(others.get(albumId) ?? []), mediaItemId]);
    }
    for (const [albumId, ids] of others) {
      for (let i = 0; i < ids.length; i += 50) {
        await this.write(() => this.batchAdd(this.googleAlbum.get(albumId)!, ids.slice(i, i + 50)));
      }
    }
    return { items: items.length, bytes: items.reduce((sum, item) => sum + item.size, 0) };
  }

  private write<T>(call: () => Promise<T>): Promise<T> {
    const next = this.writes.then(call);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async list(): Promise<{ albumTitles: Map<string, string>; items: ListedItem[] }> {
    const albumTitles = new Map<string, string>();
    for (let pageNum = 0; ; pageNum++) {
      const data = await xiaomiData(this.fetch, '/gallery/user/album/list', {
        pageNum,
        pageSize: this.pageSize,
        isShared: 'false',
        numOfThumbnails: 1,
      });
      for (const album of data.albums as { albumId: string; name: string | null }[]) {
        albumTitles.set(album.albumId, SYSTEM_TITLES[album.albumId] ?? (album.name || 'Untitled album'));
      }
      if (data.isLastPage) break;
    }
    const items = new Map<string, ListedItem>();
    for (const albumId of this.config.albumIds) {
      for (let pageNum = 0; ; pageNum++) {
        const data = await xiaomiData(this.fetch, '/gallery/user/galleries', {
          albumId,
          pageNum,
          pageSize: this.pageSize,
        });
        for (const entry of data.galleries as Omit<ListedItem, 'albums'>[]) {
          const known = items.get(entry.id);
          if (known) known.albums.push(albumId);
          else
            items.set(entry.id, {
              id: entry.id,
              fileName: entry.fileName,
              mimeType: entry.mimeType,
              size: entry.size,
              sha1: entry.sha1,
              albums: [albumId],
            });
        }
        if (data.isLastPage) break;
      }
    }
    return { albumTitles, items: [...items.values()] };
  }

  /** Xiaomi's three steps: signed link, JSONP with the download URL, POST for the bytes. */
  private async download(item: ListedItem): Promise<ReadableStream<Uint8Array>> {
    const { url: link } = (await xiaomiData(this.fetch, '/gallery/storage', { id: item.id })) as {
      url: string;
    };
    const jsonp = await (await ok(await this.fetch(link, { credentials: 'omit' }), 'download link')).text();
    const { url, meta } = JSON.parse(jsonp.slice(jsonp.indexOf('(') + 1, jsonp.lastIndexOf(')'))) as {
      url: string;
      meta: string;
    };
    const response = await ok(
      await this.fetch(url, { method: 'POST', body: new URLSearchParams({ meta }), credentials: 'omit' }),
      'download',
    );
    return response.body!;
  }

  private async transfer(item: ListedItem): Promise<string> {
    const body = await this.download(item);
    const sha1 = createHash('sha1');
    const describing: Record<string, string> = { 'X-Goog-Upload-Content-Type': item.mimeType };
    if (/^[\x20-\x7e]+$/.test(item.fileName)) describing['X-Goog-Upload-File-Name'] = item.fileName;
    const checkHash = () => {
      const actual = sha1.digest('hex');
      if (actual !== item.sha1) throw new Error(`${item.fileName}: SHA-1 ${actual} is not ${item.sha1}`);
    };
    if (item.size <= this.rawUploadLimit) {
      const parts: Uint8Array[] = [];
      for await (const part of chunksOf(body)) {
        sha1.update(part);
        parts.push(part);
      }
      checkHash();
      const response = await this.fetch(`${PHOTOS_API}/uploads`, {
        method: 'POST',
        headers: {
          ...this.auth,
          'Content-Type': 'application/octet-stream',
          'X-Goog-Upload-Protocol': 'raw',
          ...describing,
        },
        body: Buffer.concat(parts),
      });
      return (await (await ok(response, 'raw upload')).text()).trim();
    }
    const start = await ok(
      await this.fetch(`${PHOTOS_API}/uploads`, {
        method: 'POST',
        headers: {
          ...this.auth,
          'X-Goog-Upload-Command': 'start',
          'X-Goog-Upload-Protocol': 'resumable',
          'X-Goog-Upload-Raw-Size': String(item.size),
          ...describing,
        },
        body: '',
      }),
      'start session',
    );
    await start.text();
    const sessionUrl = start.headers.get('x-goog-upload-url')!;
    let offset = 0;
    let buffered: Uint8Array[] = [];
    let bufferedBytes = 0;
    const send = async (last: boolean): Promise<string> => {
      const chunk = Buffer.concat(buffered, bufferedBytes);
      buffered = [];
      bufferedBytes = 0;
      if (last) checkHash();
      const response = await ok(
        await this.fetch(sessionUrl, {
          method: 'POST',
          headers: {
            ...this.auth,
            'X-Goog-Upload-Command': last ? 'upload, finalize' : 'upload',
            'X-Goog-Upload-Offset': String(offset),
            'X-Goog-Upload-Protocol': 'resumable',
          },
          body: chunk,
        }),
        'upload chunk',
      );
      offset += chunk.byteLength;
      return (await response.text()).trim();
    };
    for await (const part of chunksOf(body)) {
      sha1.update(part);
      let rest = part;
      while (bufferedBytes + rest.byteLength >= this.chunkBytes && offset + this.chunkBytes < item.size) {
        const take = this.chunkBytes - bufferedBytes;
        buffered.push(rest.subarray(0, take));
        bufferedBytes += take;
        rest = rest.subarray(take);
        await send(false);
      }
      if (rest.byteLength > 0) {
        buffered.push(rest);
        bufferedBytes += rest.byteLength;
      }
    }
    return send(true);
  }

  private async createAlbum(title: string): Promise<string> {
    const response = await this.fetch(`${PHOTOS_API}/albums`, {
      method: 'POST',
      headers: { ...this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ album: { title } }),
    });
    return ((await (await ok(response, 'albums.create')).json()) as { id: string }).id;
  }

  private async batchCreate(albumId: string, batch: { item: ListedItem; token: string }[]): Promise<void> {
    const response = await this.fetch(`${PHOTOS_API}/mediaItems:batchCreate`, {
      method: 'POST',
      headers: { ...this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        albumId: this.googleAlbum.get(albumId),
        newMediaItems: batch.map(({ item, token }) => ({
          simpleMediaItem: { uploadToken: token, fileName: item.fileName },
        })),
      }),
    });
    const { newMediaItemResults } = (await (await ok(response, 'batchCreate')).json()) as {
      newMediaItemResults: { uploadToken: string; mediaItem?: { id: string } }[];
    };
    const byToken = new Map(newMediaItemResults.map((result) => [result.uploadToken, result.mediaItem?.id]));
    for (const { item, token } of batch) {
      const id = byToken.get(token);
      if (id) this.created.set(item.id, id);
      else this.problems.push(`${item.fileName}: not created`);
    }
  }

  private async batchAdd(albumId: string, mediaItemIds: string[]): Promise<void> {
    const response = await this.fetch(`${PHOTOS_API}/albums/${albumId}:batchAddMediaItems`, {
      method: 'POST',
      headers: { ...this.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ mediaItemIds }),
    });
    await (await ok(response, 'batchAddMediaItems')).text();
  }
}

/** Runs the reference migration in this process. */
export async function runReference(config: ReferenceConfig): Promise<ReferenceResult> {
  const reference = new Reference(config);
  const startedAt = Date.now();
  try {
    const { items, bytes } = await reference.run();
    return { startedAt, endedAt: Date.now(), items, bytes, problems: reference.problems };
  } catch (error) {
    return { startedAt, endedAt: Date.now(), items: 0, bytes: 0, problems: [String(error)] };
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = JSON.parse(await readStdin()) as ReferenceConfig;
  const result = await runReference(config);
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
  // Open HTTP/2 sessions would keep the process alive.
  process.exit(0);
}
