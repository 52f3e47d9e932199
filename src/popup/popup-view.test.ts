import { describe, expect, it } from 'vitest';
import type { PauseInfo, Snapshot } from '../shared/messages.ts';
import type { SourceAlbum } from '../shared/model.ts';
import { SAMPLE_ALBUMS, SAMPLE_SNAPSHOTS, sampleJob } from '../ui/sample.ts';
import {
  albumProgressFraction,
  daysAtQuota,
  FREE_GOOGLE_STORAGE_BYTES,
  jobProgress,
  pauseActions,
  popupScreen,
  screenOpensSettings,
  summarizeSelection,
} from './popup-view.ts';

function pause(kind: PauseInfo['kind']): PauseInfo {
  return { kind, message: '', details: {}, since: 0, resumesByItself: false };
}

describe('which screen the popup shows', () => {
  it('asks for the Xiaomi login first, then Google, then offers the albums', () => {
    expect(popupScreen({ google: { state: 'no-client-id' } }).kind).toBe('checking-xiaomi');
    expect(popupScreen(SAMPLE_SNAPSHOTS['xiaomi-logged-out'])).toEqual({
      kind: 'xiaomi',
      session: SAMPLE_SNAPSHOTS['xiaomi-logged-out'].xiaomi,
    });
    expect(popupScreen(SAMPLE_SNAPSHOTS['xiaomi-verify']).kind).toBe('xiaomi');
    expect(popupScreen(SAMPLE_SNAPSHOTS['xiaomi-e2ee']).kind).toBe('xiaomi');
    expect(popupScreen(SAMPLE_SNAPSHOTS['no-client-id']).kind).toBe('google-setup');
    expect(popupScreen(SAMPLE_SNAPSHOTS['signed-out']).kind).toBe('google-sign-in');
    expect(popupScreen(SAMPLE_SNAPSHOTS.pick).kind).toBe('pick-albums');
  });

  it('shows a job in progress whatever the set-up looks like', () => {
    const job = sampleJob();
    expect(popupScreen({ ...SAMPLE_SNAPSHOTS['xiaomi-logged-out'], job })).toEqual({ kind: 'running', job });
    expect(popupScreen(SAMPLE_SNAPSHOTS.planning).kind).toBe('running');
  });

  it('shows a stopped job with its reason, or as paused by the person when none was recorded', () => {
    const quota = popupScreen(SAMPLE_SNAPSHOTS.quota);
    expect(quota.kind === 'stopped' && quota.pause.kind).toBe('google-quota-daily');
    const bare = popupScreen({ ...SAMPLE_SNAPSHOTS.pick, job: sampleJob({ status: 'paused' }) });
    expect(bare.kind === 'stopped' && bare.pause.kind).toBe('user');
  });

  it('shows a finished job until the person moves on to a new migration', () => {
    const done = SAMPLE_SNAPSHOTS.done;
    expect(popupScreen(done).kind).toBe('finished');
    expect(popupScreen(done, done.job.id).kind).toBe('pick-albums');
    const next: Snapshot = { ...done, job: { ...done.job, id: 'job-2' } };
    expect(popupScreen(next, done.job.id).kind).toBe('finished');
    const running: Snapshot = { ...done, job: { ...done.job, status: 'running' } };
    expect(popupScreen(running, done.job.id).kind).toBe('running');
  });
});

describe('a selection of albums', () => {
  const ids = (...chosen: string[]) => new Set(chosen);

  it('adds up albums, items and bytes', () => {
    const summary = summarizeSelection(SAMPLE_ALBUMS, ids('2', '12345678901234568'));
    expect(summary).toMatchObject({
      albums: 2,
      items: 1_421,
      bytes: 0.9 * 1024 ** 3 + 4_200_000,
      bytesComplete: true,
    });
    expect(summary.allSelected).toBe(false);
  });

  it('says the size is a lower bound when an album did not report one', () => {
    expect(summarizeSelection(SAMPLE_ALBUMS, ids('1000')).bytesComplete).toBe(false);
  });

  it('knows when everything is selected', () => {
    expect(summarizeSelection(SAMPLE_ALBUMS, ids(...SAMPLE_ALBUMS.map((a) => a.id))).allSelected).toBe(true);
    expect(summarizeSelection([], ids()).allSelected).toBe(false);
  });

  it('warns above Google’s free 15 GB, not at it', () => {
    const album = (totalSize: number): SourceAlbum => ({
      id: 'a',
      name: 'A',
      mediaCount: 1,
      totalSize,
      lastUpdateTime: 0,
    });
    expect(summarizeSelection([album(FREE_GOOGLE_STORAGE_BYTES)], ids('a')).overFreeStorage).toBe(false);
    expect(summarizeSelection([album(FREE_GOOGLE_STORAGE_BYTES + 1)], ids('a')).overFreeStorage).toBe(true);
  });

  it('counts the days at 10,000 requests a day, about 1.02 requests per item', () => {
    expect(daysAtQuota(0)).toBe(0);
    expect(daysAtQuota(9_803)).toBe(1);
    expect(daysAtQuota(9_804)).toBe(2);
    expect(daysAtQuota(20_026)).toBe(3);
    expect(summarizeSelection(SAMPLE_ALBUMS, ids('1')).days).toBe(2);
  });
});

