/**
 * The three-step download of an original (xiaomi-api.md §6):
 *   1. `GET /gallery/storage?id=` (cookies) → `{code:0,data:{url}}`, a signed step-2 URL on a storage
 *      host; code 50050 inside HTTP 200 for a deleted item;
 *   2. `GET <url>` (no cookies) → JSONP `dl_img_cb({"url":…,"meta":…})`;
 *   3. `POST <url>` with the form body `meta=…` → the bytes, with Content-Length; 4xx when `meta`
 *      does not match or the link expired; `Range` honoured (206) or ignored (200) as configured.
 */
import type { LibraryItem } from '../library/library.ts';
import { DELETED_BODY, okBody } from './bodies.ts';
import {
  type Exchange,
  type FakeContext,
  type Handler,
  privateAlbumLocked,
  readBody,
  replyUnauthorized,
} from './context.ts';
import { jsonText } from './json-text.ts';
import { CONTENT_TYPE } from './reply.ts';
import { STORAGE_BUCKET } from './thumbnails.ts';

export const STORAGE_PATH = /^\/gallery\/(?:\d+\/)?storage$/;
export const RESOLVE_PATH = /^\/mic\/dl\/(\d+)$/;
export const DOWNLOAD_PATH = `/2/${STORAGE_BUCKET}/download_file`;
export const DEFAULT_JSONP_CALLBACK = 'dl_img_cb';

interface DownloadLink {
  readonly itemId: string;
  readonly meta: string;
  readonly issuedAt: number;
}

/** Step-3 links handed out by step 2, by their signature (the URL names no item, as in the §10 fixture). */
export class DownloadLinks {
  private readonly links = new Map<string, DownloadLink>();
  private issued = 0;

  constructor(private readonly fake: FakeContext) {}

  issue(item: LibraryItem): { url: string; meta: string } {
    const { signer, clock, behaviour } = this.fake;
    const issuedAt = clock.now();
    const meta = signer.sign(['meta', item.id, issuedAt, this.issued++], 36);
    const fileName = Buffer.from(item.fileName, 'utf8').toString('base64url');
    const sig = signer.sign(['download', fileName, issuedAt, meta]);
    this.links.set(sig, { itemId: item.id, meta, issuedAt });
    const url =
      `https://${behaviour.downloadHost}${DOWNLOAD_PATH}?attachment=0&fn=${fileName}` +
      `&ct=application%2Foctet-stream&ts=${issuedAt}&sig=${sig}`;
    return { url, meta };
  }

  find(sig: string | null): DownloadLink | undefined {
    return sig === null ? undefined : this.links.get(sig);
  }
}

function expired(issuedAt: number, exchange: Exchange, fake: FakeContext): boolean {
  return (
    exchange.fault?.kind === 'link-expired' ||
    fake.clock.now() - issuedAt > fake.behaviour.signedUrlLifetimeMs
  );
}

function refuse(exchange: Exchange, status: number, reason: string): Promise<void> {
  return exchange.reply.text(status, CONTENT_TYPE.text, reason);
}

function fromRefusedOrigin(exchange: Exchange, fake: FakeContext): boolean {
  const origin = exchange.req.headers.origin ?? '';
  return fake.behaviour.rejectExtensionOrigin && /^(chrome|moz)-extension:\/\//.test(origin);
}

/** Step 1. An unknown id is answered like a deleted one. */
export const storage: Handler = async (exchange, fake) => {
  const query = exchange.url.searchParams;
  const item = fake.catalog.item(query.get('id') ?? '');
  if (!item) return exchange.reply.json(200, DELETED_BODY);
  if (privateAlbumLocked(fake, item.albumIds)) return replyUnauthorized(exchange, true);
  const ts = fake.clock.now();
  const callback = query.get('callBack') ?? '';
  const sig = fake.signer.sign(['resolve', item.id, ts, callback]);
  const url =
    `https://${fake.behaviour.resolveHost}/mic/dl/${item.id}?ts=${ts}&sig=${sig}` +
    (callback ? `&cb=${encodeURIComponent(callback)}` : '');
  return exchange.reply.json(200, okBody({ url }, ts));
};

