import { afterEach, expect, it } from 'vitest';
import { createNodeFetch } from '../contract/support/node-fetch.ts';
import { type FakeClouds, startFakeClouds } from './clouds.ts';
import { presetSmall } from './library/index.ts';

let clouds: FakeClouds | undefined;
afterEach(() => clouds?.close());

it('serves both clouds on one network, on one clock, with the given link shaping', async () => {
  clouds = await startFakeClouds({ library: presetSmall(), shaping: { latencyMs: 5 } });
  const fetch = createNodeFetch(clouds.net);
  fetch.cookies.add(clouds.xiaomi.sessionCookies());
  const token = clouds.google.issueAccessToken();

  const albums = await fetch(
    `https://i.mi.com/gallery/user/album/list?ts=${clouds.clock.now()}&pageNum=0&pageSize=10&isShared=false`,
  );
  const photos = await fetch('https://photoslibrary.googleapis.com/v1/albums', {
    headers: { authorization: `Bearer ${token}` },
  });

  expect(albums.status).toBe(200);
  expect(((await albums.json()) as { code: number }).code).toBe(0);
  expect(photos.status).toBe(200);
  await clouds.net.settled();
  expect(clouds.net.log.map((record) => [record.service, record.httpVersion])).toEqual([
    ['xiaomi-web', '1.1'],
    ['google-photos', '2.0'],
  ]);
  expect(clouds.xiaomi.clock).toBe(clouds.clock);
  expect(clouds.google.clock).toBe(clouds.clock);
  expect(clouds.net.shaping.latencyMs).toBe(5);
});
