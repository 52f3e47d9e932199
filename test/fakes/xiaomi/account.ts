/**
 * The account-level endpoints around the gallery (xiaomi-api.md §2, §3.2, §5.3): the session probe,
 * the E2EE status, the web app's index preparation, the keep-alive that renews `serviceToken`, the
 * storage quota, and the login-URL lookup that starts a re-login.
 */
import { okBody } from './bodies.ts';
import { type Handler, sessionCookie } from './context.ts';
import { jsonText } from './json-text.ts';

/** `GET /common/check` (§3.2): 200 while the session is valid. What `data` holds is not recorded. */
export const commonCheck: Handler = async ({ reply }, fake) => reply.json(200, okBody({}, fake.clock.now()));

/** `GET /mic/keybag/v1/getEncInfo` (§2.5). */
export const encInfo: Handler = async ({ reply }, fake) =>
  reply.json(
    200,
    okBody({ zone: 301, e2eeStatus: fake.behaviour.e2eeStatus, nonce: 'bm9uY2U=' }, fake.clock.now()),
  );

/** `POST /gallery/user/lite/index/prepare` (§2.3); its `serviceToken` form field is not checked (C: optional). */
export const indexPrepare: Handler = async ({ reply }, fake) =>
  reply.json(200, okBody({ isReady: true, status: 'ready' }, fake.clock.now()));

/**
 * `GET /status/lite/setting?type=AutoRenewal&inactiveTime=…` (§2.2): `"result":"ok"`, with a
 * Set-Cookie carrying a new `serviceToken` when the presented one was due for renewal.
 */
export const setting: Handler = async ({ url, reply, token }, fake) => {
  if (url.searchParams.get('type') === 'AutoRenewal' && token !== undefined) {
    const renewed = fake.session.renew(token);
    if (renewed !== undefined) reply.setCookie(sessionCookie(fake, 'serviceToken', renewed));
  }
  return reply.json(200, okBody({}, fake.clock.now()));
};

const QUOTA_BYTES = 5 * 1024 ** 3;

/** `GET /status/lite/alldetail` (§5.3): quota; the gallery's share is the library's total size. */
export const quota: Handler = async ({ reply }, fake) => {
  const gallery = fake.catalog.library.items
    .filter((item) => !fake.catalog.isDeleted(item.id))
    .reduce((sum, item) => sum + item.size, 0);
  const data = {
    totalQuota: QUOTA_BYTES,
    used: gallery,
    usedDetail: { GalleryImage: { size: gallery }, Recorder: { size: 0 }, AppList: { size: 0 } },
  };
  return reply.json(200, okBody(data, fake.clock.now()));
};

/** `GET /api/user/login` (§2.2 re-mint step 1): where to send the browser to sign in again. */
export const userLogin: Handler = async ({ url, reply }) => {
  const followUp = url.searchParams.get('followUp') ?? `https://${url.hostname}/`;
  const callback = `https://${url.hostname}/sts?sign=abc&followup=${encodeURIComponent(followUp)}`;
  const loginUrl = `https://account.xiaomi.com/pass/serviceLogin?callback=${encodeURIComponent(callback)}&sid=i.mi.com&_locale=zh_CN`;
  return reply.json(200, jsonText({ data: { loginUrl } }));
};
