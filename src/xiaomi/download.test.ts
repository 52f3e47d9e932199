import { describe, expect, it } from 'vitest';
import type { SourceItem } from '../shared/model.ts';
import { openVerifiedDownload, resolveSignedDownload } from './download.ts';
import {
  bodyOf,
  fileBytes,
  instantClock,
  json,
  ok,
  type RecordedRequest,
  readAll,
  recordingFetch,
  sha1Hex,
  testHttp,
  unauthorized,
} from './test-support.ts';

const FILE = fileBytes(5_000);
const HOST = 'i.mi.com';
const STORAGE = '/gallery/storage';
const LINK = '/mic/dl/24886749771200001';
const DOWNLOAD = '/2/1500000000000/download_file';

async function itemFor(bytes: Uint8Array): Promise<SourceItem> {
  return {
    id: '24886749771200001',
    albumId: '1',
    fileName: 'IMG_20240601_101500.jpg',
    type: 'image',
    mimeType: 'image/jpeg',
    size: bytes.byteLength,
    sha1: await sha1Hex(bytes),
    dateTaken: 1717208100000,
    isFavorite: false,
    isLivePhoto: false,
  };
}

type Step = (request: RecordedRequest) => Response | undefined;

/**
 * The three download steps of xiaomi-api.md §6 for one file. Every storage answer signs a new
 * link generation; a POST must carry that generation's meta. `overrides` answer first, per step.
 */
function storageFake({
  range = false,
  overrides = {},
}: {
  range?: boolean;
  overrides?: Record<string, Step[]>;
} = {}) {
  let generation = 0;
  return recordingFetch((request) => {
    const override = overrides[request.url.pathname]?.shift()?.(request);
    if (override) return override;
    switch (request.url.pathname) {
      case STORAGE:
        generation++;
        return ok({ url: `https://files.example.test${LINK}?sig=G${generation}` });
      case LINK: {
        const sig = request.url.searchParams.get('sig');
        const payload = { url: `https://files.example.test${DOWNLOAD}?sig=${sig}`, meta: `meta+/${sig}=` };
        return new Response(`dl_img_cb(${JSON.stringify(payload)})`);
      }
      case DOWNLOAD: {
        const sig = request.url.searchParams.get('sig');
        if (new URLSearchParams(request.body).get('meta') !== `meta+/${sig}=`)
          return new Response('', { status: 403 });
        const from = Number(/^bytes=(\d+)-$/.exec(request.headers.get('range') ?? '')?.[1] ?? 0);
        if (range && from > 0) {
          return new Response(bodyOf(FILE.slice(from), 700), {
            status: 206,
            headers: { 'content-range': `bytes ${from}-${FILE.byteLength - 1}/${FILE.byteLength}` },
          });
        }
        return new Response(bodyOf(FILE, 700), { headers: { 'content-length': String(FILE.byteLength) } });
      }
      default:
        return new Response('', { status: 404 });
    }
  });
}