describe('job progress', () => {
  it('counts moved, skipped and failed items as finished, and moves the bar by bytes Google holds', () => {
    const progress = jobProgress(
      sampleJob({
        totals: { items: 100, bytes: 1000 },
        done: { items: 40, bytes: 500 },
        awaitingCreation: 10,
        // A batch of ten waits for its batchCreate: their 100 bytes are sent, not yet done.
        bytes: { sent: 600, settled: 50 },
        skipped: 5,
        failed: 5,
      }),
    );
    expect(progress).toEqual({
      finished: 50,
      total: 100,
      awaitingCreation: 10,
      fraction: 0.65,
      bytesSent: 600,
      bytesTotal: 1000,
      counting: false,
    });
  });

  it('counts by items when the selection holds only empty files', () => {
    const progress = jobProgress(
      sampleJob({
        totals: { items: 4, bytes: 0 },
        done: { items: 0, bytes: 0 },
        awaitingCreation: 0,
        bytes: { sent: 0, settled: 0 },
        skipped: 3,
        failed: 0,
      }),
    );
    expect(progress.fraction).toBe(0.75);
  });

  it("moves an album's bar by its bytes, and by items when it holds only empty files", () => {
    const [camera] = sampleJob().albums;
    expect(albumProgressFraction({ ...camera!, bytesTotal: 1000, bytesMoved: 250, done: 0 })).toBe(0.25);
    expect(
      albumProgressFraction({ ...camera!, bytesTotal: 0, bytesMoved: 0, total: 4, done: 1, skipped: 1 }),
    ).toBe(0.5);
  });

  it('has no fraction while the albums are still being counted', () => {
    const progress = jobProgress(SAMPLE_SNAPSHOTS.planning.job);
    expect(progress.counting).toBe(true);
    expect(progress.fraction).toBe(0);
  });
});

describe('what a stopped job lets the person do', () => {
  it('offers what fixes the reason', () => {
    expect(pauseActions(pause('user'))).toEqual(['resume']);
    expect(pauseActions(pause('xiaomi-logged-out'))).toEqual(['open-xiaomi', 'resume']);
    expect(pauseActions(pause('xiaomi-second-validation'))).toEqual(['open-xiaomi', 'resume']);
    expect(pauseActions(pause('google-signin-needed'))).toEqual(['sign-in']);
    expect(pauseActions(pause('google-scope-missing'))).toEqual(['sign-in']);
    expect(pauseActions(pause('google-api-disabled'))).toEqual(['open-options', 'resume']);
    expect(pauseActions(pause('google-storage-full'))).toEqual(['resume']);
    expect(pauseActions(pause('network-error'))).toEqual(['resume']);
  });

  it('offers nothing to press while the daily quota is used up: it resumes by itself', () => {
    expect(pauseActions(pause('google-quota-daily'))).toEqual([]);
  });

  it('avoids a second "settings" button when the screen has its own', () => {
    expect(screenOpensSettings({ kind: 'google-setup' })).toBe(true);
    const job = sampleJob({ status: 'waiting' });
    expect(screenOpensSettings({ kind: 'stopped', job, pause: pause('google-api-disabled') })).toBe(true);
    expect(screenOpensSettings({ kind: 'stopped', job, pause: pause('google-quota-daily') })).toBe(false);
    expect(screenOpensSettings({ kind: 'pick-albums' })).toBe(false);
  });
});
