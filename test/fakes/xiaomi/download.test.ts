import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { AWKWARD_ITEMS, presetAwkwardNames } from '../library/bad-inputs.ts';
import { parseRange } from './index.ts';
import { fakePerTest, type LocalResponse, type RunningFake, sha1 } from './self-test-server.ts';

const start = fakePerTest();

const PHOTO = '24886749771200001';
const VIDEO = '24886749771200002';

/** Steps 1 and 2: the JSONP callback name and the step-3 target. */
async function resolveTarget(
  fake: RunningFake,
  id: string,
  step1Query = '',
): Promise<{ callback: string; url: string; meta: string; step2: LocalResponse }> {
  const step1 = await fake.client.get(`https://i.mi.com/gallery/storage?ts=1&id=${id}${step1Query}`);
  const { url } = (step1.json() as { data: { url: string } }).data;
  const step2 = await fake.client.get(url, { withCookies: false });
  const [, callback = '', json = ''] = /^([\w.]+)\((.*)\)$/s.exec(step2.text) ?? [];
  return { callback, step2, ...(JSON.parse(json) as { url: string; meta: string }) };
}

describe('the three-step download (§6)', () => {
  it('returns the original bytes, whose SHA-1 is the listed one, with Content-Length', async () => {
    const fake = await start();
    const item = fake.xiaomi.library.item(VIDEO)!;
    const { steps, bytes } = await fake.client.download(VIDEO);
    const [step1, step2, step3] = steps;
    expect(step1!.json()).toMatchObject({
      result: 'ok',
      code: 0,
      data: {
        url: expect.stringMatching(
          /^https:\/\/ali\.xmssdn\.micloud\.mi\.com\/mic\/dl\/24886749771200002\?ts=\d+&sig=/,
        ),
      },
    });
    expect(step2!.text).toMatch(
      /^dl_img_cb\(\{"url":"https:\/\/ali\.xmssdn\.micloud\.mi\.com\/2\/1500000000000\/download_file\?attachment=0&fn=[\w-]+&ct=application%2Foctet-stream&ts=\d+&sig=[\w-]+","meta":"[\w-]{36}"\}\)$/,
    );
    expect(step3!.status).toBe(200);
    expect(step3!.headers['content-length']).toBe(String(item.size));
    expect(step3!.headers['accept-ranges']).toBeUndefined();
    expect(sha1(bytes)).toBe(item.sha1);
    expect(fake.xiaomi.state.counters).toMatchObject({
      storage: 1,
      'storage-resolve': 1,
      'storage-download': 1,
    });
    expect(fake.xiaomi.requestsTo('storage-download')[0]).toMatchObject({
      bytesSent: item.size,
      completed: true,
      cookieNames: [],
    });
  });

  it('puts the step-2 and step-3 URLs on the configured hosts, which the services then answer', async () => {
    const fake = await start({ resolveHost: 'i.mi.com', downloadHost: 'kssv-w-yz01.kuaipandata.com' });
    expect(fake.xiaomi.services.map((service) => service.hosts)).toEqual([
      ['i.mi.com', '*.i.mi.com'],
      ['*.xmssdn.micloud.mi.com', 'kssv-w-yz01.kuaipandata.com'],
    ]);
    const { steps, bytes } = await fake.client.download(PHOTO);
    expect(fake.xiaomi.requestsTo('storage-resolve')[0]!.host).toBe('i.mi.com');
    expect(fake.xiaomi.requestsTo('storage-download')[0]!.host).toBe('kssv-w-yz01.kuaipandata.com');
    expect([steps[2]!.status, sha1(bytes)]).toEqual([200, fake.xiaomi.library.item(PHOTO)!.sha1]);
  });

  it('also answers the older step-1 form with the user id in the path (§6.1)', async () => {
    const fake = await start();
    const step1 = await fake.client.get(`https://i.mi.com/gallery/123456789/storage?ts=1&id=${PHOTO}`);
    expect(step1.json()).toMatchObject({ code: 0, data: { url: expect.stringContaining('/mic/dl/') } });
  });

  it('keeps the private album behind verification when configured locked', async () => {
    const fake = await start({ privateAlbum: 'locked' });
    const privateItem = fake.xiaomi.library.itemsIn('1000')[0]!.id;
    const storage = await fake.client.get(`https://i.mi.com/gallery/storage?id=${privateItem}`);
    expect([storage.status, (storage.json() as { isSecondValidation: boolean }).isSecondValidation]).toEqual([
      401,
      true,
    ]);
    expect((await fake.client.get('https://i.mi.com/gallery/user/galleries?albumId=1000')).status).toBe(401);
    expect((await fake.client.get('https://i.mi.com/gallery/user/galleries?albumId=1')).status).toBe(200);
    expect((await fake.client.download(PHOTO)).steps[2]!.status).toBe(200);
  });

  it('encodes the file name in fn as base64 of its UTF-8', async () => {
    const fake = await start();
    const { url } = await resolveTarget(fake, PHOTO);
    expect(Buffer.from(new URL(url).searchParams.get('fn')!, 'base64url').toString()).toBe(
      'IMG_20240601_101500.jpg',
    );
  });

  it('names the JSONP callback as configured: fixed, echoing callBack, or (one-off) something else', async () => {
    const fake = await start();
    expect((await resolveTarget(fake, PHOTO, '&callBack=dl_img_cb_1718000000000_0')).callback).toBe(
      'dl_img_cb',
    );
    fake.xiaomi.configure({ jsonpCallback: 'echo' });
    expect((await resolveTarget(fake, PHOTO, '&callBack=dl_img_cb_1718000000000_0')).callback).toBe(
      'dl_img_cb_1718000000000_0',
    );
    expect((await resolveTarget(fake, PHOTO)).callback).toBe('dl_img_cb');
    fake.xiaomi.failNext('/mic/dl/', { kind: 'jsonp-callback', name: 'jQuery1124_cb' });
    expect((await resolveTarget(fake, PHOTO)).callback).toBe('jQuery1124_cb');
  });

  it('refuses step 3 without meta (400), with another meta (403), by GET (405) and with a forged signature (403)', async () => {
    const fake = await start();
    const { url, meta } = await resolveTarget(fake, PHOTO);
    expect((await fake.client.post(url, 'other=1')).status).toBe(400);
    expect((await fake.client.post(url, `meta=${meta}x`)).status).toBe(403);
    expect((await fake.client.get(url, { withCookies: false })).status).toBe(405);
    expect((await fake.client.post(url.replace(/sig=[\w-]+/, 'sig=forged'), `meta=${meta}`)).status).toBe(
      403,
    );
    expect((await fake.client.post(url, `meta=${meta}`)).status).toBe(200);
  });

  it('refuses extension origins on steps 2 and 3 when so configured', async () => {
    const fake = await start();
    const origin = { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
    const { url, meta } = await resolveTarget(fake, PHOTO);
    expect((await fake.client.post(url, `meta=${meta}`, { headers: origin })).status).toBe(200);
    fake.xiaomi.configure({ rejectExtensionOrigin: true });
    const refused = await fake.client.post(url, `meta=${meta}`, { headers: origin });
    expect([refused.status, refused.text]).toEqual([403, 'origin not allowed']);
    expect((await fake.client.post(url, `meta=${meta}`)).status).toBe(200);
  });

  it('serves step 3 to a GET when configured to', async () => {
    const fake = await start({ downloadAcceptsGet: true });
    const { url } = await resolveTarget(fake, PHOTO);
    const response = await fake.client.get(url, { withCookies: false });
    expect(sha1(response.body)).toBe(fake.xiaomi.library.item(PHOTO)!.sha1);
  });

  it('lets signed links expire after their lifetime', async () => {
    const clock = new FakeClock();
    const fake = await start({ clock, signedUrlLifetimeMs: 60_000 });
    const step1 = await fake.client.get(`https://i.mi.com/gallery/storage?id=${PHOTO}`);
    const { url } = (step1.json() as { data: { url: string } }).data;
    clock.advance(60_001);
    expect((await fake.client.get(url, { withCookies: false })).status).toBe(403);

    const target = await resolveTarget(fake, PHOTO);
    clock.advance(60_001);
    const late = await fake.client.post(target.url, `meta=${target.meta}`);
    expect([late.status, late.text]).toEqual([403, 'link expired']);
  });

  it('answers code 50050 inside HTTP 200 for a deleted item, and 404 at step 3 if deleted after step 2', async () => {
    const fake = await start();
    const target = await resolveTarget(fake, PHOTO);
    fake.xiaomi.deleteItem(PHOTO);
    const storage = await fake.client.get(`https://i.mi.com/gallery/storage?id=${PHOTO}`);
    expect([storage.status, storage.text]).toEqual([
      200,
      '{"result":"error","retriable":false,"code":50050,"description":"file deleted"}',
    ]);
    expect((await fake.client.post(target.url, `meta=${target.meta}`)).status).toBe(404);
  });

  it('needs the session for step 1 only', async () => {
    const fake = await start();
    const target = await resolveTarget(fake, PHOTO);
    fake.xiaomi.expireSession();
    expect((await fake.client.get(`https://i.mi.com/gallery/storage?id=${PHOTO}`)).status).toBe(401);
    expect((await fake.client.post(target.url, `meta=${target.meta}`)).status).toBe(200);
  });

  it('serves bytes that do not match the listing while E2EE encrypts downloads', async () => {
    const fake = await start({ e2eeStatus: 'open' });
    const { bytes } = await fake.client.download(PHOTO);
    const item = fake.xiaomi.library.item(PHOTO)!;
    expect(bytes.length).toBe(item.size);
    expect(sha1(bytes)).not.toBe(item.sha1);
  });

  it('refuses to invent bytes for a listing-only item', async () => {
    const fake = await start({ library: presetAwkwardNames() });
    const { steps } = await fake.client.download(AWKWARD_ITEMS.videoTooLarge);
    expect(steps[2]!.status).toBe(500);
  });

  it('downloads a zero-byte file as an empty 200', async () => {
    const fake = await start({ library: presetAwkwardNames() });
    const { steps, bytes } = await fake.client.download(AWKWARD_ITEMS.zeroBytes);
    expect([steps[2]!.status, steps[2]!.headers['content-length'], bytes.length]).toEqual([200, '0', 0]);
  });
});

describe('Range on step 3', () => {
  it('ignores Range by default: 200 with the whole body', async () => {
    const fake = await start();
    const { url, meta } = await resolveTarget(fake, VIDEO);
    const response = await fake.client.post(url, `meta=${meta}`, { headers: { range: 'bytes=100-' } });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(fake.xiaomi.library.item(VIDEO)!.size);
  });

  it('honours Range when configured: 206 with Content-Range and exactly those bytes', async () => {
    const fake = await start({ range: 'honour' });
    const item = fake.xiaomi.library.item(VIDEO)!;
    const whole = item.buffer();
    const { url, meta } = await resolveTarget(fake, VIDEO);
    const tail = await fake.client.post(url, `meta=${meta}`, { headers: { range: 'bytes=100000-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes 100000-${item.size - 1}/${item.size}`);
    expect(tail.headers['accept-ranges']).toBe('bytes');
    expect(sha1(tail.body)).toBe(sha1(whole.subarray(100_000)));
    const middle = await fake.client.post(url, `meta=${meta}`, { headers: { range: 'bytes=10-19' } });
    expect(middle.body).toEqual(whole.subarray(10, 20));
    const beyond = await fake.client.post(url, `meta=${meta}`, { headers: { range: `bytes=${item.size}-` } });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, `bytes */${item.size}`]);
  });

  it('parses single byte ranges the way RFC 9110 says', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 100 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 1000 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 1000 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-1', 1000)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeUndefined();
    expect(parseRange(undefined, 1000)).toBeUndefined();
  });
});

describe('thumbnails', () => {
  it('serves the signed thumbnail URLs of the listing as small JPEGs, without cookies', async () => {
    const fake = await start();
    const page = await fake.client.get('https://i.mi.com/gallery/user/galleries?albumId=1&pageSize=1');
    const { galleries } = (page.json() as { data: { galleries: { thumbnailInfo: { data: string } }[] } })
      .data;
    const thumbnail = await fake.client.get(galleries[0]!.thumbnailInfo.data, { withCookies: false });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/jpeg');
    expect(thumbnail.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(
      (await fake.client.get(galleries[0]!.thumbnailInfo.data.replace(/sig=[\w-]+/, 'sig=x'))).status,
    ).toBe(404);
  });
});