const steps = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.url.pathname}`);
const THREE_STEPS = [`GET ${STORAGE}`, `GET ${LINK}`, `POST ${DOWNLOAD}`];

describe('openVerifiedDownload', () => {
  it('runs the three steps, rides the session only on the web host, and verifies the bytes', async () => {
    const fetch = storageFake();
    const download = await openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE));
    expect(await readAll(download.stream)).toEqual(FILE);
    expect(() => download.verify()).not.toThrow();
    expect(download).toMatchObject({ totalSize: FILE.byteLength, rangeHonoured: false });
    expect(steps(fetch.requests)).toEqual(THREE_STEPS);
    const [storage, link, post] = fetch.requests;
    expect(storage?.url.host).toBe(HOST);
    expect(storage?.url.searchParams.get('id')).toBe('24886749771200001');
    expect([storage?.credentials, link?.credentials, post?.credentials]).toEqual(['include', 'omit', 'omit']);
    expect(post?.headers.has('range')).toBe(false);
  });

  it('reports a wrong SHA-1 at verify()', async () => {
    const fetch = storageFake();
    const item = { ...(await itemFor(FILE)), sha1: '0'.repeat(40) };
    const download = await openVerifiedDownload(testHttp(fetch), HOST, item);
    await readAll(download.stream);
    expect(() => download.verify()).toThrow(expect.objectContaining({ kind: 'sha1-mismatch' }));
  });

  it('reports code 50050 as a deleted item without retrying', async () => {
    const fetch = storageFake({
      overrides: {
        [STORAGE]: [() => json({ result: 'error', retriable: false, code: 50050, description: 'deleted' })],
      },
    });
    await expect(openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE))).rejects.toMatchObject({
      kind: 'xiaomi-item-deleted',
    });
    expect(fetch.requests).toHaveLength(1);
  });

  it('retries a retriable error, a 5xx and a refused connection with back-off', async () => {
    const clock = instantClock();
    const fetch = storageFake({
      overrides: {
        [STORAGE]: [() => json({ result: 'error', retriable: true, code: 10008 }), () => undefined],
        [LINK]: [() => new Response('', { status: 503 })],
        [DOWNLOAD]: [
          () => {
            throw new TypeError('fetch failed: ECONNRESET');
          },
        ],
      },
    });
    const download = await openVerifiedDownload(testHttp(fetch, clock), HOST, await itemFor(FILE));
    expect(await readAll(download.stream)).toEqual(FILE);
    expect(clock.sleeps).toHaveLength(3);
    expect(fetch.to(STORAGE)).toHaveLength(4);
  });

  it.each([
    ['step 2', LINK],
    ['step 3', DOWNLOAD],
  ])('starts again at step 1 when the signed link is refused at %s', async (_, path) => {
    const fetch = storageFake({ overrides: { [path]: [() => new Response('expired', { status: 403 })] } });
    const download = await openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE));
    expect(await readAll(download.stream)).toEqual(FILE);
    expect(fetch.to(STORAGE)).toHaveLength(2);
    // The link of the second generation was used after the first one was refused.
    expect(fetch.to(DOWNLOAD).at(-1)?.url.searchParams.get('sig')).toBe('G2');
  });

  it('reports a lost session at step 1', async () => {
    const fetch = storageFake({ overrides: { [STORAGE]: [() => unauthorized()] } });
    await expect(openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE))).rejects.toMatchObject({
      kind: 'xiaomi-logged-out',
    });
  });

  it('reports a link answer that is not JSONP as malformed after retries', async () => {
    const fetch = recordingFetch((r) =>
      r.url.pathname === STORAGE ? ok({ url: `https://files.example.test${LINK}` }) : new Response('<html>'),
    );
    await expect(openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE))).rejects.toMatchObject({
      kind: 'xiaomi-malformed-response',
    });
    expect(fetch.to(STORAGE)).toHaveLength(5);
  });

  describe('resuming at an offset', () => {
    const OFFSET = 2_100;

    async function firstPart() {
      const fetch = storageFake();
      const item = await itemFor(FILE);
      const download = await openVerifiedDownload(testHttp(fetch), HOST, item);
      const reader = download.stream.getReader();
      let received = 0;
      while (received < OFFSET) received += (await reader.read()).value?.byteLength ?? 0;
      await reader.cancel();
      return { item, hashState: download.hashState(), at: download.position() };
    }

    it.each([
      [true, 206],
      [false, 200],
    ])('asks for a Range with a saved hash state (range honoured: %s)', async (range) => {
      const { item, hashState, at } = await firstPart();
      const fetch = storageFake({ range });
      const download = await openVerifiedDownload(testHttp(fetch), HOST, item, { offset: at, hashState });
      expect(fetch.to(DOWNLOAD)[0]?.headers.get('range')).toBe(`bytes=${at}-`);
      expect(download.rangeHonoured).toBe(range);
      expect(download.totalSize).toBe(FILE.byteLength);
      expect(await readAll(download.stream)).toEqual(FILE.slice(at));
      expect(() => download.verify()).not.toThrow();
    });

    it('fetches the whole body without a Range when no hash state was saved', async () => {
      const fetch = storageFake({ range: true });
      const download = await openVerifiedDownload(testHttp(fetch), HOST, await itemFor(FILE), {
        offset: OFFSET,
      });
      expect(fetch.to(DOWNLOAD)[0]?.headers.has('range')).toBe(false);
      expect(await readAll(download.stream)).toEqual(FILE.slice(OFFSET));
      expect(() => download.verify()).not.toThrow();
    });
  });

  it('allows several downloads at once', async () => {
    const fetch = storageFake();
    const item = await itemFor(FILE);
    const downloads = await Promise.all(
      [1, 2, 3].map(() => openVerifiedDownload(testHttp(fetch), HOST, item)),
    );
    const bodies = await Promise.all(downloads.map((d) => readAll(d.stream)));
    expect(bodies.every((b) => b.byteLength === FILE.byteLength)).toBe(true);
    for (const download of downloads) expect(() => download.verify()).not.toThrow();
  });
});

describe('resolveSignedDownload', () => {
  /** Step 2 answers with a step-3 link on `origin`. */
  const linkOn = (origin: string) =>
    storageFake({
      overrides: {
        [LINK]: [
          () =>
            new Response(`dl_img_cb(${JSON.stringify({ url: `${origin}${DOWNLOAD}?sig=X`, meta: 'm=1' })})`),
        ],
      },
    });

  it('runs steps 1 and 2 only, and hands out the step-3 link on a Xiaomi host', async () => {
    const fetch = linkOn('https://ali.xmssdn.micloud.mi.com');
    const signed = await resolveSignedDownload(testHttp(fetch), HOST, await itemFor(FILE));
    expect(signed).toEqual({ url: `https://ali.xmssdn.micloud.mi.com${DOWNLOAD}?sig=X`, meta: 'm=1' });
    expect(steps(fetch.requests)).toEqual(THREE_STEPS.slice(0, 2));
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a look-alike of mi.com', 'https://ali.xmssdn.micloud.mi.com.evil.example'],
    ['plain http', 'http://ali.xmssdn.micloud.mi.com'],
  ])('refuses a link to %s, where the browser would carry its cookies', async (_, origin) => {
    await expect(
      resolveSignedDownload(testHttp(linkOn(origin)), HOST, await itemFor(FILE)),
    ).rejects.toMatchObject({ kind: 'unexpected-response', scope: 'item' });
  });
});
