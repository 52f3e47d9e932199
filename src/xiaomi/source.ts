/**
 * The Xiaomi Cloud gallery as the service worker sees it: one object over the session, listing and
 * download modules. It remembers only the host of the detected session (shared by concurrent
 * calls) and forgets it on a 401, so the next call looks for the session again.
 */
import type { Clock } from '../shared/clock.ts';
import { MigrationError } from '../shared/errors.ts';
import type { FetchLike } from '../shared/fetch.ts';
import type { SourceAlbum, SourceItem, XiaomiSessionState } from '../shared/model.ts';
import {
  type DownloadOptions,
  openVerifiedDownload,
  resolveSignedDownload,
  type VerifiedDownload,
} from './download.ts';
import { XiaomiAuthError } from './envelope.ts';
import type { XiaomiHttp } from './http.ts';
import type { SignedDownload } from './jsonp.ts';
import { albumItemPages, type ItemListingOptions, type ItemPage, listAlbums } from './listing.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { detectSession, keepAlive, type SessionPlatform } from './session.ts';

export interface XiaomiDeps {
  fetch: FetchLike;
  clock: Clock;
  platform: SessionPlatform;
  /** Jitter source in [0, 1); Math.random by default. */
  random?: () => number;
  retryPolicy?: RetryPolicy;
}

export interface XiaomiSource {
  /** Looks for the session afresh (e.g. when the popup opens). */
  checkSession(): Promise<XiaomiSessionState>;
  /** Renews the session cookie; call every 2–3 minutes while a job runs. */
  keepAlive(signal?: AbortSignal): Promise<void>;
  listAlbums(signal?: AbortSignal): Promise<SourceAlbum[]>;
  /** An album's items page by page, for the engine to record after each one. */
  listAlbumItems(albumId: string, fromPage?: number, options?: ItemListingOptions): AsyncGenerator<ItemPage>;
  /** Any number may be open at once. */
  openDownload(item: SourceItem, options?: DownloadOptions): Promise<VerifiedDownload>;
  /** The signed step-3 request of an item's original, for the browser to fetch (the local copy). */
  signedDownload(item: SourceItem, signal?: AbortSignal): Promise<SignedDownload>;
}

/** The error a call needing a session throws when there is none. */
function sessionError(state: Exclude<XiaomiSessionState, { state: 'logged-in' }>): MigrationError {
  switch (state.state) {
    case 'logged-out':
      return new XiaomiAuthError(false, state.loginUrl, 401);
    case 'second-validation':
      return new XiaomiAuthError(true, state.verifyUrl, 401);
    case 'e2ee-on':
      return new MigrationError('xiaomi-e2ee-on', 'Xiaomi Cloud end-to-end encryption is on');
  }
}

export function createXiaomiSource(deps: XiaomiDeps): XiaomiSource {
  const http: XiaomiHttp = {
    fetch: deps.fetch,
    clock: deps.clock,
    retry: {
      clock: deps.clock,
      random: deps.random ?? Math.random,
      policy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
    },
  };
  let session: Promise<XiaomiSessionState> | undefined;

  const checkSession = (): Promise<XiaomiSessionState> => {
    const detecting = detectSession(http, deps.platform);
    session = detecting;
    // A failed detection is not remembered: the next call tries again.
    detecting.catch(() => {
      if (session === detecting) session = undefined;
    });
    return detecting;
  };

  const forgetSessionOn = (error: unknown): never => {
    if (error instanceof XiaomiAuthError) session = undefined;
    throw error;
  };

  /** Runs `call` on the session host; a 401 on the way makes the host be looked for again next time. */
  const onSessionHost = async <T>(call: (host: string) => Promise<T>): Promise<T> => {
    const state = await (session ?? checkSession());
    if (state.state !== 'logged-in') {
      session = undefined;
      throw sessionError(state);
    }
    return call(state.host).catch(forgetSessionOn);
  };

  return {
    checkSession,
    keepAlive: (signal) => onSessionHost((host) => keepAlive(http, host, signal)),
    listAlbums: (signal) => onSessionHost((host) => listAlbums(http, host, signal)),
    async *listAlbumItems(albumId, fromPage, options) {
      const pages = await onSessionHost(async (host) =>
        albumItemPages(http, host, albumId, fromPage, options),
      );
      try {
        yield* pages;
      } catch (error) {
        forgetSessionOn(error);
      }
    },
    openDownload: (item, options) => onSessionHost((host) => openVerifiedDownload(http, host, item, options)),
    signedDownload: (item, signal) =>
      onSessionHost((host) => resolveSignedDownload(http, host, item, signal)),
  };
}
