/**
 * The fakes' own clock. Both clouds read time only through it, so a test can jump Google's quota
 * day or expire a token without waiting. `offsetMs` shifts real time; `advance` moves it on.
 */
export class FakeClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(epochMs: number): void {
    this.offsetMs = epochMs - Date.now();
  }
}
