/**
 * Request/response plumbing shared by both Google services. It works with both Node request APIs the
 * network layer may hand over: `IncomingMessage` (HTTPS/1.1) and `Http2ServerRequest` (HTTP/2 compat).
 */
import { Http2ServerRequest, Http2ServerResponse, constants as http2Constants } from 'node:http2';
import type { FakeRequest, FakeResponse } from '../types.ts';

/** A complete answer, built first and written later, so a fault can still drop or mangle it. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface ReceivedBody {
  bytes: Buffer;
  /**
   * True only when every byte the client announced arrived and the stream was not reset. A body cut
   * short must never be treated as an upload (chromium-e2e.md §5 and "Later findings").
   */
  complete: boolean;
}

/** How a deliberate cut ends the transfer: the whole TCP connection, or only the HTTP/2 stream. */
export type CutMode = 'connection' | 'stream';

export interface BodyCut {
  afterBytes: number;
  how: CutMode;
}

/**
 * Without a Content-Length (a streamed HTTP/2 body) Node may emit `end` just before it reports the
 * stream reset (chromium-e2e.md "Later findings"), so wait this long for a reset before trusting it.
 */
const RESET_GRACE_MS = 25;

export function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.join(', ');
  return value;
}

/** Request headers without HTTP/2 pseudo-headers, for the request log. */
export function plainHeaders(req: FakeRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function isHttp2(req: FakeRequest): req is Http2ServerRequest {
  return req instanceof Http2ServerRequest;
}

function streamWasReset(req: FakeRequest): boolean {
  if (isHttp2(req)) return req.aborted || req.stream.aborted || req.stream.destroyed;
  return req.destroyed && !req.complete;
}

/** Ends the transfer abruptly, as a dropped connection or an HTTP/2 RST_STREAM would. */
export function cutTransfer(req: FakeRequest, how: CutMode): void {
  if (!isHttp2(req)) {
    req.socket.destroy();
    return;
  }
  if (how === 'stream') req.stream.close(http2Constants.NGHTTP2_CANCEL);
  else req.stream.session?.destroy();
}

/**
 * Reads the whole request body and says whether it really arrived whole: it compares the received
 * byte count with Content-Length and watches for resets. With `cut`, the fake itself ends the
 * transfer after that many bytes and reports exactly those bytes as received.
 */
export function readBody(req: FakeRequest, cut?: BodyCut): Promise<ReceivedBody> {
  const declared = header(req, 'content-length');
  const expectedLength = declared === undefined ? undefined : Number(declared);
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (complete: boolean) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      resolve({ bytes: Buffer.concat(chunks, received), complete });
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      if (cut && received + chunk.length >= cut.afterBytes) {
        chunks.push(chunk.subarray(0, cut.afterBytes - received));
        received = cut.afterBytes;
        settle(false);
        cutTransfer(req, cut.how);
        return;
      }
      chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = () => {
      const lengthMatches = expectedLength === undefined || expectedLength === received;
      if (!lengthMatches) return settle(false);
      const wait = expectedLength === undefined ? RESET_GRACE_MS : 0;
      setTimeout(() => settle(!streamWasReset(req)), wait);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('aborted', () => settle(false));
    req.once('error', () => settle(false));
    req.once('close', () => {
      if (!req.readableEnded) settle(false);
    });
    if (cut && cut.afterBytes === 0) {
      settle(false);
      cutTransfer(req, cut.how);
    }
  });
}

/** Whether the client can still receive an answer on this request. */
export function canRespond(req: FakeRequest, res: FakeResponse): boolean {
  if (res.writableEnded || res.destroyed) return false;
  if (isHttp2(req)) return !req.stream.destroyed && !req.stream.closed;
  return !req.socket.destroyed;
}

/** Writes the reply; false when the client can no longer receive it. */
export function sendReply(req: FakeRequest, res: FakeResponse, reply: Reply): boolean {
  if (!canRespond(req, res)) return false;
  const body = reply.body ?? '';
  const headers = { ...reply.headers, 'content-length': String(Buffer.byteLength(body)) };
  res.writeHead(reply.status, headers);
  res.end(body);
  return true;
}

/** Sends the status line, headers and the first half of the body, then drops the connection. */
export function sendTruncatedReply(req: FakeRequest, res: FakeResponse, reply: Reply): void {
  if (!canRespond(req, res)) return;
  const body = Buffer.from(reply.body ?? '');
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  const half = body.subarray(0, Math.floor(body.length / 2));
  const cut = () => cutTransfer(req, 'connection');
  // Both write() overloads take the same arguments, but TypeScript cannot call a union of them.
  if (res instanceof Http2ServerResponse) res.write(half, cut);
  else res.write(half, cut);
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify(value, null, 2),
  };
}

export function htmlReply(status: number, html: string, headers?: Record<string, string>): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=UTF-8', ...headers }, body: html };
}

export function redirectReply(location: string): Reply {
  return { status: 302, headers: { location, 'content-type': 'text/html; charset=UTF-8' }, body: '' };
}
