import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as http2Connect,
  constants as http2Constants,
  type IncomingHttpHeaders,
} from 'node:http2';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TLSSocket } from 'node:tls';

/** The part of a response the fetch loop reads; undici's Response has it too. */
export interface HopResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface HopRequest {
  method: string;
  headers: Headers;
  body: BodyInit | null | undefined;
  signal: AbortSignal | undefined;
}

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); Node throws on them. */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
]);
const RESPONSE_BUFFER_BYTES = 256 * 1024;

/**
 * HTTP/2 requests over node:http2, one session per origin, as Chromium speaks to
 * photoslibrary.googleapis.com. Not undici's HTTP/2 client: in undici 6 (experimental there) a
 * request whose stream the server resets mid-upload never settles (measured), and cutting uploads
 * off is exactly what the fakes do to test resumption. Here a reset or a lost session fails the
 * request with `TypeError: fetch failed`, and the next request opens a new session, as in Chromium.
 */
export class Http2Transport {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  constructor(private readonly connectTls: (host: string, alpn: string[]) => TLSSocket) {}

  async request(url: URL, request: HopRequest): Promise<HopResponse> {
    const { bytes, stream: bodyStream, contentType } = await encodeBody(request.body);
    const headers: Record<string, string> = { accept: '*/*' };
    for (const [name, value] of request.headers) if (!CONNECTION_HEADERS.has(name)) headers[name] = value;
    if (contentType !== null && !request.headers.has('content-type')) headers['content-type'] = contentType;
    if (bytes !== undefined) headers['content-length'] = String(bytes.byteLength);

    request.signal?.throwIfAborted();
    const stream = this.session(url).request(
      { ...headers, ':method': request.method, ':path': url.pathname + url.search },
      { endStream: bytes === undefined && bodyStream === undefined },
    );
    const { signal } = request;
    const onAbort = () => stream.close(http2Constants.NGHTTP2_CANCEL);
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal?.removeEventListener('abort', onAbort));

    if (bytes !== undefined) stream.end(bytes);
    // A failed body upload resets the stream, which fails the request below.
    if (bodyStream !== undefined)
      pipeline(Readable.fromWeb(bodyStream as never), stream).catch(() => stream.destroy());

    return new Promise<HopResponse>((resolve, reject) => {
      const failure = () => (signal?.aborted ? signal.reason : networkError(stream));
      stream.once('response', (responseHeaders) => resolve(toResponse(responseHeaders, stream, failure)));
      stream.once('close', () => reject(failure()));
      stream.once('error', () => {});
    });
  }

  /** The open session to `url`'s origin, or a new one when there is none or it is closing. */
  private session(url: URL): ClientHttp2Session {
    const existing = this.sessions.get(url.origin);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = http2Connect(url.origin, {
      createConnection: () => this.connectTls(url.hostname, ['h2']),
      // chromium-e2e.md "Later findings": the 10 MB default drops sessions carrying big uploads.
      maxSessionMemory: 4096,
    });
    const forget = () => {
      if (this.sessions.get(url.origin) === session) this.sessions.delete(url.origin);
    };
    session.on('error', forget);
    session.once('goaway', forget);
    session.once('close', forget);
    this.sessions.set(url.origin, session);
    return session;
  }
}

function networkError(stream: ClientHttp2Stream): TypeError {
  const reason = stream.rstCode ? `HTTP/2 stream reset with code ${stream.rstCode}` : 'HTTP/2 stream closed';
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

/** The bytes (when their length is known) or the stream of a body, and the Content-Type fetch implies. */
async function encodeBody(
  body: BodyInit | null | undefined,
): Promise<{ bytes?: Uint8Array; stream?: ReadableStream; contentType: string | null }> {
  if (body === null || body === undefined) return { contentType: null };
  if (body instanceof ReadableStream) return { stream: body, contentType: null };
  // Strings, buffers, Blobs, URLSearchParams, FormData: encoded exactly as fetch encodes them.
  const encoded = new Request('https://body.invalid/', { method: 'POST', body });
  return {
    bytes: new Uint8Array(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type'),
  };
}

function toResponse(
  responseHeaders: IncomingHttpHeaders,
  stream: ClientHttp2Stream,
  failure: () => unknown,
): HopResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(responseHeaders)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const single of Array.isArray(value) ? value : [value]) headers.append(name, String(single));
  }
  return {
    status: Number(responseHeaders[':status']),
    statusText: '',
    headers,
    body: bodyStream(stream, failure),
  };
}

/** The response body as a web stream with backpressure; a reset before the end errors it. */
function bodyStream(stream: ClientHttp2Stream, failure: () => unknown): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // After a cancel or an end the controller takes nothing more; Node may still emit events.
        const settle = (finish: () => void) => {
          if (settled) return;
          settled = true;
          finish();
        };
        stream.on('data', (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) stream.pause();
        });
        // A reset can follow the last data: only a stream that closed without error ended well.
        stream.once('close', () =>
          settle(() =>
            stream.rstCode === http2Constants.NGHTTP2_NO_ERROR
              ? controller.close()
              : controller.error(failure()),
          ),
        );
      },
      pull() {
        stream.resume();
      },
      cancel() {
        settled = true;
        stream.close(http2Constants.NGHTTP2_CANCEL);
      },
    },
    { highWaterMark: RESPONSE_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
}
