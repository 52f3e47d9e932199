/**
 * Signatures for the fake's pre-signed URLs (`sig` in the step-2, step-3 and thumbnail URLs, §6) and
 * opaque values such as `meta`: an HMAC under a key derived from the fake's seed, so runs repeat.
 */
import { createHmac } from 'node:crypto';

export class Signer {
  private readonly key: Buffer;

  constructor(seed: number) {
    this.key = Buffer.from(`fake-xiaomi-signing-key-${seed}`);
  }

  /** A URL-safe signature of the parts, `length` characters long. */
  sign(parts: readonly (string | number)[], length = 22): string {
    return createHmac('sha256', this.key).update(parts.join('\n')).digest('base64url').slice(0, length);
  }
}
