/**
 * The composition root of the service worker: the one place that builds the real Xiaomi source,
 * Google Photos client, engine and publisher from the browser's Platform. Built once per worker
 * start, behind the init promise in main.ts.
 */
import { openEngineDb } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { LocalCopier } from '../engine/local-copy.ts';
import { repairCaptureDate } from '../fidelity/repair.ts';
import { createGooglePhotos, type GooglePhotos, isValidClientId, preflight } from '../google/index.ts';
import type { Platform } from '../platform/platform.ts';
import { systemClock } from '../shared/clock.ts';
import { errorKey, SYSTEM_ALBUM_KEYS } from '../shared/message-keys.ts';
import type { BackgroundApi, GoogleAccountView, Snapshot } from '../shared/messages.ts';
import type { SourceAlbum, XiaomiSessionState } from '../shared/model.ts';
import { createXiaomiSource, type XiaomiSource } from '../xiaomi/source.ts';
import { createBackgroundApi } from './api.ts';
import { toJobView } from './job-view.ts';
import { createKeepAlive } from './keepalive.ts';
import { destinationPort, sourcePort } from './ports.ts';
import { createPublisher, type Publisher } from './publisher.ts';
import { createSettingsStore } from './settings.ts';

export const WATCHDOG_ALARM = 'watchdog';
/** Chrome 120+ allows 30 s alarms (google-photos-api.md §G5). */
const WATCHDOG_PERIOD_MINUTES = 0.5;

export interface GoogleAccountService {
  view(): Promise<GoogleAccountView>;
  signIn(): Promise<GoogleAccountView>;
  signOut(): Promise<GoogleAccountView>;
  accountKey(): Promise<string>;
}

export interface Services {
  platform: Platform;
  engine: Engine;
  localCopy: LocalCopier;
  xiaomi: XiaomiSource;
  google: GoogleAccountService;
  settings: ReturnType<typeof createSettingsStore>;
  publisher: Publisher;
  api: BackgroundApi;
  snapshot(): Promise<Snapshot>;
  lastXiaomiState(): XiaomiSessionState | undefined;
}

function googleAccountService(google: GooglePhotos, clientId: () => Promise<string>): GoogleAccountService {
  const view = async (): Promise<GoogleAccountView> => {
    const id = await clientId();
    const redirectUrl = google.auth.redirectUrl();
    if (!isValidClientId(id)) return { state: 'no-client-id' };
    const status = await google.auth.status();
    if (!status.signedIn) return { state: 'signed-out', clientId: id, redirectUrl };
    return {
      state: 'signed-in',
      clientId: id,
      redirectUrl,
      email: status.account.email,
      accountKey: status.account.accountKey,
    };
  };
  return {
    view,
    async signIn() {
      await google.testSignIn();
      return view();
    },
    async signOut() {
      await google.auth.signOut();
      return view();
    },
    accountKey: () => google.auth.accountKey(),
  };
}

export async function createServices(platform: Platform): Promise<Services> {
  const db = await openEngineDb();
  const settings = createSettingsStore(platform.local);
  const clock = systemClock;
  const fetchInBrowser = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);
  const xiaomi = createXiaomiSource({ fetch: fetchInBrowser, clock, platform });
  const google = createGooglePhotos({
    fetch: fetchInBrowser,
    clock,
    platform,
    getClientId: async () => (await settings.get()).googleClientId || undefined,
  });
  const effectiveClientId = async () =>
    (await settings.get()).googleClientId || google.options.defaultClientId;
  const googleAccount = googleAccountService(google, effectiveClientId);
  const keepAlive = createKeepAlive(() => platform.keepAlivePing());
  let lastXiaomi: XiaomiSessionState | undefined;

  /** An album as the person knows it: the Google album's title, the local copy's folder. */
  const albumName = (album: Pick<SourceAlbum, 'name' | 'system'>) =>
    album.system
      ? platform.i18n.message(SYSTEM_ALBUM_KEYS[album.system])
      : album.name || platform.i18n.message('albumUnnamed');

  // Late-bound: the publisher reads the engine, and the engine tells the publisher about changes.
  let engine: Engine;
  let localCopy: LocalCopier;
  const snapshot = async (): Promise<Snapshot> => {
    const job = await engine.activeJob();
    return {
      xiaomi: lastXiaomi,
      google: await googleAccount.view(),
      job: job ? toJobView(job, await engine.albums(job.id), engine.rate()) : undefined,
      localCopy: await localCopy.view(),
    };
  };
  const publisher = createPublisher(snapshot, (text, color) => platform.badge(text, color));
  const checkXiaomi = async () => {
    lastXiaomi = await xiaomi.checkSession();
    publisher.changed();
    return lastXiaomi;
  };

  const source = sourcePort(xiaomi);
  engine = new Engine({
    db,
    source,
    destination: destinationPort(google),
    clock,
    settings: () => settings.get(),
    preflight,
    repairCaptureDate: (bytes, item) => repairCaptureDate(bytes, item, { enabled: true }),
    albumTitle: (album, part, parts) => {
      const name = albumName(album);
      return parts > 1 ? platform.i18n.message('albumPart', [name, String(part)]) : name;
    },
    favoritesTitle: () => platform.i18n.message('favoritesAlbumTitle'),
    describe: (kind) => platform.i18n.message(errorKey(kind)),
    newId: () => crypto.randomUUID(),
    onChange: () => publisher.changed(),
    onAttention: (job) => {
      const done = job.status === 'done';
      void platform.notify({
        id: `job-${job.id}`,
        title: platform.i18n.message(done ? 'notifyDoneTitle' : 'notifyAttentionTitle'),
        message: done
          ? platform.i18n.message('notifyDoneMessage', [
              String(job.counts.items.done),
              String(job.counts.items.skipped),
              String(job.counts.items.failed),
            ])
          : job.pause?.message || platform.i18n.message('notifyAttentionTitle'),
      });
    },
    keepAlive,
  });
  localCopy = new LocalCopier({
    db,
    source,
    downloads: platform.downloads,
    clock,
    folderTitle: albumName,
    describe: (kind) => platform.i18n.message(errorKey(kind)),
    newId: () => crypto.randomUUID(),
    onChange: () => publisher.changed(),
    keepAlive,
  });

  const base: Omit<Services, 'api'> = {
    platform,
    engine,
    localCopy,
    xiaomi: { ...xiaomi, checkSession: checkXiaomi },
    google: googleAccount,
    settings,
    publisher,
    snapshot,
    lastXiaomiState: () => lastXiaomi,
  };
  const services: Services = { ...base, api: createBackgroundApi(base) };
  await platform.alarms.create(WATCHDOG_ALARM, WATCHDOG_PERIOD_MINUTES);
  void checkXiaomi().catch(() => undefined);
  await engine.tick();
  await localCopy.tick();
  return services;
}
