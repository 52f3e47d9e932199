/**
 * Files of any size, up to many gigabytes, that are never held in memory: a small literal head, a
 * body of padding segments whose payload is a deterministic keystream, and a small literal tail.
 * Any byte range can be produced on demand, so a download can start at an offset (HTTP Range) and
 * the SHA-1 is computed by streaming the file once.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** How a container wraps padding bytes so the file stays valid (a JPEG COM segment, a PNG chunk…). */
export interface SegmentFormat {
  /** Bytes each segment adds around its payload. */
  readonly overhead: number;
  /** Largest payload of one segment; at most `KEYSTREAM_SEGMENT_BYTES`. */
  readonly maxPayload: number;
  encode(payload: Buffer): Buffer;
}

export const KEYSTREAM_SEGMENT_BYTES = 65_536;

/** Plain bytes (inside an `mdat` box, or a file that is garbage anyway). */
export const RAW_SEGMENTS: SegmentFormat = {
  overhead: 0,
  maxPayload: KEYSTREAM_SEGMENT_BYTES,
  encode: (payload) => payload,
};

export interface FileLayout {
  readonly head: Buffer;
  readonly padding: { readonly format: SegmentFormat; readonly length: number };
  readonly tail: Buffer;
}

const ZEROS = Buffer.alloc(KEYSTREAM_SEGMENT_BYTES);

/**
 * AES-128-CTR over zeros, keyed by the seed: fast (hundreds of MB/s), deterministic and addressable,
 * since segment `i` has its own counter range and never depends on the segments before it.
 */
class Keystream {
  private readonly key: Buffer;
  private readonly nonce: Buffer;

  constructor(seed: string) {
    const digest = createHash('sha256').update(`keystream:${seed}`).digest();
    this.key = digest.subarray(0, 16);
    this.nonce = digest.subarray(16, 24);
  }

  segment(index: number, length: number): Buffer {
    const iv = Buffer.alloc(16);
    this.nonce.copy(iv, 0);
    iv.writeUInt32BE(index, 8);
    return createCipheriv('aes-128-ctr', this.key, iv).update(ZEROS.subarray(0, length));
  }
}

/**
 * Splits `length` padding bytes into segments: all full except the last one or two. When the last
 * segment would be shorter than the format's overhead, the one before it gives up the difference and
 * the last carries an empty payload.
 */
class SegmentPlan {
  readonly count: number;
  private readonly fullSize: number;
  private readonly secondLastPayload: number;
  private readonly lastPayload: number;

  constructor(
    private readonly format: SegmentFormat,
    length: number,
  ) {
    this.fullSize = format.overhead + format.maxPayload;
    this.count = Math.ceil(length / this.fullSize);
    const lastEncoded = length - (this.count - 1) * this.fullSize;
    if (this.count === 0) {
      this.secondLastPayload = this.lastPayload = 0;
    } else if (lastEncoded >= format.overhead) {
      this.secondLastPayload = format.maxPayload;
      this.lastPayload = lastEncoded - format.overhead;
    } else if (this.count >= 2) {
      this.secondLastPayload = format.maxPayload + lastEncoded - format.overhead;
      this.lastPayload = 0;
    } else {
      throw new Error(`cannot pad by ${length} bytes: a segment needs at least ${format.overhead}`);
    }
  }

  payloadLength(index: number): number {
    if (index === this.count - 1) return this.lastPayload;
    if (index === this.count - 2) return this.secondLastPayload;
    return this.format.maxPayload;
  }

  start(index: number): number {
    if (index === this.count - 1 && index >= 1) {
      return this.start(index - 1) + this.format.overhead + this.payloadLength(index - 1);
    }
    return index * this.fullSize;
  }

  /** The segment holding byte `offset` of the padding. */
  indexAt(offset: number): number {
    const index = Math.min(Math.floor(offset / this.fullSize), this.count - 1);
    return offset < this.start(index) ? index - 1 : index;
  }
}

