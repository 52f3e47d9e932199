import { describe, expect, it } from 'vitest';
import { createXiaomiSource } from './source.ts';
import {
  fakePlatform,
  instantClock,
  json,
  ok,
  type RecordedRequest,
  recordingFetch,
  unauthorized,
} from './test-support.ts';

const ALBUM_LIST = '/gallery/user/album/list';
const ENC_INFO = '/mic/keybag/v1/getEncInfo';
const KEEP_ALIVE = '/status/lite/setting';

function xiaomi(answer: (r: RecordedRequest) => Response) {
  const fetch = recordingFetch(answer);
  const source = createXiaomiSource({
    fetch,
    clock: instantClock(),
    platform: fakePlatform(),
    random: () => 0.5,
  });
  return { fetch, source };
}

const loggedIn = (r: RecordedRequest) => {
  if (r.url.pathname === ENC_INFO) return ok({ e2eeStatus: 'close' });
  if (r.url.pathname === ALBUM_LIST)
    return ok({ albums: [{ albumId: '1', mediaCount: 0 }], isLastPage: true });
  if (r.url.pathname === KEEP_ALIVE) return json({ result: 'ok', code: 0, data: {} });
  return ok({ galleries: [], isLastPage: true });
};

describe('createXiaomiSource', () => {
  it('detects the session once and shares it between concurrent calls', async () => {
    const { fetch, source } = xiaomi(loggedIn);
    await Promise.all([source.keepAlive(), source.keepAlive(), source.listAlbums()]);
    expect(fetch.to(ENC_INFO)).toHaveLength(1);
    expect(fetch.to(KEEP_ALIVE)).toHaveLength(2);
  });

  it('looks for the session again after a 401', async () => {
    let signedIn = true;
    const { fetch, source } = xiaomi((r) => (signedIn ? loggedIn(r) : unauthorized()));
    await source.keepAlive();
    signedIn = false;
    await expect(source.keepAlive()).rejects.toMatchObject({ kind: 'xiaomi-logged-out' });
    signedIn = true;
    await source.keepAlive();
    expect(fetch.to(ENC_INFO)).toHaveLength(2);
  });

  it('looks for the session again after a 401 in the middle of an album', async () => {
    let signedIn = true;
    const { fetch, source } = xiaomi((r) => (signedIn ? loggedIn(r) : unauthorized()));
    await source.keepAlive();
    signedIn = false;
    const pages = source.listAlbumItems('1');
    await expect(pages.next()).rejects.toMatchObject({ kind: 'xiaomi-logged-out' });
    signedIn = true;
    await source.keepAlive();
    expect(fetch.to(ENC_INFO)).toHaveLength(2);
  });

  it.each([
    ['logged out', () => unauthorized(false), 'xiaomi-logged-out'],
    ['awaiting verification', () => unauthorized(true), 'xiaomi-second-validation'],
    [
      'end-to-end encrypted',
      (r: RecordedRequest) => (r.url.pathname === ENC_INFO ? ok({ e2eeStatus: 'open' }) : loggedIn(r)),
      'xiaomi-e2ee-on',
    ],
  ])('refuses work while %s, with the matching error', async (_, answer, kind) => {
    const { fetch, source } = xiaomi(answer);
    await expect(source.listAlbums()).rejects.toMatchObject({ kind, scope: 'job' });
    expect(fetch.to(KEEP_ALIVE)).toHaveLength(0);
  });

  it('gives checkSession a fresh look every time', async () => {
    const { fetch, source } = xiaomi(loggedIn);
    expect(await source.checkSession()).toMatchObject({ state: 'logged-in', host: 'i.mi.com' });
    await source.checkSession();
    expect(fetch.to(ENC_INFO)).toHaveLength(2);
  });
});
