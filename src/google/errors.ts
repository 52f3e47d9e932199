/**
 * Turns a failed Google answer into the shared MigrationError vocabulary. Bodies come in three
 * shapes (google-photos-api.md §I5, §E11, §I7): the JSON endpoints' `{"error":{code,message,status,
 * details?}}`, the uploads endpoint's flat `{code,message}` with a google.rpc code, and the OAuth
 * endpoints' `{error,error_description}`. Anything else (HTML from a proxy, an empty body, plain
 * text) is described, never parsed for meaning. Messages are matched loosely and case-insensitively
 * because Google gives no guarantee on the wording (§E7, §K7).
 */
import { type ErrorDetails, type ErrorKind, MigrationError } from '../shared/errors.ts';
import type { RetryDelays } from './backoff.ts';
import { isRecord } from './json.ts';
import { nextPacificMidnight } from './quota-day.ts';

/** What is left of a response once it turned out not to be a success. */
export interface FailedExchange {
  status: number;
  body: string;
  contentType: string | null;
  retryAfter: string | null;
}

export interface ClassifyContext {
  /** What was being done, for the message: 'batchCreate', 'upload chunk'… */
  operation: string;
  /** The scope the call needs, named when Google says the token lacks one. */
  scope: string;
  now: number;
  delays: RetryDelays;
  /** The kind for a 4xx that no rule recognises; 'unexpected-response' unless the call knows better. */
  unrecognisedClientError?: ErrorKind;
}

interface ErrorBody {
  message: string;
  /** google.rpc code, from the flat uploads shape only (the wrapped shape repeats the HTTP status). */
  rpcCode?: number;
  /** e.g. 'PERMISSION_DENIED'. */
  rpcStatus?: string;
  /** ErrorInfo reasons and v1-style `errors[].reason`s, e.g. 'SERVICE_DISABLED'. */
  reasons: string[];
  /** google.rpc.Help links. */
  links: string[];
}

function stringsAt(items: unknown, key: string): string[] {
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) => (isRecord(item) && typeof item[key] === 'string' ? [item[key]] : []));
}

function parseErrorBody(text: string): ErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  const wrapped = json.error;
  if (isRecord(wrapped) && typeof wrapped.message === 'string') {
    const details = Array.isArray(wrapped.details) ? wrapped.details : [];
    return {
      message: wrapped.message,
      rpcStatus: typeof wrapped.status === 'string' ? wrapped.status : undefined,
      reasons: [...stringsAt(details, 'reason'), ...stringsAt(wrapped.errors, 'reason')],
      links: details.flatMap((detail) => (isRecord(detail) ? stringsAt(detail.links, 'url') : [])),
    };
  }
  if (typeof wrapped === 'string') {
    const description = typeof json.error_description === 'string' ? json.error_description : undefined;
    return { message: description ? `${wrapped}: ${description}` : wrapped, reasons: [wrapped], links: [] };
  }
  if (typeof json.code === 'number' && typeof json.message === 'string') {
    return { message: json.message, rpcCode: json.code, reasons: [], links: [] };
  }
  return undefined;
}

const EXCERPT_LENGTH = 200;