/** Above this a file is only streamed, never materialised by `buffer()`. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export class GeneratedFile {
  readonly size: number;
  private readonly plan: SegmentPlan;
  private readonly keystream: Keystream;
  private readonly paddingEnd: number;
  private cachedSha1: string | undefined;

  constructor(
    private readonly layout: FileLayout,
    seed: string,
  ) {
    this.plan = new SegmentPlan(layout.padding.format, layout.padding.length);
    this.keystream = new Keystream(seed);
    this.paddingEnd = layout.head.length + layout.padding.length;
    this.size = this.paddingEnd + layout.tail.length;
  }

  /** The bytes in [start, end), in pieces of at most 64 KiB and a bit. */
  *blocks(start = 0, end = this.size): Generator<Buffer> {
    const from = Math.max(0, start);
    const to = Math.min(end, this.size);
    if (from >= to) return;
    const { head, tail } = this.layout;
    if (from < head.length) yield head.subarray(from, Math.min(to, head.length));
    if (to > head.length && from < this.paddingEnd && this.plan.count > 0) {
      const paddingFrom = Math.max(from, head.length) - head.length;
      const paddingTo = Math.min(to, this.paddingEnd) - head.length;
      for (let index = this.plan.indexAt(paddingFrom); index < this.plan.count; index++) {
        const segmentStart = this.plan.start(index);
        if (segmentStart >= paddingTo) break;
        const payload = this.keystream.segment(index, this.plan.payloadLength(index));
        const segment = this.layout.padding.format.encode(payload);
        yield segment.subarray(Math.max(0, paddingFrom - segmentStart), paddingTo - segmentStart);
      }
    }
    if (to > this.paddingEnd) {
      yield tail.subarray(Math.max(from, this.paddingEnd) - this.paddingEnd, to - this.paddingEnd);
    }
  }

  /** A stream of the bytes in [start, end). */
  open(start = 0, end = this.size): Readable {
    return Readable.from(this.blocks(start, end), { objectMode: false });
  }

  buffer(): Buffer {
    if (this.size > MAX_BUFFERED_BYTES) {
      throw new Error(`refusing to buffer ${this.size} bytes; stream it with open()`);
    }
    return Buffer.concat([...this.blocks()]);
  }

  /** Lower-case hex SHA-1 of the whole file, computed by streaming it once, then remembered. */
  get sha1(): string {
    if (this.cachedSha1 === undefined) {
      const hash = createHash('sha1');
      for (const block of this.blocks()) hash.update(block);
      this.cachedSha1 = hash.digest('hex');
    }
    return this.cachedSha1;
  }

  /** The same SHA-1, computed without blocking the event loop for more than one megabyte at a time. */
  async computeSha1(): Promise<string> {
    if (this.cachedSha1 === undefined) {
      const hash = createHash('sha1');
      let sinceYield = 0;
      for (const block of this.blocks()) {
        hash.update(block);
        sinceYield += block.length;
        if (sinceYield >= 1024 * 1024) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      this.cachedSha1 ??= hash.digest('hex');
    }
    return this.cachedSha1;
  }
}

/**
 * Lays out a file of exactly `size` bytes. `headFor(extra)` builds the head with `extra` more bytes in
 * its label; that absorbs a gap too small for one padding segment.
 */
export function fitLayout(
  size: number | undefined,
  headFor: (extra: number) => Buffer,
  tail: Buffer,
  format: SegmentFormat,
  what: string,
): FileLayout {
  const minimum = headFor(0).length + tail.length;
  const gap = (size ?? minimum) - minimum;
  if (!Number.isSafeInteger(gap) || gap < 0) {
    throw new Error(`a ${what} cannot be ${size} bytes: the smallest one here is ${minimum}`);
  }
  if (gap > 0 && gap < format.overhead) return { head: headFor(gap), padding: { format, length: 0 }, tail };
  return { head: headFor(0), padding: { format, length: gap }, tail };
}
