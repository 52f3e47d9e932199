/**
 * How long to wait after Google pushes back (google-photos-api.md §E5): at least 30 s after a 429,
 * doubling while 429s keep coming; 1 s after a 5xx, doubling likewise. Jitter spreads the parallel
 * uploads of one extension so they do not return in step. Any success starts both series again.
 */

const RATE_LIMIT_BASE_MS = 30_000;
const RATE_LIMIT_MAX_MS = 15 * 60_000;
const SERVER_ERROR_BASE_MS = 1_000;
const SERVER_ERROR_MAX_MS = 60_000;
/** Up to this fraction is added at random. */
const JITTER = 0.25;

export class RetryDelays {
  private rateLimitedInARow = 0;
  private serverErrorsInARow = 0;

  /** `random` returns [0, 1), as Math.random does; tests fix it. */
  constructor(private readonly random: () => number = Math.random) {}

  /** After a 429; `serverHintMs` is a Retry-After, honoured when longer (§I5: Google sends none). */
  afterRateLimit(serverHintMs?: number): number {
    const base = Math.min(RATE_LIMIT_BASE_MS * 2 ** this.rateLimitedInARow, RATE_LIMIT_MAX_MS);
    this.rateLimitedInARow += 1;
    return this.withJitter(Math.max(base, serverHintMs ?? 0));
  }

  /** After a 5xx or a dropped connection. */
  afterServerError(serverHintMs?: number): number {
    const base = Math.min(SERVER_ERROR_BASE_MS * 2 ** this.serverErrorsInARow, SERVER_ERROR_MAX_MS);
    this.serverErrorsInARow += 1;
    return this.withJitter(Math.max(base, serverHintMs ?? 0));
  }

  succeeded(): void {
    this.rateLimitedInARow = 0;
    this.serverErrorsInARow = 0;
  }

  private withJitter(ms: number): number {
    return Math.round(ms * (1 + JITTER * this.random()));
  }
}
