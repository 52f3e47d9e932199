/**
 * Keeps the service worker alive only while work is in flight: an in-flight fetch does not count
 * as activity and Chrome stops the worker 30 s after the last extension event even mid-upload
 * (chromium-e2e.md §5). A trivial extension API call every 20 s is the sanctioned remedy
 * (google-photos-api.md §G3); it stops as soon as the last holder lets go.
 */
export const KEEPALIVE_INTERVAL_MS = 20_000;

export function createKeepAlive(ping: () => Promise<void>, intervalMs = KEEPALIVE_INTERVAL_MS) {
  let holders = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    hold(): () => void {
      holders += 1;
      timer ??= setInterval(() => void ping().catch(() => undefined), intervalMs);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holders -= 1;
        if (holders === 0) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    get active(): boolean {
      return holders > 0;
    },
  };
}
