import { createSHA1 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { bodyOf, fileBytes, readAll, sha1Hex } from './test-support.ts';
import { type VerifyingOptions, verifyingStream } from './verified-stream.ts';

const FILE = fileBytes(10_000);
const CUT = 4_000;

async function options(extra: Partial<VerifyingOptions> = {}): Promise<VerifyingOptions> {
  return {
    sha1: await sha1Hex(FILE),
    offset: 0,
    bodyStart: 0,
    totalSize: FILE.byteLength,
    label: 'IMG_1.jpg',
    ...extra,
  };
}

/** Reads a download that breaks after CUT bytes, as a reset connection does. */
async function brokenAtCut() {
  const download = await verifyingStream(
    bodyOf(FILE.slice(0, CUT), 999, new TypeError('terminated')),
    await options(),
  );
  const reader = download.stream.getReader();
  const received: Uint8Array[] = [];
  const failure = await (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      received.push(value);
    }
  })().catch((error: unknown) => error);
  return { download, received, failure };
}

describe('verifyingStream', () => {
  it('streams the whole file and verifies its SHA-1', async () => {
    const download = await verifyingStream(bodyOf(FILE, 999), await options());
    expect(await readAll(download.stream)).toEqual(FILE);
    expect(download.position()).toBe(FILE.byteLength);
    expect(() => download.verify()).not.toThrow();
  });

  it('reports other bytes than the listing’s as a SHA-1 mismatch', async () => {
    const other = fileBytes(FILE.byteLength, 8);
    const download = await verifyingStream(bodyOf(other, 999), await options());
    await readAll(download.stream);
    expect(() => download.verify()).toThrow(
      expect.objectContaining({ kind: 'sha1-mismatch', scope: 'item' }),
    );
  });

  it('reports a cut connection as a retryable network error, at the position reached', async () => {
    const { download, received, failure } = await brokenAtCut();
    expect(failure).toMatchObject({ kind: 'network-error', scope: 'retry' });
    expect(download.position()).toBe(CUT);
    expect(received.reduce((n, r) => n + r.byteLength, 0)).toBe(CUT);
  });

  it('saves a hash state that covers exactly the bytes the reader has received', async () => {
    const download = await verifyingStream(bodyOf(FILE, 1_000), await options());
    const reader = download.stream.getReader();
    await reader.read();
    await reader.read();
    const hasher = await createSHA1();
    hasher.init();
    hasher.load(download.hashState());
    expect(hasher.digest('hex')).toBe(await sha1Hex(FILE.slice(0, 2_000)));
    await reader.cancel();
  });

  it('resumes from a saved state when the host honours Range (body starts at the offset)', async () => {
    const { download: first } = await brokenAtCut();
    const resumed = await verifyingStream(
      bodyOf(FILE.slice(CUT), 1_500),
      await options({ offset: CUT, bodyStart: CUT, hashState: first.hashState() }),
    );
    expect(await readAll(resumed.stream)).toEqual(FILE.slice(CUT));
    expect(() => resumed.verify()).not.toThrow();
  });

  it('resumes from a saved state when the host ignores Range, skipping the repeated bytes unhashed', async () => {
    const { download: first } = await brokenAtCut();
    const resumed = await verifyingStream(
      bodyOf(FILE, 1_500),
      await options({ offset: CUT, bodyStart: 0, hashState: first.hashState() }),
    );
    expect(await readAll(resumed.stream)).toEqual(FILE.slice(CUT));
    expect(resumed.position()).toBe(FILE.byteLength);
    expect(() => resumed.verify()).not.toThrow();
  });

  it('hashes the skipped bytes itself when no saved state is given', async () => {
    const resumed = await verifyingStream(bodyOf(FILE, 1_500), await options({ offset: CUT, bodyStart: 0 }));
    expect(await readAll(resumed.stream)).toEqual(FILE.slice(CUT));
    expect(() => resumed.verify()).not.toThrow();
  });

  it('refuses to start where neither the body nor a saved state covers the bytes before it', async () => {
    await expect(
      verifyingStream(bodyOf(FILE.slice(CUT), 999), await options({ offset: CUT, bodyStart: CUT })),
    ).rejects.toThrow(/neither in the body nor in a saved hash state/);
  });

  it('reports a body that ends early without an error as a cut connection', async () => {
    const download = await verifyingStream(bodyOf(FILE.slice(0, 9_000), 999), await options());
    await expect(readAll(download.stream)).rejects.toMatchObject({ kind: 'network-error' });
    expect(() => download.verify()).toThrow(/before the download was read to its end/);
  });

  it('lets go of the connection even while a reader holds the stream', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(FILE.slice(0, 10)),
      cancel: () => {
        cancelled = true;
      },
    });
    const download = await verifyingStream(body, await options());
    const reader = download.stream.getReader();
    await reader.read();
    await download.cancel();
    expect(cancelled).toBe(true);
  });

  it('reports an abort as the abort, not as a network error', async () => {
    const controller = new AbortController();
    const reason = new DOMException('stopped', 'AbortError');
    const body = new ReadableStream<Uint8Array>({
      pull: (c) => {
        controller.abort(reason);
        c.error(reason);
      },
    });
    const download = await verifyingStream(body, await options({ signal: controller.signal }));
    await expect(readAll(download.stream)).rejects.toBe(reason);
  });

  it('with hash: false passes the bytes (from an offset too) and still catches a cut, hashing nothing', async () => {
    const whole = await verifyingStream(bodyOf(FILE, 999), await options({ hash: false }));
    expect(await readAll(whole.stream)).toEqual(FILE);
    expect(() => whole.verify()).toThrow(/not hashed/);
    expect(() => whole.hashState()).toThrow(/not hashed/);
    const resumed = await verifyingStream(
      bodyOf(FILE, 1_500),
      await options({ offset: CUT, bodyStart: 0, hash: false }),
    );
    expect(await readAll(resumed.stream)).toEqual(FILE.slice(CUT));
    const cut = await verifyingStream(bodyOf(FILE.slice(0, CUT), 999), await options({ hash: false }));
    await expect(readAll(cut.stream)).rejects.toMatchObject({ kind: 'network-error' });
  });
});
