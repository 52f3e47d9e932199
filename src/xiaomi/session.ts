/**
 * Finds the Xiaomi web host the person is signed in to and keeps that session alive. Accounts live
 * on a regional host (xiaomi-api.md §1.1), so candidates come from open Xiaomi tabs and from the
 * hosts holding session cookies, then `i.mi.com` (mainland accounts, the realistic target, §8) and
 * the regional hosts seen in the sources, which cookies set for all of `.mi.com` do not point at
 * (§9). Each is probed with the gallery's own album list, which is what answers 401 +
 * `isSecondValidation` while the gallery is still locked (§3.2).
 */
import type { Platform } from '../platform/platform.ts';
import { MigrationError } from '../shared/errors.ts';
import type { XiaomiSessionState } from '../shared/model.ts';
import { XiaomiAuthError } from './envelope.ts';
import { isJsonObject, readId, readString } from './fields.ts';
import { getApiData, type XiaomiHttp } from './http.ts';
import { withRetry } from './retry.ts';

const DEFAULT_HOST = 'i.mi.com';
/** Regional web hosts with evidence in xiaomi-api.md §1.1, most used first. */
const REGIONAL_HOSTS = ['us.i.mi.com', 'in.i.mi.com', 'eu.i.mi.com'];
const TAB_PATTERN = 'https://*.mi.com/*';
const COOKIE_DOMAIN = 'mi.com';

export type SessionPlatform = Pick<Platform, 'cookies' | 'tabs'>;

/** i.mi.com and its regional, shard and staging siblings (us., eu., in., s010., daily., …). */
function isXiaomiWebHost(host: string): boolean {
  return host === DEFAULT_HOST || host.endsWith(`.${DEFAULT_HOST}`);
}

/** The page where the web app asks for the gallery's phone verification (§2.2). */
function galleryUrl(host: string): string {
  return `https://${host}/gallery/h5#/`;
}

interface BrowserSession {
  /** Hosts the browser points at (tabs, cookies) and i.mi.com, most likely first. */
  candidates: string[];
  /** The `userId` cookie the browser would send to `host`. */
  userIdFor(host: string): string | undefined;
}

function hostOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).hostname : undefined;
}

function cookieHost(domain: string): string {
  return domain.startsWith('.') ? domain.slice(1) : domain;
}

function domainMatches(host: string, cookieDomain: string): boolean {
  const domain = cookieHost(cookieDomain);
  return host === domain || host.endsWith(`.${domain}`);
}

/** What the browser already knows; an unavailable API (no permission yet) just adds nothing. */
async function readBrowserSession(platform: SessionPlatform): Promise<BrowserSession> {
  const [tabUrls, cookies] = await Promise.all([
    platform.tabs.urlsMatching(TAB_PATTERN).catch(() => []),
    platform.cookies.getAll(COOKIE_DOMAIN).catch(() => []),
  ]);
  const hostsWithCookie = (name: string) =>
    cookies.filter((c) => c.name === name).map((c) => cookieHost(c.domain));
  const candidates = new Set(
    [
      ...tabUrls.map(hostOf),
      ...hostsWithCookie('serviceToken'),
      ...hostsWithCookie('userId'),
      DEFAULT_HOST,
    ].filter((h): h is string => h !== undefined && isXiaomiWebHost(h)),
  );
  return {
    candidates: [...candidates],
    userIdFor: (host) =>
      cookies.find((c) => c.name === 'userId' && domainMatches(host, c.domain) && readId(c.value))?.value,
  };
}

/**
 * `getEncInfo` is only seen in captures (§2.5): when it is absent or fails for a reason other than
 * the session, E2EE is taken as off, since a download of encrypted bytes would still fail its SHA-1.
 */
async function isE2eeOn(http: XiaomiHttp, host: string): Promise<boolean> {
  try {
    const { data } = await getApiData(http, host, '/mic/keybag/v1/getEncInfo', { hsid: 2, appId: 'micloud' });
    const status = readString(data.e2eeStatus);
    return status !== undefined && status !== 'close';
  } catch (error) {
    if (error instanceof XiaomiAuthError) throw error;
    return false;
  }
}

function firstAlbumUserId(data: Record<string, unknown>): string | undefined {
  const albums = Array.isArray(data.albums) ? data.albums : [];
  const first: unknown = albums[0];
  return isJsonObject(first) ? readId(first.userId) : undefined;
}

/** The state on one host, or throws what the probe ran into (401 as XiaomiAuthError). */
async function probe(http: XiaomiHttp, host: string, browser: BrowserSession): Promise<XiaomiSessionState> {
  const { data, servedBy } = await withRetry(http.retry, () =>
    getApiData(http, host, '/gallery/user/album/list', {
      pageNum: 0,
      pageSize: 1,
      isShared: false,
      numOfThumbnails: 1,
    }),
  );
  // A shard the request was redirected to serves the rest of the session directly.
  const sessionHost = isXiaomiWebHost(servedBy) ? servedBy : host;
  if (await isE2eeOn(http, sessionHost)) return { state: 'e2ee-on', host: sessionHost };
  const userId = browser.userIdFor(sessionHost) ?? firstAlbumUserId(data) ?? '';
  return { state: 'logged-in', host: sessionHost, userId };
}

/**
 * Probes the candidates, then the regional hosts nothing pointed at, in turn. A 401 or a permanent
 * refusal moves on to the next host. A transient failure that outlives its retries on a candidate
 * is thrown, because "signed out" cannot be told from "unreachable" there; on a regional host
 * tried only on the off chance it just means "not here".
 */
export async function detectSession(
  http: XiaomiHttp,
  platform: SessionPlatform,
): Promise<XiaomiSessionState> {
  const browser = await readBrowserSession(platform);
  let loginUrl: string | undefined;
  const hosts = [...browser.candidates, ...REGIONAL_HOSTS.filter((h) => !browser.candidates.includes(h))];
  for (const host of hosts) {
    try {
      return await probe(http, host, browser);
    } catch (error) {
      if (error instanceof XiaomiAuthError) {
        if (error.kind === 'xiaomi-second-validation') {
          return { state: 'second-validation', host, verifyUrl: galleryUrl(host) };
        }
        loginUrl ??= error.loginUrl;
      } else if (
        !(error instanceof MigrationError) ||
        (error.scope === 'retry' && browser.candidates.includes(host))
      ) {
        throw error;
      }
    }
  }
  return { state: 'logged-out', loginUrl: loginUrl ?? `https://${browser.candidates[0] ?? DEFAULT_HOST}/` };
}

/**
 * The web app's renewal call (§2.2): the browser itself stores any rotated `serviceToken` from
 * Set-Cookie. The payload is undocumented, so only success is checked; a 401 throws.
 */
export async function keepAlive(http: XiaomiHttp, host: string, signal?: AbortSignal): Promise<void> {
  await withRetry(
    http.retry,
    () =>
      getApiData(
        http,
        host,
        '/status/lite/setting',
        { type: 'AutoRenewal', inactiveTime: 10 },
        { signal, dataRequired: false },
      ),
    signal,
  );
}
