/**
 * Original bytes of one item (xiaomi-api.md §6): `/gallery/storage` → signed link; GET link →
 * JSONP `{url, meta}`; POST `meta=…` to `url` → bytes. The links are signed and time-limited, so
 * the three steps run back to back and any transient failure — including a refused (expired)
 * link at step 2 or 3 — redoes all three.
 *
 * Steps 2 and 3 go to pre-signed storage URLs that need no cookie (§6.2, §6.3, A); they are sent
 * with `credentials: 'omit'` so the session cookie never travels beyond the web host, whatever
 * host the link names.
 */
import { MigrationError } from '../shared/errors.ts';
import type { SourceItem } from '../shared/model.ts';
import { readResponseText } from './envelope.ts';
import { malformed, readString } from './fields.ts';
import { fetchOrFail, getApiData, type XiaomiHttp } from './http.ts';
import { parseSignedDownload, type SignedDownload } from './jsonp.ts';
import { withRetry } from './retry.ts';
import { type VerifyingStream, verifyingStream } from './verified-stream.ts';

export interface DownloadOptions {
  /** File position to start from; bytes before it were delivered by an earlier download. */
  offset?: number;
  /** `hashState()` of that earlier download at `offset`. Without it the prefix is fetched again. */
  hashState?: Uint8Array;
  signal?: AbortSignal;
  /** False when the reader hashes the bytes itself (see verified-stream.ts). Default true. */
  hash?: boolean;
}

export interface VerifiedDownload extends VerifyingStream {
  /** Bytes of the whole file as the storage host declares it (the listing's size otherwise). */
  readonly totalSize: number;
  /** True when the host answered the Range request with 206; false when it sent the whole body. */
  readonly rangeHonoured: boolean;
}

/** A storage host's refusal: most likely an expired signature, so the caller starts over at step 1. */
function storageRefusal(step: string, response: Response): MigrationError {
  return new MigrationError('xiaomi-server-error', `${step}: HTTP ${response.status}`, {
    status: response.status,
  });
}

const CONTENT_RANGE = /^bytes (\d+)-\d+\/(\d+|\*)$/;

interface BodyExtent {
  bodyStart: number;
  totalSize: number | undefined;
}

function extentOf(response: Response, offset: number): BodyExtent {
  if (response.status === 206) {
    const match = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
    if (!match) return { bodyStart: offset, totalSize: undefined };
    return { bodyStart: Number(match[1]), totalSize: match[2] === '*' ? undefined : Number(match[2]) };
  }
  // A compressed body's Content-Length counts the wire bytes, not the file's.
  const length = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
  return { bodyStart: 0, totalSize: length === null ? undefined : Number(length) };
}

async function signedLink(
  http: XiaomiHttp,
  host: string,
  item: SourceItem,
  signal?: AbortSignal,
): Promise<string> {
  const { data } = await getApiData(http, host, '/gallery/storage', { id: item.id }, { signal });
  const url = readString(data.url);
  if (!url || !URL.canParse(url)) throw malformed(`/gallery/storage for ${item.id}: no download link`);
  return url;
}

/** Steps 1 and 2: the signed step-3 URL and the `meta` its POST must carry. */
async function resolveOnce(
  http: XiaomiHttp,
  host: string,
  item: SourceItem,
  signal?: AbortSignal,
): Promise<SignedDownload> {
  const link = await signedLink(http, host, item, signal);
  const linkResponse = await fetchOrFail(http, link, { credentials: 'omit', signal });
  if (!linkResponse.ok) {
    await linkResponse.body?.cancel();
    throw storageRefusal(`download link for ${item.id}`, linkResponse);
  }
  return parseSignedDownload(await readResponseText(linkResponse));
}

async function openOnce(
  http: XiaomiHttp,
  host: string,
  item: SourceItem,
  { offset = 0, hashState, signal, hash }: DownloadOptions,
): Promise<VerifiedDownload> {
  const { url, meta } = await resolveOnce(http, host, item, signal);

  // Range is unknown territory (§6.3, §11.2): asked only when a saved hash lets the prefix be skipped.
  const askRange = offset > 0 && hashState !== undefined;
  const response = await fetchOrFail(http, url, {
    method: 'POST',
    body: new URLSearchParams({ meta }),
    headers: askRange ? { Range: `bytes=${offset}-` } : {},
    credentials: 'omit',
    signal,
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw storageRefusal(`download of ${item.id}`, response);
  }
  const { bodyStart, totalSize = item.size } = extentOf(response, offset);
  if (bodyStart > offset) {
    await response.body?.cancel();
    throw new MigrationError(
      'unexpected-response',
      `download of ${item.id} starts at ${bodyStart}, after ${offset}`,
    );
  }
  const verifying = await verifyingStream(response.body ?? new Blob([]).stream(), {
    sha1: item.sha1,
    offset,
    bodyStart,
    hashState,
    totalSize,
    label: `${item.fileName} (${item.id})`,
    signal,
    hash,
  });
  return { ...verifying, totalSize, rangeHonoured: response.status === 206 };
}

/**
 * Opens the item's bytes from `offset` as a stream hashed on the way through. Deleted items throw
 * 'xiaomi-item-deleted', a lost session XiaomiAuthError; transient failures are retried first.
 */
export function openVerifiedDownload(
  http: XiaomiHttp,
  host: string,
  item: SourceItem,
  options: DownloadOptions = {},
): Promise<VerifiedDownload> {
  return withRetry(http.retry, () => openOnce(http, host, item, options), options.signal);
}

/** Xiaomi's own hosts over https (xiaomi-api.md §1.2: storage hosts are `*.xmssdn.micloud.mi.com`). */
function isXiaomiHost(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' && (hostname === 'mi.com' || hostname.endsWith('.mi.com'));
}

/**
 * Steps 1 and 2 only, for the browser to run step 3 itself (chrome.downloads, xiaomi-api.md §9).
 * The link is signed and short-lived: use it at once. Transient failures are retried first.
 */
export async function resolveSignedDownload(
  http: XiaomiHttp,
  host: string,
  item: SourceItem,
  signal?: AbortSignal,
): Promise<SignedDownload> {
  const signed = await withRetry(http.retry, () => resolveOnce(http, host, item, signal), signal);
  // The browser POSTs there with whatever cookies it holds for that host, and the address came
  // from an answer over the network: only Xiaomi's own hosts qualify, never a third party's.
  if (!isXiaomiHost(signed.url)) {
    throw new MigrationError(
      'unexpected-response',
      `the download link of ${item.fileName} (${item.id}) leads outside mi.com: ${new URL(signed.url).origin}`,
    );
  }
  return signed;
}
