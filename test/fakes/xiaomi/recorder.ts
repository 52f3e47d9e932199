/**
 * What the fake saw: one record per request (kept up to date while the answer goes out) and a count
 * per endpoint, so a test can say "listing 20,000 items cost exactly ceil(20000/pageSize) calls".
 */

export const ENDPOINTS = [
  'page',
  'fake-login',
  'fake-verify-phone',
  'user-login',
  'album-list',
  'album-full',
  'galleries',
  'timeline',
  'allitems',
  'deleted-items',
  'common-check',
  'enc-info',
  'index-prepare',
  'setting',
  'quota',
  'storage',
  'storage-resolve',
  'storage-download',
  'thumbnail',
  'unknown',
] as const;

/**
 * - `storage`: step 1, `GET /gallery/storage?id=` (§6.1); `storage-resolve`: step 2, the JSONP
 *   (§6.2); `storage-download`: step 3, the POST that returns the bytes (§6.3).
 * - `setting`: `/status/lite/setting` (AutoRenewal keep-alive, §2.2); `quota`: `/status/lite/alldetail`.
 * - `page`: the HTML pages at `/` and `/gallery/h5`; `fake-login`, `fake-verify-phone`: test helpers.
 */
export type Endpoint = (typeof ENDPOINTS)[number];

export interface XiaomiRequestRecord {
  /** 0, 1, 2… in arrival order. */
  readonly seq: number;
  /** Fake-clock time of arrival, epoch ms. */
  readonly at: number;
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly endpoint: Endpoint;
  /** Names of the cookies the request carried, in order (a name appears twice if sent twice). */
  readonly cookieNames: readonly string[];
  /** 0 until the response head is sent. */
  status: number;
  /** Response body bytes written so far. */
  bytesSent: number;
  /** The injected fault that shaped this answer, if any. */
  fault: string | undefined;
  /** False while the answer is still going out, or when the connection was cut. */
  completed: boolean;
}

export class Recorder {
  readonly requests: XiaomiRequestRecord[] = [];
  readonly counters: Record<Endpoint, number> = Object.fromEntries(
    ENDPOINTS.map((name) => [name, 0]),
  ) as Record<Endpoint, number>;

  start(
    fields: Omit<XiaomiRequestRecord, 'seq' | 'status' | 'bytesSent' | 'fault' | 'completed'>,
  ): XiaomiRequestRecord {
    const record: XiaomiRequestRecord = {
      seq: this.requests.length,
      ...fields,
      status: 0,
      bytesSent: 0,
      fault: undefined,
      completed: false,
    };
    this.requests.push(record);
    this.counters[fields.endpoint]++;
    return record;
  }

  clear(): void {
    this.requests.length = 0;
    for (const name of ENDPOINTS) this.counters[name] = 0;
  }
}
