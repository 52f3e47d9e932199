import { describe, expect, it } from 'vitest';
import { MALFORMED } from './index.ts';
import { fakePerTest, sha1 } from './self-test-server.ts';

const start = fakePerTest();

const GALLERIES = 'https://i.mi.com/gallery/user/galleries?albumId=1&pageNum=0&pageSize=10';
const PHOTO = '24886749771200001';
const VIDEO = '24886749771200002';

describe('scripted faults', () => {
  it('answers the next matching request with an nginx 502 page, then behaves again', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('/gallery/user/galleries', { kind: 'server-error' });
    const failed = await client.get(GALLERIES);
    expect([failed.status, failed.headers['content-type']]).toEqual([502, 'text/html;charset=UTF-8']);
    expect(failed.text).toContain('<center><h1>502 Bad Gateway</h1></center>');
    expect((await client.get(GALLERIES)).status).toBe(200);
    expect(xiaomi.state.requests.map((record) => record.fault)).toEqual(['server-error', undefined]);
  });

  it('fires as many times as asked, only on requests the pattern matches', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext(/i\.mi\.com\/gallery\/user\/galleries\?.*pageNum=1/, { kind: 'retriable' }, 2);
    const statuses = async (pageNum: number) =>
      (await client.get(GALLERIES.replace('pageNum=0', `pageNum=${pageNum}`))).json();
    expect(await statuses(0)).toMatchObject({ code: 0 });
    expect(await statuses(1)).toMatchObject({ result: 'error', retriable: true, code: 10016 });
    expect(await statuses(1)).toMatchObject({ retriable: true });
    expect(await statuses(1)).toMatchObject({ code: 0 });
  });

  it('drops faults that have not fired on clearFaults', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('/gallery/', { kind: 'unauthorized' });
    xiaomi.clearFaults();
    expect((await client.get(GALLERIES)).status).toBe(200);
  });

  it('answers 401, 50050 or an HTML page where JSON was expected', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('/gallery/storage', { kind: 'unauthorized', secondValidation: true });
    xiaomi.failNext('/gallery/storage', { kind: 'deleted' });
    xiaomi.failNext('/gallery/storage', MALFORMED.htmlInsteadOfJson);
    const storage = `https://i.mi.com/gallery/storage?id=${PHOTO}`;
    const unauthorized = await client.get(storage);
    expect([
      unauthorized.status,
      (unauthorized.json() as { isSecondValidation: boolean }).isSecondValidation,
    ]).toEqual([401, true]);
    expect((await client.get(storage)).json()).toMatchObject({ code: 50050 });
    const html = await client.get(storage);
    expect([html.status, html.text.startsWith('<!DOCTYPE html>')]).toEqual([200, true]);
  });

  it('truncates JSON but sends it as complete', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('/gallery/user/galleries', MALFORMED.truncatedJson);
    const response = await client.get(GALLERIES);
    expect(response.aborted).toBe(false);
    expect(response.headers['content-length']).toBe(String(response.body.length));
    expect(() => response.json()).toThrow(SyntaxError);
  });

  it('rewrites pages into malformed ones: numeric ids, an empty page that is not the last', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('/gallery/user/galleries', MALFORMED.numericIds);
    const numeric = await client.get(GALLERIES);
    expect(numeric.text).toContain('"id":24886749771200012,');
    xiaomi.failNext('/gallery/user/galleries', MALFORMED.emptyPageNotLast);
    expect((await client.get(GALLERIES)).json()).toMatchObject({
      data: { galleries: [], isLastPage: false },
    });
    xiaomi.failNext('/gallery/user/galleries', MALFORMED.missingIsLastPage);
    expect((await client.get(GALLERIES)).json()).not.toHaveProperty('data.isLastPage');
  });

  it('cuts the connection after N body bytes of a download', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('download_file', { kind: 'reset', afterBytes: 50_000 });
    const { steps, bytes } = await client.download(VIDEO);
    expect(steps[2]!.aborted).toBe(true);
    expect(bytes.length).toBe(50_000);
    expect(xiaomi.requestsTo('storage-download')[0]).toMatchObject({
      bytesSent: 50_000,
      completed: false,
      fault: 'reset',
    });
  });

  it('flips one byte so the SHA-1 no longer matches', async () => {
    const { client, xiaomi } = await start();
    const item = xiaomi.library.item(PHOTO)!;
    xiaomi.failNext('download_file', { kind: 'corrupt', atByte: 1000 });
    const { bytes } = await client.download(PHOTO);
    const original = item.buffer();
    expect(bytes.length).toBe(original.length);
    expect(sha1(bytes)).not.toBe(item.sha1);
    expect(bytes.findIndex((byte, i) => byte !== original[i])).toBe(1000);
    expect(sha1((await client.download(PHOTO)).bytes)).toBe(item.sha1);
  });

  it('expires a signed link on demand, and holds a request before answering it normally', async () => {
    const { client, xiaomi } = await start();
    xiaomi.failNext('download_file', { kind: 'link-expired' });
    expect((await client.download(PHOTO)).steps[2]!.status).toBe(403);
    xiaomi.failNext('/gallery/user/galleries', { kind: 'delay', ms: 20 });
    expect((await client.get(GALLERIES)).status).toBe(200);
    expect(xiaomi.requestsTo('galleries').at(-1)!.fault).toBe('delay');
  });
});

describe('random faults', () => {
  async function outcomes(seed: number, rate: number): Promise<string[]> {
    const { client } = await start({ seed, errorRate: rate });
    const results: string[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await client.get(GALLERIES);
      results.push(
        response.status !== 200
          ? String(response.status)
          : (response.json() as { code: number }).code === 0
            ? 'ok'
            : 'retriable',
      );
    }
    return results;
  }

  it('fails a seeded share of API requests, the same ones for the same seed', async () => {
    const first = await outcomes(3, 0.5);
    expect(await outcomes(3, 0.5)).toEqual(first);
    expect(await outcomes(4, 0.5)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'retriable', '502', '503']));
  });

  it('spares the pages and the fake login, and can be switched off at run time', async () => {
    const { client, xiaomi } = await start({ errorRate: 1 });
    expect((await client.get('https://i.mi.com/')).status).toBe(200);
    expect((await client.get('https://i.mi.com/__fake/login')).status).toBe(200);
    expect((await client.get(GALLERIES)).text).not.toContain('"code":0');
    xiaomi.configure({ errorRate: 0 });
    expect((await client.get(GALLERIES)).json()).toMatchObject({ code: 0 });
  });
});
