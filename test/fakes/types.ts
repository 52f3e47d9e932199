import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request as either HTTPS/1.1 or HTTP/2 (compat API) delivers it. */
export type FakeRequest = IncomingMessage | Http2ServerRequest;
export type FakeResponse = ServerResponse | Http2ServerResponse;

/**
 * One fake cloud service: the host names it answers (exact, or a leading '*.' wildcard) and a
 * handler. The network layer (test/fakes/net) routes by Host header, applies latency and bandwidth
 * shaping and records every request before calling `handle`.
 */
export interface FakeService {
  readonly name: string;
  readonly hosts: readonly string[];
  /** Serve over HTTP/2 (as photoslibrary.googleapis.com does); otherwise HTTPS/1.1. */
  readonly http2: boolean;
  handle(req: FakeRequest, res: FakeResponse, url: URL): void | Promise<void>;
}
