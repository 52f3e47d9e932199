/**
 * Requests to the Xiaomi web hosts (i.mi.com and its regional and shard siblings). They ride the
 * browser's own session: `credentials: 'include'` lets the browser attach and rotate the
 * `serviceToken` cookie; this module never reads or sends a credential itself.
 */
import type { Clock } from '../shared/clock.ts';
import { asNetworkError } from '../shared/errors.ts';
import type { FetchLike } from '../shared/fetch.ts';
import { readApiData } from './envelope.ts';
import type { JsonObject } from './fields.ts';
import type { RetryContext } from './retry.ts';

export interface XiaomiHttp {
  fetch: FetchLike;
  clock: Clock;
  retry: RetryContext;
}

export type QueryParams = Record<string, string | number | boolean>;

/** Every GET carries `ts` (client epoch ms), as the web app does; it is only a cache-buster (§2.4). */
function apiUrl(host: string, path: string, params: QueryParams, now: number): string {
  const url = new URL(path, `https://${host}`);
  url.searchParams.set('ts', String(now));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  return url.href;
}

/** `fetch`, with a refused connection reported as the retryable 'network-error' (abort stays abort). */
export async function fetchOrFail(http: XiaomiHttp, url: string, init: RequestInit): Promise<Response> {
  try {
    return await http.fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason;
    throw asNetworkError(error);
  }
}

export interface ApiRequestOptions {
  signal?: AbortSignal;
  /** False where the payload is undocumented and only success matters (keep-alive, §2.2). */
  dataRequired?: boolean;
}

export interface ApiAnswer {
  data: JsonObject;
  /** The host that finally answered: differs from the one asked after a shard redirect. */
  servedBy: string;
}

/**
 * One GET of an API endpoint. `i.mi.com` may redirect to a shard such as `s010.i.mi.com` with a
 * fresh `serviceToken`, and the first request there may get a 401 that an immediate retry turns
 * into a 200 (xiaomi-api.md §1.1), so a 401 that came back from another host is retried once there.
 */
export async function getApiData(
  http: XiaomiHttp,
  host: string,
  path: string,
  params: QueryParams,
  { signal, dataRequired = true }: ApiRequestOptions = {},
): Promise<ApiAnswer> {
  const requested = apiUrl(host, path, params, http.clock.now());
  const init: RequestInit = { credentials: 'include', signal };
  let response = await fetchOrFail(http, requested, init);
  let servedBy = new URL(response.url || requested);
  if (response.status === 401 && servedBy.host !== host) {
    await response.body?.cancel();
    response = await fetchOrFail(http, servedBy.href, init);
    servedBy = new URL(response.url || servedBy.href);
  }
  return { data: await readApiData(response, path, dataRequired), servedBy: servedBy.host };
}
