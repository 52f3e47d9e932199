/**
 * HTML pages, so a browser tab can be opened on the fake in tests and demos: the web app's landing
 * page and gallery page, a fake login that sets the session cookies, and a stand-in for the
 * gallery's phone verification (§2.2).
 */
import { htmlPage } from './bodies.ts';
import { type Handler, sessionCookie } from './context.ts';
import { CONTENT_TYPE } from './reply.ts';

export const LOGIN_PATH = '/__fake/login';
export const VERIFY_PHONE_PATH = '/__fake/verify-phone';

/** `/` and `/gallery/h5`: a minimal stand-in for the web app. */
export const webAppPage: Handler = async ({ url, reply }, fake) => {
  const title = url.pathname.startsWith('/gallery') ? '小米云服务 - 相册' : '小米云服务';
  const verify = fake.behaviour.secondValidation
    ? `<p id="second-validation">为保护您的隐私，请验证手机号码。<a href="${VERIFY_PHONE_PATH}">验证</a></p>`
    : '';
  const body = `<h1>${title}</h1>${verify}<p><a href="${LOGIN_PATH}">登录 (fake)</a></p>`;
  return reply.text(200, CONTENT_TYPE.html, htmlPage(title, body));
};

/**
 * `GET /__fake/login[?userId=…]`: signs in (a new token, the session valid again) and sets the
 * `serviceToken` and `userId` cookies, Secure and with the configured Domain (host-only or .mi.com).
 */
export const fakeLogin: Handler = async ({ url, reply }, fake) => {
  const userId = url.searchParams.get('userId') ?? fake.session.userId;
  if (userId !== fake.session.userId) {
    return reply.text(403, CONTENT_TYPE.html, htmlPage('登录失败', `<p>No account ${userId} here.</p>`));
  }
  reply.setCookie(sessionCookie(fake, 'serviceToken', fake.session.login()));
  reply.setCookie(sessionCookie(fake, 'userId', userId));
  return reply.text(200, CONTENT_TYPE.html, htmlPage('已登录', `<p id="logged-in">${userId}</p>`));
};

/** `GET /__fake/verify-phone`: the person completes the gallery's phone verification. */
export const verifyPhone: Handler = async ({ reply }, fake) => {
  fake.behaviour.secondValidation = false;
  return reply.text(200, CONTENT_TYPE.html, htmlPage('验证成功', '<p id="verified">OK</p>'));
};
