/**
 * The request pipeline both Xiaomi services share: record the request, wait the configured latency,
 * apply a scripted fault, route, check method and session (shard redirect, region mismatch, phone
 * verification), roll the random error rate, deliver a rotated token, then let the endpoint answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import * as accountEndpoints from './account.ts';
import { DELETED_BODY, htmlPage, nginxErrorPage, retriableBody } from './bodies.ts';
import {
  type Exchange,
  type FakeContext,
  type Handler,
  replyUnauthorized,
  sessionCookie,
} from './context.ts';
import {
  DOWNLOAD_PATH,
  type DownloadLinks,
  download,
  RESOLVE_PATH,
  resolve,
  STORAGE_PATH,
  storage,
} from './download.ts';
import type { Fault, Faults } from './faults.ts';
import * as listing from './listing.ts';
import { fakeLogin, LOGIN_PATH, VERIFY_PHONE_PATH, verifyPhone, webAppPage } from './pages.ts';
import type { Endpoint, Recorder } from './recorder.ts';
import { CONTENT_TYPE, Reply } from './reply.ts';
import { parseCookies } from './session.ts';
import { serveThumbnail, THUMBNAIL_PATH } from './thumbnails.ts';

/**
 * - 'public': no cookies needed (pages, and the pre-signed storage URLs, §6.2–6.3);
 * - 'account': a valid session on the account's host;
 * - 'gallery': that, and the gallery's phone verification done (§2.2).
 */
type Access = 'public' | 'account' | 'gallery';

interface Route {
  readonly endpoint: Endpoint;
  /** Web routes answer on the web hosts only; storage routes on every host (their host is configurable). */
  readonly on: 'web' | 'any';
  readonly path: string | RegExp;
  readonly methods: readonly string[];
  readonly access: Access;
  /** Subject to the random error rate; JSON endpoints may also fail with a retriable JSON error. */
  readonly flaky: 'no' | 'html' | 'json';
  readonly handle: Handler;
}

export type ServiceKind = 'web' | 'storage';

function routes(links: DownloadLinks): readonly Route[] {
  const route = (
    endpoint: Endpoint,
    path: string | RegExp,
    handle: Handler,
    overrides: Partial<Route> = {},
  ): Route => ({
    endpoint,
    path,
    handle,
    on: 'web',
    methods: ['GET'],
    access: 'gallery',
    flaky: 'json',
    ...overrides,
  });
  const page = { access: 'public', flaky: 'no' } as const;
  const account = { access: 'account' } as const;
  const presigned = { on: 'any', access: 'public', flaky: 'html' } as const;
  return [
    route('page', /^\/(gallery\/h5(\/.*)?)?$/, webAppPage, page),
    route('fake-login', LOGIN_PATH, fakeLogin, page),
    route('fake-verify-phone', VERIFY_PHONE_PATH, verifyPhone, page),
    route('user-login', '/api/user/login', accountEndpoints.userLogin, page),
    route('album-list', '/gallery/user/album/list', listing.albumList),
    route('album-full', '/gallery/album/full', listing.albumFull),
    route('galleries', '/gallery/user/galleries', listing.galleries),
    route('timeline', '/gallery/user/timeline', listing.timeline),
    route('allitems', '/gallery/allitems', listing.allItems),
    route('deleted-items', '/gallery/deleted_v2', listing.deletedItems),
    route('index-prepare', '/gallery/user/lite/index/prepare', accountEndpoints.indexPrepare, {
      methods: ['POST'],
    }),
    route('storage', STORAGE_PATH, storage),
    route('common-check', '/common/check', accountEndpoints.commonCheck, account),
    route('enc-info', '/mic/keybag/v1/getEncInfo', accountEndpoints.encInfo, account),
    route('setting', '/status/lite/setting', accountEndpoints.setting, account),
    route('quota', '/status/lite/alldetail', accountEndpoints.quota, account),
    route('storage-resolve', RESOLVE_PATH, resolve(links), presigned),
    route('storage-download', DOWNLOAD_PATH, download(links), { ...presigned, methods: ['POST', 'GET'] }),
    route('thumbnail', THUMBNAIL_PATH, serveThumbnail, presigned),
  ];
}

function findRoute(all: readonly Route[], kind: ServiceKind, path: string): Route | undefined {
  return all.find(
    (route) =>
      (route.on === 'any' || kind === 'web') &&
      (typeof route.path === 'string' ? route.path === path : route.path.test(path)),
  );
}

