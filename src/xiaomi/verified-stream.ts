/**
 * Passes a file's bytes through an incremental SHA-1 whose state can be saved at any position and
 * loaded again later (hash-wasm `save()`/`load()`), so a multi-GB video is never held in memory
 * and a download cut at any byte can resume at an offset and still be checked against the
 * listing's `sha1` as a whole (xiaomi-api.md §6.3).
 */
import { createSHA1 } from 'hash-wasm';
import { asNetworkError, MigrationError } from '../shared/errors.ts';

export interface VerifyingOptions {
  /** The listing's 40-hex SHA-1 of the whole file. */
  sha1: string;
  /** File position of the first byte the stream delivers. */
  offset: number;
  /** File position of the body's first byte: `offset` after a 206, 0 when Range was not used. */
  bodyStart: number;
  /** SHA-1 state covering bytes [0, offset), from an earlier `hashState()`. */
  hashState?: Uint8Array;
  /** Bytes of the whole file; a body that ends sooner is a cut connection. */
  totalSize: number;
  /** Named in error messages. */
  label: string;
  signal?: AbortSignal;
  /**
   * False when the reader hashes the bytes itself (the engine does, to save the state at its own
   * chunk edges): nothing is hashed here then, and `hashState()` and `verify()` throw. Hashing
   * twice cost a second pass of SHA-1 over every byte of the migration (bench/). Default true.
   */
  hash?: boolean;
}

export interface VerifyingStream {
  /** The file's bytes from `offset`, pulled from the body only as they are read. */
  readonly stream: ReadableStream<Uint8Array>;
  /** File position after the last byte delivered. */
  position(): number;
  /** SHA-1 state covering every byte before `position()`. */
  hashState(): Uint8Array;
  /** Throws MigrationError('sha1-mismatch') when the whole file does not hash to `sha1`. */
  verify(): void;
  /** Lets go of the connection, whether or not a reader holds the stream. */
  cancel(): Promise<void>;
}

export async function verifyingStream(
  body: ReadableStream<Uint8Array>,
  options: VerifyingOptions,
): Promise<VerifyingStream> {
  const { sha1, offset, bodyStart, hashState, totalSize, label, signal, hash = true } = options;
  const resumesHash = hash && hashState !== undefined && offset > 0;
  if (bodyStart > offset || (hash && !resumesHash && bodyStart > 0)) {
    throw new Error(`${label}: bytes before ${bodyStart} are neither in the body nor in a saved hash state`);
  }
  const hasher = hash ? await createSHA1() : undefined;
  hasher?.init();
  if (resumesHash) hasher?.load(hashState);
  const notHashed = () => new Error(`${label}: not hashed here (hash: false); the reader verifies`);
  // Bytes the body repeats from before `offset`: hashed only when no saved state covers them.
  let toSkip = offset - bodyStart;
  let position = offset;
  let finalState: Uint8Array | undefined;
  let digest: string | undefined;
  const reader = body.getReader();

  const readBody = async () => {
    try {
      return await reader.read();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw asNetworkError(error);
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { done, value } = await readBody();
          if (done) {
            if (position < totalSize) {
              throw new MigrationError(
                'network-error',
                `${label}: download ended at byte ${position} of ${totalSize}`,
              );
            }
            finalState = hasher?.save();
            digest = hasher?.digest('hex');
            controller.close();
            return;
          }
          let bytes = value;
          if (toSkip > 0) {
            const skipped = bytes.subarray(0, Math.min(toSkip, bytes.byteLength));
            if (!resumesHash) hasher?.update(skipped);
            toSkip -= skipped.byteLength;
            bytes = bytes.subarray(skipped.byteLength);
          }
          if (bytes.byteLength === 0) continue;
          hasher?.update(bytes);
          position += bytes.byteLength;
          controller.enqueue(bytes);
          return;
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // Nothing is read ahead, so the hash state always matches what the consumer has received.
    { highWaterMark: 0 },
  );

  return {
    stream,
    position: () => position,
    hashState: () => {
      if (!hasher) throw notHashed();
      return finalState ?? hasher.save();
    },
    verify: () => {
      if (!hasher) throw notHashed();
      if (digest === undefined) throw new Error(`${label}: verify() before the download was read to its end`);
      if (digest !== sha1.toLowerCase()) {
        throw new MigrationError(
          'sha1-mismatch',
          `${label}: SHA-1 ${digest} of the downloaded bytes is not ${sha1}`,
        );
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}
