/**
 * Made-up data in every shape the pages must handle. A page opened outside the extension (a
 * development preview: `popup.html?sample=quota`) shows one of these; tests build on them too.
 */
import type { AlbumProgress, GoogleAccountView, JobView, ReceiptRow, Snapshot } from '../shared/messages.ts';
import type { SourceAlbum, XiaomiSessionState } from '../shared/model.ts';
import { createMockConnector, type MockConnector } from './connector.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 26, 8, 0);
const MB = 1024 ** 2;
const GB = 1024 ** 3;

export const SAMPLE_ALBUMS: SourceAlbum[] = [
  { id: '1', name: '', system: 'camera', mediaCount: 18_250, totalSize: 41 * GB, lastUpdateTime: NOW },
  { id: '2', name: '', system: 'screenshots', mediaCount: 1_420, totalSize: 0.9 * GB, lastUpdateTime: NOW },
  { id: '1000', name: '', system: 'private', mediaCount: 12, lastUpdateTime: NOW },
  {
    id: '12345678901234567',
    name: '家庭旅行 2024',
    mediaCount: 356,
    totalSize: 2.4 * GB,
    lastUpdateTime: NOW,
  },
  { id: '12345678901234568', name: 'Wedding', mediaCount: 1, totalSize: 4_200_000, lastUpdateTime: NOW },
];

const LOGGED_IN: XiaomiSessionState = { state: 'logged-in', host: 'i.mi.com', userId: '123456789' };
const SIGNED_IN: GoogleAccountView = {
  state: 'signed-in',
  clientId: '123456789012-abcdefghijklmnop.apps.googleusercontent.com',
  redirectUrl: 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/',
  email: 'someone@gmail.com',
  accountKey: 'account-1',
};

function albumProgress(album: SourceAlbum, done: number, extra: Partial<AlbumProgress> = {}): AlbumProgress {
  return {
    xiaomiAlbumId: album.id,
    name: album.name,
    system: album.system,
    total: album.mediaCount,
    done,
    skipped: 0,
    failed: 0,
    bytesTotal: album.totalSize ?? 0,
    bytesDone: Math.round(((album.totalSize ?? 0) * done) / Math.max(1, album.mediaCount)),
    bytesMoved: Math.round(((album.totalSize ?? 0) * done) / Math.max(1, album.mediaCount)),
    ...extra,
  };
}

export function sampleJob(overrides: Partial<JobView> = {}): JobView {
  const [camera, screenshots, , trip] = SAMPLE_ALBUMS as [SourceAlbum, SourceAlbum, SourceAlbum, SourceAlbum];
  return {
    id: 'job-1',
    status: 'running',
    createdAt: NOW - 2 * HOUR,
    totals: { items: 20_026, bytes: 44.3 * GB },
    done: { items: 7_310, bytes: 16.2 * GB },
    awaitingCreation: 38,
    bytes: { sent: 16.4 * GB, settled: 6 * MB },
    skipped: 2,
    failed: 1,
    albums: [albumProgress(camera, 5_600), albumProgress(screenshots, 1_420), albumProgress(trip, 290)],
    rate: 2.4 * 1024 ** 2,
    etaSeconds: 3 * 3600 + 25 * 60,
    ...overrides,
  };
}

function finishedAlbums(): AlbumProgress[] {
  const [camera, screenshots, , trip] = SAMPLE_ALBUMS as [SourceAlbum, SourceAlbum, SourceAlbum, SourceAlbum];
  const url = 'https://photos.google.com/lr/album/sample';
  return [
    albumProgress(camera, 18_247, {
      skipped: 2,
      failed: 1,
      googleAlbumUrl: url,
      verified: false,
      verification: { receipt: 18_249, xiaomi: 18_250, google: 18_247 },
    }),
    albumProgress(screenshots, 1_420, {
      googleAlbumUrl: url,
      verified: true,
      verification: { receipt: 1_420, xiaomi: 1_420, google: 1_420 },
    }),
    albumProgress(trip, 356, {
      googleAlbumUrl: url,
      verified: true,
      verification: { receipt: 356, xiaomi: 356, google: 356 },
    }),
  ];
}

const PROBLEM_SINCE = NOW - HOUR;