/** Faults that replace the answer outright; the others shape the endpoint's own answer. */
function replacement(exchange: Exchange, fault: Fault): Promise<void> | undefined {
  const { reply } = exchange;
  switch (fault.kind) {
    case 'server-error': {
      const status = fault.status ?? 502;
      return reply.text(status, CONTENT_TYPE.html, nginxErrorPage(status));
    }
    case 'retriable':
      return reply.json(200, retriableBody(fault.code));
    case 'unauthorized':
      return replyUnauthorized(exchange, fault.secondValidation ?? false);
    case 'deleted':
      return reply.json(200, DELETED_BODY);
    case 'html-page':
      return reply.text(
        fault.status ?? 200,
        CONTENT_TYPE.html,
        htmlPage(
          '小米账号 - 登录',
          '<form action="https://account.xiaomi.com/pass/serviceLoginAuth2"></form>',
        ),
      );
    case 'raw':
      return reply.text(fault.status, fault.contentType, fault.body);
    default:
      return undefined;
  }
}

/**
 * Lets a request through to a session endpoint, returning the token it rides on, or answers it
 * (401, or the shard redirect) and returns undefined.
 */
async function admit(exchange: Exchange, route: Route, fake: FakeContext): Promise<string | undefined> {
  const { url, req, reply } = exchange;
  const { shard, accountHost, cookieDomain, secondValidation } = fake.behaviour;
  const host = url.hostname;
  if (shard && host === shard.host && fake.session.takeShardStrike()) {
    await replyUnauthorized(exchange, false);
    return undefined;
  }
  const verdict = fake.session.check(req.headers.cookie, host);
  if (!verdict.ok) {
    await replyUnauthorized(exchange, false);
    return undefined;
  }
  if (shard && host === accountHost) {
    // The fresh cookie must reach the shard: a host-only one on i.mi.com would not.
    const domain = cookieDomain === 'mi.com' ? '.mi.com' : `.${accountHost}`;
    reply.setCookie(sessionCookie(fake, 'serviceToken', fake.session.reissueForShard(), domain));
    await reply.redirect(
      req.method === 'GET' ? 302 : 307,
      `https://${shard.host}${url.pathname}${url.search}`,
    );
    return undefined;
  }
  if (route.access === 'gallery' && secondValidation) {
    await replyUnauthorized(exchange, true);
    return undefined;
  }
  return verdict.token;
}

export interface Pipeline {
  readonly fake: FakeContext;
  readonly recorder: Recorder;
  readonly faults: Faults;
  readonly links: DownloadLinks;
}

export function serviceHandler(kind: ServiceKind, pipeline: Pipeline): FakeService['handle'] {
  const { fake, recorder, faults } = pipeline;
  const table = routes(pipeline.links);
  return async (req: FakeRequest, res: FakeResponse, url: URL) => {
    const method = req.method ?? 'GET';
    const route = findRoute(table, kind, url.pathname);
    const record = recorder.start({
      at: fake.clock.now(),
      method,
      host: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      endpoint: route?.endpoint ?? 'unknown',
      cookieNames: parseCookies(req.headers.cookie).map(([name]) => name),
    });
    if (fake.behaviour.latencyMs > 0) await sleep(fake.behaviour.latencyMs);

    let fault = faults.take(url);
    record.fault = fault?.kind;
    if (fault?.kind === 'delay') {
      await sleep(fault.ms);
      fault = undefined;
    }
    const exchange: Exchange = { req, url, reply: new Reply(res, record, fault), fault, token: undefined };
    const replaced = fault && replacement(exchange, fault);
    if (replaced) return replaced;

    if (!route) return exchange.reply.text(404, CONTENT_TYPE.html, nginxErrorPage(404));
    if (!route.methods.includes(method))
      return exchange.reply.text(405, CONTENT_TYPE.html, nginxErrorPage(405));
    const token = route.access === 'public' ? undefined : await admit(exchange, route, fake);
    if (route.access !== 'public' && token === undefined) return;

    const randomFault =
      fault || route.flaky === 'no'
        ? undefined
        : faults.roll(fake.behaviour.errorRate, route.flaky === 'json');
    if (randomFault) {
      record.fault = `random ${randomFault.kind}`;
      return replacement(exchange, randomFault);
    }
    const rotated = token === undefined ? undefined : fake.session.takeUndelivered();
    if (rotated !== undefined) exchange.reply.setCookie(sessionCookie(fake, 'serviceToken', rotated));
    return route.handle({ ...exchange, token }, fake);
  };
}