/** Step 2: the callback is the configured name, the `callBack` sent in step 1 ('echo'), or a fault's. */
export const resolve =
  (links: DownloadLinks): Handler =>
  async (exchange, fake) => {
    const query = exchange.url.searchParams;
    if (fromRefusedOrigin(exchange, fake)) return refuse(exchange, 403, 'origin not allowed');
    const id = RESOLVE_PATH.exec(exchange.url.pathname)![1]!;
    const ts = Number(query.get('ts'));
    const callback = query.get('cb') ?? '';
    if (query.get('sig') !== fake.signer.sign(['resolve', id, query.get('ts') ?? '', callback])) {
      return refuse(exchange, 403, 'signature mismatch');
    }
    if (expired(ts, exchange, fake)) return refuse(exchange, 403, 'link expired');
    const item = fake.catalog.item(id);
    if (!item) return refuse(exchange, 404, 'file not found');
    const { jsonpCallback } = fake.behaviour;
    const name =
      exchange.fault?.kind === 'jsonp-callback'
        ? exchange.fault.name
        : jsonpCallback === 'echo'
          ? callback || DEFAULT_JSONP_CALLBACK
          : jsonpCallback;
    return exchange.reply.text(200, CONTENT_TYPE.javascript, `${name}(${jsonText(links.issue(item))})`);
  };

interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * A single `bytes=` range (RFC 9110 §14.1.2): undefined when absent or not understood (then the whole
 * body is served), 'unsatisfiable' when it starts past the end.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return { start, end: last + 1 };
}

/** With E2EE on and encrypted originals (an assumption, §2.5), the bytes are not the listed ones. */
function* scrambled(chunks: Iterable<Buffer>): Generator<Buffer> {
  for (const chunk of chunks) yield chunk.map((byte) => byte ^ 0x5a) as Buffer;
}

/** Step 3. */
export const download =
  (links: DownloadLinks): Handler =>
  async (exchange, fake) => {
    const { req, url, reply } = exchange;
    const link = links.find(url.searchParams.get('sig'));
    if (req.method === 'GET' && !fake.behaviour.downloadAcceptsGet)
      return refuse(exchange, 405, 'Method Not Allowed');
    if (fromRefusedOrigin(exchange, fake)) return refuse(exchange, 403, 'origin not allowed');
    if (!link) return refuse(exchange, 403, 'signature mismatch');
    if (req.method === 'POST') {
      const meta = new URLSearchParams((await readBody(req)).toString('utf8')).get('meta');
      if (meta === null) return refuse(exchange, 400, 'missing meta');
      if (meta !== link.meta) return refuse(exchange, 403, 'meta mismatch');
    }
    if (expired(link.issuedAt, exchange, fake)) return refuse(exchange, 403, 'link expired');
    const item = fake.catalog.item(link.itemId);
    if (!item) return refuse(exchange, 404, 'file not found');
    // A listing-only item (a declared 25 GB video) has no bytes; a client should never ask for them.
    if (!item.hasBytes)
      return refuse(exchange, 500, `fake: item ${item.id} is listing-only and has no bytes`);

    const size = item.size;
    const honour = fake.behaviour.range === 'honour';
    const range = honour ? parseRange(req.headers.range, size) : undefined;
    const headers = { 'content-type': CONTENT_TYPE.octets, ...(honour ? { 'accept-ranges': 'bytes' } : {}) };
    if (range === 'unsatisfiable') {
      return reply.bytes(416, { ...headers, 'content-range': `bytes */${size}` }, Buffer.alloc(0));
    }
    const { start, end } = range ?? { start: 0, end: size };
    const encrypted = fake.behaviour.e2eeStatus === 'open' && fake.behaviour.e2eeEncryptsDownloads;
    const blocks = item.blocks(start, end);
    return reply.stream(
      range ? 206 : 200,
      range ? { ...headers, 'content-range': `bytes ${start}-${end - 1}/${size}` } : headers,
      encrypted ? scrambled(blocks) : blocks,
      end - start,
    );
  };