export const SAMPLE_SNAPSHOTS = {
  'xiaomi-logged-out': { xiaomi: { state: 'logged-out', loginUrl: 'https://i.mi.com/' }, google: SIGNED_IN },
  'xiaomi-verify': {
    xiaomi: { state: 'second-validation', host: 'i.mi.com', verifyUrl: 'https://i.mi.com/' },
    google: SIGNED_IN,
  },
  'xiaomi-e2ee': { xiaomi: { state: 'e2ee-on', host: 'i.mi.com' }, google: SIGNED_IN },
  'no-client-id': { xiaomi: LOGGED_IN, google: { state: 'no-client-id' } },
  'signed-out': {
    xiaomi: LOGGED_IN,
    google: { state: 'signed-out', clientId: SIGNED_IN.clientId, redirectUrl: SIGNED_IN.redirectUrl },
  },
  pick: { xiaomi: LOGGED_IN, google: SIGNED_IN },
  planning: {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'planning',
      totals: { items: 0, bytes: 0 },
      done: { items: 0, bytes: 0 },
      awaitingCreation: 0,
      bytes: { sent: 0, settled: 0 },
      albums: [],
    }),
  },
  running: { xiaomi: LOGGED_IN, google: SIGNED_IN, job: sampleJob() },
  paused: {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'paused',
      pause: { kind: 'user', message: '', details: {}, since: PROBLEM_SINCE, resumesByItself: false },
    }),
  },
  quota: {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'waiting',
      pause: {
        kind: 'google-quota-daily',
        message: '',
        details: { resumeAt: Date.now() + 7 * HOUR, status: 429 },
        since: PROBLEM_SINCE,
        resumesByItself: true,
      },
    }),
  },
  'storage-full': {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'waiting',
      pause: {
        kind: 'google-storage-full',
        message: '',
        details: { bytes: 28.1 * GB, status: 400 },
        since: PROBLEM_SINCE,
        resumesByItself: false,
      },
    }),
  },
  'scope-missing': {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'waiting',
      pause: {
        kind: 'google-scope-missing',
        message: '',
        details: { scopes: ['https://www.googleapis.com/auth/photoslibrary.appendonly'] },
        since: PROBLEM_SINCE,
        resumesByItself: false,
      },
    }),
  },
  'xiaomi-lost': {
    xiaomi: { state: 'logged-out', loginUrl: 'https://i.mi.com/' },
    google: SIGNED_IN,
    job: sampleJob({
      status: 'waiting',
      pause: {
        kind: 'xiaomi-logged-out',
        message: '',
        details: {},
        since: PROBLEM_SINCE,
        resumesByItself: true,
      },
    }),
  },
  done: {
    xiaomi: LOGGED_IN,
    google: SIGNED_IN,
    job: sampleJob({
      status: 'done',
      finishedAt: NOW,
      done: { items: 20_023, bytes: 44.3 * GB - 6 * MB },
      awaitingCreation: 0,
      bytes: { sent: 44.3 * GB - 6 * MB, settled: 6 * MB },
      skipped: 2,
      failed: 1,
      albums: finishedAlbums(),
      rate: 0,
      etaSeconds: undefined,
    }),
  },
} satisfies Record<string, Snapshot>;

export type SampleName = keyof typeof SAMPLE_SNAPSHOTS;

const SAMPLE_REASONS: Pick<ReceiptRow, 'state' | 'reasonKind' | 'reason'>[] = [
  { state: 'skipped', reasonKind: 'video-too-large', reason: 'Video larger than 20 GB' },
  { state: 'skipped', reasonKind: 'xiaomi-item-deleted' },
  { state: 'failed', reasonKind: 'sha1-mismatch', reason: 'Downloaded bytes did not match the listing' },
];

/** `count` receipt rows spread over the sample albums, a few of them skipped or failed. */
export function sampleReceipt(count: number): ReceiptRow[] {
  const albumIds = ['1', '2', '12345678901234567'];
  return Array.from({ length: count }, (_, index): ReceiptRow => {
    const unusual = index % 997 === 5 ? SAMPLE_REASONS[index % SAMPLE_REASONS.length] : undefined;
    const done = !unusual;
    return {
      xiaomiId: String(30_000_000_000_000_000n + BigInt(index)),
      sha1: index.toString(16).padStart(40, '0'),
      fileName: `IMG_2024${String(index).padStart(6, '0')}.jpg`,
      size: 2_000_000 + ((index * 7919) % 3_000_000),
      type: index % 10 === 0 ? 'video' : 'image',
      xiaomiAlbums: [albumIds[index % albumIds.length] ?? '1'],
      state: 'done',
      googleMediaItemId: done ? `media-${index}` : undefined,
      googleProductUrl: done ? `https://photos.google.com/lr/photo/media-${index}` : undefined,
      googleAlbums: done ? ['google-album'] : [],
      ...unusual,
    };
  });
}

/** A mock background showing `name`, for a page opened outside the extension. */
export function previewConnector(name: string | null): MockConnector {
  const snapshot: Snapshot = SAMPLE_SNAPSHOTS[(name ?? 'pick') as SampleName] ?? SAMPLE_SNAPSHOTS.pick;
  return createMockConnector(snapshot, {
    listAlbums: async () => SAMPLE_ALBUMS,
    receipt: async () => sampleReceipt(20_026),
  });
}
