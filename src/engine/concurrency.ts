/**
 * How many items move at once. Additive increase while transfers succeed and the link is not
 * saturated, multiplicative decrease on rate limits (google-photos-api.md §E5), never above the
 * cap from the options page. A 429 also holds every Google write for its back-off.
 */
export class AdaptiveLimit {
  private current: number;
  private successesSinceChange = 0;
  private holdUntil = 0;

  constructor(
    private cap: number,
    start = Math.min(3, cap),
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
