/**
 * What the pages may ask of the background (src/shared/messages.ts `BackgroundApi`). Errors reach
 * the page as plain words in the person's language, never as stack traces.
 */
import { isMigrationError } from '../shared/errors.ts';
import { errorKey, fixKey } from '../shared/message-keys.ts';
import type { BackgroundApi } from '../shared/messages.ts';
import type { SourceAlbum } from '../shared/model.ts';
import type { Services } from './services.ts';
import { BadRequest, checkCall } from './validate.ts';

/** Waiting for these ends when the person signs in again. */
const SIGN_IN_FIXES = new Set([
  'google-signin-needed',
  'google-scope-missing',
  'google-client-id-missing',
  'google-access-denied',
]);

export function createBackgroundApi(s: Omit<Services, 'api'>): BackgroundApi {
  const { engine, platform } = s;
  return {
    snapshot: () => s.snapshot(),
    async refreshXiaomi() {
      const state = await s.xiaomi.checkSession();
      s.publisher.changed();
      return state;
    },
    listAlbums: () => s.xiaomi.listAlbums(),
    async openXiaomi() {
      const state = s.lastXiaomiState();
      const url =
        state?.state === 'logged-out'
          ? state.loginUrl
          : state?.state === 'second-validation'
            ? state.verifyUrl
            : 'https://i.mi.com/';
      await platform.tabs.open(url);
    },
    openOptions: () => platform.tabs.open(platform.extensionUrl('src/options/options.html')),
    openReport: () => platform.tabs.open(platform.extensionUrl('src/report/report.html')),
    async googleSignIn() {
      const view = await s.google.signIn().catch((error: unknown) => {
        throw withRemedy(s, error);
      });
      const job = await engine.activeJob();
      if (job?.status === 'waiting' && job.pause && SIGN_IN_FIXES.has(job.pause.kind)) await engine.resume();
      s.publisher.changed();
      return view;
    },
    async googleSignOut() {
      const view = await s.google.signOut();
      s.publisher.changed();
      return view;
    },
    getSettings: () => s.settings.get(),
    async saveSettings(changes) {
      const saved = await s.settings.save(changes);
      s.publisher.changed();
      return saved;
    },
    async startJob(albumIds) {
      const { userId, selected } = await chosenAlbums(s, albumIds);
      await engine.start(selected, await s.google.accountKey(), userId);
    },
    pauseJob: () => engine.pause(),
    resumeJob: () => engine.resume(),
    cancelJob: () => engine.cancel(),
    retryFailed: () => engine.retryFailed(),
    receipt: () => engine.receipt(),
    async saveLocalCopy(request) {
      if (await s.localCopy.busy()) throw new Error(platform.i18n.message('errLocalCopyRunning'));
      if ('failedAndSkipped' in request) {
        const job = await engine.activeJob();
        const planned = job ? await s.localCopy.startLeftovers(job.id) : 0;
        if (planned === 0) throw new Error(platform.i18n.message('errNoFailedOrSkipped'));
      } else {
        await s.localCopy.startAlbums((await chosenAlbums(s, request.albumIds)).selected);
      }
      s.publisher.changed();
    },
    resumeLocalCopy: () => s.localCopy.resume(),
    cancelLocalCopy: () => s.localCopy.cancel(),
  };
}

/** The albums chosen, as Xiaomi lists them now; refused without a session or without any of them. */
async function chosenAlbums(
  s: Omit<Services, 'api'>,
  albumIds: string[],
): Promise<{ userId: string; selected: SourceAlbum[] }> {
  const { message } = s.platform.i18n;
  const session = await s.xiaomi.checkSession();
  if (session.state !== 'logged-in') {
    const kind = {
      'logged-out': 'xiaomi-logged-out',
      'second-validation': 'xiaomi-second-validation',
      'e2ee-on': 'xiaomi-e2ee-on',
    } as const;
    throw new Error(message(errorKey(kind[session.state])));
  }
  const albums = await s.xiaomi.listAlbums();
  const selected = albumIds.flatMap((id) => albums.filter((a) => a.id === id));
  if (selected.length === 0) throw new Error(message('errNoAlbumsSelected'));
  return { userId: session.userId, selected };
}

/**
 * A refused sign-in is met on the sign-in screen itself, where no notice explains it: the words
 * carry what to do too (add the account as a test user, tick every Photos box).
 */
function withRemedy(s: Pick<Services, 'platform'>, error: unknown): unknown {
  if (!isMigrationError(error)) return error;
  const { message } = s.platform.i18n;
  const words = [message(errorKey(error.kind)) || error.message, message(fixKey(error.kind))];
  return new Error(words.filter(Boolean).join(' '));
}

function inPlainWords(s: Pick<Services, 'platform'> | undefined, error: unknown): Error {
  if (isMigrationError(error)) {
    const words = s?.platform.i18n.message(errorKey(error.kind));
    return new Error(words || error.message);
  }
  if (error instanceof BadRequest) {
    const words = s?.platform.i18n.message('errBadRequest', [error.method, error.problem]);
    return new Error(words || error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The API as exposed on a port the moment it connects: each call waits for the services to be
 * ready (gate on the init promise), is checked (src/background/validate.ts) and translates errors.
 */
export function createLazyApi(ready: () => Promise<Pick<Services, 'api' | 'platform'>>): BackgroundApi {
  return new Proxy({} as BackgroundApi, {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      return async (...args: unknown[]) => {
        let services: Pick<Services, 'api' | 'platform'> | undefined;
        try {
          services = await ready();
          checkCall(name, args);
          const method = services.api[name] as (...a: unknown[]) => Promise<unknown>;
          return await method(...args);
        } catch (error) {
          throw inPlainWords(services, error);
        }
      };
    },
  });
}
