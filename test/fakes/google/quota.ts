/**
 * The Photos Library quotas as the fake enforces them (google-photos-api.md §E3, §E4, §I8): a daily
 * request counter per project that resets at midnight America/Los_Angeles, a per-minute write limit
 * and the one-write-at-a-time rule, all on the fake clock.
 */
import type { FakeClock } from '../clock.ts';
import type { FakeGoogleConfig } from './options.ts';
import type { FakeGoogleState } from './state.ts';

const pacificDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The quota day of an instant: its calendar date in Pacific time, 'YYYY-MM-DD'. */
export function pacificDay(epochMs: number): string {
  return pacificDayFormat.format(epochMs);
}

/** The UTC minute of an instant, 'YYYY-MM-DDTHH:MM'. */
export function utcMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16);
}

const MINUTE_MS = 60_000;

export type WriteAdmission =
  | { ok: true; release: () => void }
  | { ok: false; error: 'concurrent-write' | 'write-rate' };

export class Quota {
  constructor(
    private readonly state: FakeGoogleState,
    private readonly config: FakeGoogleConfig,
    private readonly clock: FakeClock,
  ) {}

  private quotaKey(projectNumber: string): string {
    return `${projectNumber}/${pacificDay(this.clock.now())}`;
  }

  usedToday(projectNumber: string): number {
    return this.state.quotaUsed.get(this.quotaKey(projectNumber)) ?? 0;
  }

  setUsedToday(projectNumber: string, used: number): void {
    this.state.quotaUsed.set(this.quotaKey(projectNumber), used);
  }

  /** Counts one request against today's quota; false (and not counted) once the limit is reached. */
  chargeDailyRequest(projectNumber: string): boolean {
    const used = this.usedToday(projectNumber);
    if (used >= this.config.dailyRequestLimit) return false;
    this.setUsedToday(projectNumber, used + 1);
    return true;
  }

  /**
   * Admits a write (batchCreate, albums.create, batchAddMediaItems) unless another one is still
   * being processed for the user or the per-minute limit is used up. Call `release` when answered.
   */
  beginWrite(): WriteAdmission {
    if (this.state.activeWrites > 0) return { ok: false, error: 'concurrent-write' };
    const now = this.clock.now();
    const recent = this.state.writeTimes.filter((at) => at > now - MINUTE_MS);
    this.state.writeTimes.splice(0, this.state.writeTimes.length, ...recent);
    if (recent.length >= this.config.writesPerMinute) return { ok: false, error: 'write-rate' };
    this.state.writeTimes.push(now);
    this.state.activeWrites++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.state.activeWrites--;
      },
    };
  }
}
