/**
 * Ready-made faults for malformed answers a robust client must survive, for `failNext`:
 * `xiaomi.failNext('/gallery/user/galleries', MALFORMED.numericIds)`.
 */
import type { Fault } from './faults.ts';

function rewrite(describe: string, pattern: RegExp, replacement: string): Fault {
  return { kind: 'rewrite', describe, rewrite: (body) => body.replace(pattern, replacement) };
}

export const MALFORMED = {
  /** The JSON text cut in half, sent with a Content-Length that matches the cut text. */
  truncatedJson: { kind: 'truncated-json' },
  /** HTTP 200 with an HTML login page where JSON was expected. */
  htmlInsteadOfJson: { kind: 'html-page' },
  /** HTTP 200 with an empty body. */
  emptyBody: { kind: 'raw', status: 200, contentType: 'application/json;charset=UTF-8', body: '' },
  /** `data` is null in an otherwise successful envelope. */
  nullData: {
    kind: 'raw',
    status: 200,
    contentType: 'application/json;charset=UTF-8',
    body: '{"result":"ok","retriable":false,"code":0,"description":"成功","data":null}',
  },
  /** An empty page although `isLastPage` is false (§5.1: A′ treats it as an error). */
  emptyPageNotLast: { kind: 'empty-page' },
  /** Item ids as JSON numbers: above 2^53 they lose precision when parsed as JS numbers. */
  numericIds: rewrite('item ids as numbers', /"id":"(\d+)"/g, '"id":$1'),
  /** No `isLastPage` at all. */
  missingIsLastPage: rewrite('no isLastPage', /"isLastPage":(?:true|false),?/, ''),
  /** No `sha1` on any item. */
  missingSha1: rewrite('no sha1', /"sha1":"[0-9a-f]{40}",/g, ''),
  /** `sha1` in upper case. */
  upperCaseSha1: {
    kind: 'rewrite',
    describe: 'sha1 in upper case',
    rewrite: (body) =>
      body.replace(/"sha1":"([0-9a-f]{40})"/g, (_, hex: string) => `"sha1":"${hex.toUpperCase()}"`),
  },
} as const satisfies Record<string, Fault>;