/** A few words on a body that is not Google's JSON, so a log shows what came back instead. */
function describeForeignBody(exchange: FailedExchange): string {
  const text = exchange.body.trim();
  if (!text) return 'an empty body';
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (title !== undefined || /^<(!doctype|html)/i.test(text)) return `an HTML page "${title ?? ''}"`;
  const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
  return `${exchange.contentType ?? 'a body'} "${excerpt}"`;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The first https URL in Google's words: where to enable the API (§E11). */
function firstUrl(text: string): string | undefined {
  return /https:\/\/[^\s"']+[^\s"'.,)]/.exec(text)?.[0];
}

const PATTERNS = {
  photosDisabled: /google photos is disabled/i,
  apiDisabled: /has not been used in project|api .*is disabled|has not been enabled/i,
  missingScopes: /insufficient authentication scopes/i,
  dailyQuota: /per ?day|all_requests|daily ?limit/i,
  storageFull: /remaining storage|not enough storage|storage quota/i,
  rateLimit: /quota|rate ?limit|limit exceeded|insufficient tokens/i,
  uploadToken: /valid upload token/i,
  albumMissing: /does not match any albums/i,
  checksum: /checksum/i,
  mediaItemId: /invalid media item id/i,
  sessionFinished: /finalized or rejected/i,
};

/** google.rpc.Code UNAUTHENTICATED, as the uploads endpoint's flat body carries it (§E11). */
const RPC_UNAUTHENTICATED = 16;

function describe(kind: ErrorKind, exchange: FailedExchange, context: ClassifyContext, said: string): string {
  return `Google Photos ${context.operation}: HTTP ${exchange.status} (${kind}): ${said}`;
}

/** The MigrationError for a non-2xx answer; 429s and 5xx carry how long to wait (§E5). */
export function classifyFailure(exchange: FailedExchange, context: ClassifyContext): MigrationError {
  const { status } = exchange;
  const body = parseErrorBody(exchange.body);
  const serverMessage = body?.message ?? describeForeignBody(exchange);
  const said = body ? `"${body.message}"` : serverMessage;
  const fail = (kind: ErrorKind, details: ErrorDetails = {}) =>
    new MigrationError(kind, describe(kind, exchange, context, said), { status, serverMessage, ...details });
  const matches = (pattern: RegExp) => body !== undefined && pattern.test(body.message);
  const hasReason = (reason: string) => body?.reasons.includes(reason) ?? false;
  const serverHint = retryAfterMs(exchange.retryAfter, context.now);

  if (status === 401 || body?.rpcCode === RPC_UNAUTHENTICATED || body?.rpcStatus === 'UNAUTHENTICATED') {
    return fail('google-signin-needed');
  }
  if (matches(PATTERNS.photosDisabled)) return fail('google-photos-disabled');
  if (hasReason('SERVICE_DISABLED') || matches(PATTERNS.apiDisabled)) {
    const enableUrl = firstUrl(body?.message ?? '') ?? body?.links[0];
    const error = fail('google-api-disabled');
    return enableUrl && !error.message.includes(enableUrl)
      ? new MigrationError(error.kind, `${error.message} Enable it at ${enableUrl}`, error.details)
      : error;
  }
  if (hasReason('ACCESS_TOKEN_SCOPE_INSUFFICIENT') || matches(PATTERNS.missingScopes)) {
    return fail('google-scope-missing', { scopes: [context.scope] });
  }
  const quotaLike = status === 429 || (status >= 400 && status < 500 && matches(PATTERNS.rateLimit));
  if (quotaLike && matches(PATTERNS.dailyQuota)) {
    return fail('google-quota-daily', { resumeAt: nextPacificMidnight(context.now) });
  }
  if (matches(PATTERNS.storageFull)) return fail('google-storage-full');
  if (quotaLike)
    return fail('google-rate-limited', { retryAfterMs: context.delays.afterRateLimit(serverHint) });
  if (status >= 500 || status === 408) {
    return fail('google-server-error', { retryAfterMs: context.delays.afterServerError(serverHint) });
  }
  if (matches(PATTERNS.uploadToken)) return fail('google-upload-token-invalid');
  if (matches(PATTERNS.albumMissing)) return fail('google-album-missing');
  if (matches(PATTERNS.checksum)) return fail('sha1-mismatch');
  if (matches(PATTERNS.mediaItemId)) return fail('google-rejected-media');
  if (matches(PATTERNS.sessionFinished)) return fail('google-upload-session-lost');
  return fail(context.unrecognisedClientError ?? 'unexpected-response');
}

/** What came back in a 2xx answer that turned out unusable. */
export interface UnusableAnswer {
  /** Omitted when the body was already parsed (and so was a 2xx). */
  status?: number;
  contentType?: string | null;
  body: string;
}

/**
 * A 2xx whose body is not what the call expects: nothing is assumed to have happened. The kind is
 * 'unexpected-response' unless the caller knows a better way on.
 */
export function malformedSuccess(
  operation: string,
  why: string,
  answer: UnusableAnswer,
  kind: ErrorKind = 'unexpected-response',
): MigrationError {
  const status = answer.status ?? 200;
  const serverMessage = describeForeignBody({
    status,
    body: answer.body,
    contentType: answer.contentType ?? null,
    retryAfter: null,
  });
  return new MigrationError(
    kind,
    `Google Photos ${operation}: HTTP ${status} but ${why}; got ${serverMessage}`,
    {
      status,
      serverMessage,
    },
  );
}
