/**
 * Fault injection: one-off scripted faults for the next matching request, and random failures at a
 * seeded rate. Each fault says how an answer goes wrong; the pipeline (router.ts) decides where it
 * applies: instead of the answer, to the answer's body, or inside an endpoint.
 */
import type { Random } from '../random.ts';

export type Fault =
  /** An nginx HTML error page with this 5xx status (default 502). */
  | { kind: 'server-error'; status?: number }
  /** HTTP 200 `{"result":"error","retriable":true,"code":…}` (§3.1). */
  | { kind: 'retriable'; code?: number }
  /** HTTP 401 with the session-error body (§3.2); `secondValidation` sets `isSecondValidation`. */
  | { kind: 'unauthorized'; secondValidation?: boolean }
  /** HTTP 200 `{"code":50050,…}`: the item is deleted (§3.3). */
  | { kind: 'deleted' }
  /** HTTP 200 (or `status`) with an HTML page where JSON was expected (a login or WAF page). */
  | { kind: 'html-page'; status?: number }
  /** Any answer at all. */
  | { kind: 'raw'; status: number; contentType: string; body: string }
  /** The normal answer, cut to its first half but sent as if complete (matching Content-Length). */
  | { kind: 'truncated-json' }
  /** The normal answer's text, rewritten (a missing field, a numeric id…; see malformed.ts). */
  | { kind: 'rewrite'; describe: string; rewrite: (body: string) => string }
  /** The connection drops after this many body bytes of the normal answer. */
  | { kind: 'reset'; afterBytes: number }
  /** The normal answer with one byte flipped (default: the middle one), so the SHA-1 mismatches. */
  | { kind: 'corrupt'; atByte?: number }
  /** A listing page that is empty although `isLastPage` is false (A′ treats it as an error, §5.1). */
  | { kind: 'empty-page' }
  /** Step 2 answers JSONP with this callback name instead of the configured one (§6.2). */
  | { kind: 'jsonp-callback'; name: string }
  /** A signed step-2 or step-3 URL is treated as expired. */
  | { kind: 'link-expired' }
  /** Hold the request this long (real time), then answer normally. */
  | { kind: 'delay'; ms: number };

/**
 * Which requests a scripted fault hits: a string matches when the URL path contains it
 * ('/gallery/storage', 'download_file'); a RegExp is tested on host + path + query
 * (/s010\.i\.mi\.com\/gallery\/user\/galleries.*pageNum=3/).
 */
export type RequestPattern = string | RegExp;

interface Scripted {
  pattern: RequestPattern;
  fault: Fault;
  remaining: number;
}

export class Faults {
  private scripted: Scripted[] = [];

  constructor(private readonly random: Random) {}

  failNext(pattern: RequestPattern, fault: Fault, times = 1): void {
    this.scripted.push({ pattern, fault, remaining: times });
  }

  clear(): void {
    this.scripted = [];
  }

  /** The fault for this request, if any: the first scripted one that matches, used up as it fires. */
  take(url: URL): Fault | undefined {
    const index = this.scripted.findIndex(({ pattern }) =>
      typeof pattern === 'string'
        ? url.pathname.includes(pattern)
        : pattern.test(`${url.hostname}${url.pathname}${url.search}`),
    );
    const entry = this.scripted[index];
    if (!entry) return undefined;
    if (--entry.remaining <= 0) this.scripted.splice(index, 1);
    return entry.fault;
  }

  /** A random failure at `rate`: a 502/503 page, or on JSON endpoints half the time a retriable error. */
  roll(rate: number, json: boolean): Fault | undefined {
    if (rate <= 0 || this.random() >= rate) return undefined;
    if (json && this.random() < 0.5) return { kind: 'retriable' };
    return { kind: 'server-error', status: this.random() < 0.5 ? 502 : 503 };
  }
}
