/**
 * How many items move at once. Starts at the cap from the options page, halves on a rate limit
 * (google-photos-api.md §E5) and grows back by one after twice as many successes as it allows, never
 * above the cap. A 429 also holds every Google write for its back-off.
 *
 * It starts at the cap, not below it: an item spends three Xiaomi round trips before its first byte
 * goes up, so on a slow, far link (200 ms) a cautious start left the uplink idle for the first
 * dozens of items (bench/), and only Google's 429 says when there are too many.
 */
export class AdaptiveLimit {
  private current: number;
  private successesSinceChange = 0;
  private holdUntil = 0;

  constructor(
    private cap: number,
    start = cap,
  ) {
    this.current = Math.max(1, start);
  }

  get limit(): number {
    return this.current;
  }

  setCap(cap: number): void {
    this.cap = Math.max(1, cap);
    this.current = Math.min(this.current, this.cap);
  }

  onSuccess(): void {
    this.successesSinceChange += 1;
    if (this.successesSinceChange >= this.current * 2 && this.current < this.cap) {
      this.current += 1;
      this.successesSinceChange = 0;
    }
  }

  onRateLimited(now: number, retryAfterMs: number): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successesSinceChange = 0;
    this.holdUntil = Math.max(this.holdUntil, now + retryAfterMs);
  }

  /** Milliseconds every Google write must still wait after a rate limit. */
  holdMs(now: number): number {
    return Math.max(0, this.holdUntil - now);
  }
}
