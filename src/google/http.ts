/**
 * Sends one authorised request to the Photos Library API and hands back a 2xx Response, or throws
 * the MigrationError that says what went wrong. On the happy path that is exactly one request
 * (every request counts against the 10,000 per day, google-photos-api.md §E3). A 401 renews the
 * token once and sends again; a 5xx or a dropped connection is sent again only for requests that
 * cannot create anything twice, after the §E5 back-off on the injected clock.
 *
 * The JSON body of a request that creates something (albums.create, batchCreate) goes out as a
 * stream. Chromium sends a POST with an in-memory body again by itself when a connection it had
 * used before breaks before the answer; measured in the chaos suite (album-answer-lost), a lost
 * albums.create answer so made the album twice, behind the engine's back. A streamed body cannot
 * be sent twice, so the failure reaches the engine, which reconciles before it sends again.
 * Streams need HTTP/2 (chromium-e2e.md §6): behind a proxy that speaks only HTTP/1.1 they fail at
 * once, so the first failure asks whether streamed bodies get through at all and, if they do not,
 * goes back to plain bodies for this worker's life.
 */
import type { Clock } from '../shared/clock.ts';
import { asNetworkError, type ErrorKind, type MigrationError } from '../shared/errors.ts';
import type { FetchLike } from '../shared/fetch.ts';
import type { RetryDelays } from './backoff.ts';
import { classifyFailure, malformedSuccess } from './errors.ts';

export const PHOTOS_API = 'https://photoslibrary.googleapis.com/v1';

export interface AccessTokens {
  accessToken(): Promise<string>;
  /** A new token after Google refused `rejected`; throws MigrationError('google-signin-needed') when there is none. */
  renewAfterRejection(rejected: string): Promise<string>;
}

export interface ApiRequest {
  /** For messages: 'batchCreate', 'upload chunk'… */
  operation: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Blob | string;
  /** The scope the call needs (§A4), named if Google says the token lacks it. */
  scope: string;
  /** Safe to send again after a 5xx or a lost connection: nothing is created twice. */
  idempotent: boolean;
  /** How to read a 4xx no rule recognises (default 'unexpected-response'). */
  unrecognisedClientError?: ErrorKind;
  /** Pause or cancel: stops the request mid-body and any wait before a repeat; its reason is thrown. */
  signal?: AbortSignal;
}

export interface PhotosHttpDeps {
  fetch: FetchLike;
  clock: Clock;
  tokens: AccessTokens;
  delays: RetryDelays;
  /** Extra attempts for idempotent requests after a 5xx or a network failure. */
  serverRetries: number;
}

/** Whether a streamed request body reaches Google from here (HTTP/2 end to end). */
type StreamedBodies = 'untested' | 'working' | 'refused';

/** A read that creates nothing, sent only to learn whether streamed bodies get through. */
const STREAM_PROBE = { url: `${PHOTOS_API}/mediaItems:search`, body: '{"pageSize":1}' };

export class PhotosHttp {
  private streamedBodies: StreamedBodies = 'untested';

  constructor(private readonly deps: PhotosHttpDeps) {}

  async send(request: ApiRequest): Promise<Response> {
    const { clock, delays, tokens } = this.deps;
    let renewed = false;
    let retriesLeft = request.idempotent ? this.deps.serverRetries : 0;
    for (;;) {
      const token = await tokens.accessToken();
      const streamed = this.streams(request);
      let response: Response;
      try {
        response = await this.deps.fetch(request.url, {
          method: request.method,
          headers: { ...request.headers, Authorization: `Bearer ${token}` },
          ...bodyInit(request.body, streamed),
          signal: request.signal,
        });
      } catch (e) {
        request.signal?.throwIfAborted();
        if (streamed) await this.checkStreamedBodies(token);
        if (retriesLeft === 0) throw asNetworkError(e);
        retriesLeft -= 1;
        await clock.sleep(delays.afterServerError(), request.signal);
        continue;
      }
      if (streamed) this.streamedBodies = 'working';
      if (response.ok) {
        delays.succeeded();
        return response;
      }
      const error = await this.classify(request, response);
      if (error.kind === 'google-signin-needed' && !renewed) {
        renewed = true;
        await tokens.renewAfterRejection(token);
        continue;
      }
      if (error.kind === 'google-server-error' && retriesLeft > 0) {
        retriesLeft -= 1;
        await clock.sleep(error.details.retryAfterMs ?? 0, request.signal);
        continue;
      }
      throw error;
    }
  }

  /** The JSON body of a 2xx answer; a body that is not JSON is a MigrationError, never a guess. */
  async json(request: ApiRequest): Promise<unknown> {
    const response = await this.send(request);
    const text = await bodyText(response);
    try {
      return JSON.parse(text);
    } catch {
      const answer = {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: text,
      };
      throw malformedSuccess(request.operation, 'the body is not JSON', answer);
    }
  }

  private streams(request: ApiRequest): boolean {
    return !request.idempotent && typeof request.body === 'string' && this.streamedBodies !== 'refused';
  }

  /**
   * After a streamed request failed: if a streamed read fails too while a plain one is answered,
   * something on the way speaks only HTTP/1.1 and plain bodies it must be. The failed request is
   * still reported as lost: whether it reached Google is the engine's to find out.
   */
  private async checkStreamedBodies(token: string): Promise<void> {
    if (this.streamedBodies !== 'untested') return;
    const answered = async (streamed: boolean) => {
      try {
        const response = await this.deps.fetch(STREAM_PROBE.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          ...bodyInit(STREAM_PROBE.body, streamed),
        });
        await response.body?.cancel();
        return true;
      } catch {
        return false;
      }
    };
    if (await answered(true)) this.streamedBodies = 'working';
    else if (await answered(false)) this.streamedBodies = 'refused';
  }

  private async classify(request: ApiRequest, response: Response): Promise<MigrationError> {
    let body = '';
    try {
      body = await response.text();
    } catch {
      // The status alone still says what happened; a body cut short adds nothing reliable.
    }
    return classifyFailure(
      {
        status: response.status,
        body,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
      },
      {
        operation: request.operation,
        scope: request.scope,
        now: this.deps.clock.now(),
        delays: this.deps.delays,
        unrecognisedClientError: request.unrecognisedClientError,
      },
    );
  }
}

/** A fresh stream each time: a stream is read once, and a renewed token sends the request again. */
function bodyInit(body: Blob | string | undefined, streamed: boolean): RequestInit & { duplex?: 'half' } {
  if (!streamed || typeof body !== 'string') return { body };
  return { body: new Blob([body]).stream(), duplex: 'half' };
}

/** The whole body as text; a connection lost while reading it is a network error. */
export async function bodyText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (e) {
    throw asNetworkError(e);
  }
}
