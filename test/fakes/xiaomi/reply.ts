/**
 * Writing one answer: status, headers, cookies and a body that may be huge (streamed with
 * backpressure). Every byte is counted into the request's record, and the body faults (a cut
 * connection, a flipped byte, a truncated or rewritten text) are applied here, so every endpoint
 * suffers them the same way.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FakeResponse } from '../types.ts';
import type { Fault } from './faults.ts';
import type { XiaomiRequestRecord } from './recorder.ts';

/** The part of the HTTP/1.1 and HTTP/2 compatibility responses used here. */
interface ResponseSink {
  readonly destroyed: boolean;
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  write(chunk: Buffer, callback: (error?: Error | null) => void): boolean;
  end(callback?: () => void): unknown;
  destroy(): unknown;
  once(event: 'close' | 'finish', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

export const CONTENT_TYPE = {
  json: 'application/json;charset=UTF-8',
  html: 'text/html;charset=UTF-8',
  text: 'text/plain;charset=UTF-8',
  javascript: 'application/javascript;charset=UTF-8',
  octets: 'application/octet-stream',
  jpeg: 'image/jpeg',
} as const;

export class Reply {
  private readonly res: ResponseSink;
  private readonly cookies: string[] = [];

  constructor(
    res: FakeResponse,
    private readonly record: XiaomiRequestRecord,
    private readonly fault: Fault | undefined,
  ) {
    this.res = res as unknown as ResponseSink;
    this.res.once('finish', () => {
      record.completed = true;
    });
  }

  /** Adds a Set-Cookie header to the answer. */
  setCookie(header: string): void {
    this.cookies.push(header);
  }

  /** A text answer; a 'truncated-json' or 'rewrite' fault changes the text first. */
  text(status: number, contentType: string, body: string, headers: OutgoingHttpHeaders = {}): Promise<void> {
    let text = body;
    if (this.fault?.kind === 'rewrite') text = this.fault.rewrite(text);
    if (this.fault?.kind === 'truncated-json') text = text.slice(0, Math.floor(text.length / 2));
    return this.bytes(status, { 'content-type': contentType, ...headers }, Buffer.from(text, 'utf8'));
  }

  json(status: number, body: string, headers: OutgoingHttpHeaders = {}): Promise<void> {
    return this.text(status, CONTENT_TYPE.json, body, headers);
  }

  bytes(status: number, headers: OutgoingHttpHeaders, body: Buffer): Promise<void> {
    return this.stream(status, headers, [body], body.length);
  }

  /** A redirect with an empty body. */
  redirect(status: number, location: string): Promise<void> {
    return this.bytes(status, { location }, Buffer.alloc(0));
  }

  /**
   * Streams `length` bytes from `chunks` with backpressure. A 'corrupt' fault flips one byte, a
   * 'reset' fault drops the connection once that many bytes are on the wire.
   */
  async stream(
    status: number,
    headers: OutgoingHttpHeaders,
    chunks: Iterable<Buffer>,
    length: number,
  ): Promise<void> {
    const res = this.res;
    res.writeHead(status, {
      ...headers,
      'content-length': String(length),
      ...(this.cookies.length > 0 ? { 'set-cookie': this.cookies } : {}),
    });
    this.record.status = status;
    const cutAfter = this.fault?.kind === 'reset' ? this.fault.afterBytes : Number.POSITIVE_INFINITY;
    const corruptAt = this.fault?.kind === 'corrupt' ? (this.fault.atByte ?? Math.floor(length / 2)) : -1;
    let written = 0;
    for (const chunk of chunks) {
      if (res.destroyed) return;
      let piece = chunk.subarray(0, Math.max(0, cutAfter - written));
      if (corruptAt >= written && corruptAt < written + piece.length) {
        piece = Buffer.from(piece);
        piece[corruptAt - written]! ^= 0xff;
      }
      if (piece.length > 0 && !(await this.write(piece))) return;
      written += piece.length;
      if (written >= cutAfter) {
        res.destroy();
        return;
      }
    }
    if (!res.destroyed) res.end();
  }

  /**
   * Writes one piece and resolves once it was handed to the socket (which is the backpressure), or
   * with false when the connection closed first.
   */
  private write(piece: Buffer): Promise<boolean> {
    const res = this.res;
    return new Promise((resolve) => {
      const onClose = () => resolve(false);
      res.once('close', onClose);
      res.write(piece, (error) => {
        res.off('close', onClose);
        if (!error) this.record.bytesSent += piece.length;
        resolve(!error);
      });
    });
  }
}
