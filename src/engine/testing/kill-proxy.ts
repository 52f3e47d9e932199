/**
 * A service-worker stop at one chosen call, for the unit tests that kill a worker at every call to
 * its ports in turn. Wrap each port with `dying`: the wrapped ports share one call count, and at
 * call number `killAt` (before the call, or once it took effect) the stop happens: `onKill` runs
 * (the tests close their database connection there, so nothing more is written), the call throws,
 * and every later call to a wrapped port hangs.
 */
export interface KillProxyOptions {
  /** The call, counted from 1 across every wrapped port, at which the worker stops. */
  killAt: number;
  /** Stop before the call is made, or once it took effect. */
  when: 'before' | 'after';
  /** Runs at the instant of the stop. */
  onKill: () => void;
  /** Methods passed through untouched and uncounted (listeners, keys the worker reads at start). */
  untouched?: readonly PropertyKey[];
}

export interface KillProxy {
  /** The port, with every method call counted and dying at the kill point. */
  dying<T extends object>(target: T): T;
  /** Whether the stop has happened. */
  readonly killed: boolean;
  /** Settles at the instant of the stop (never, when the kill point lies beyond the job). */
  readonly killedNow: Promise<void>;
}

export function killProxy({ killAt, when, onKill, untouched = [] }: KillProxyOptions): KillProxy {
  let calls = 0;
  let killed = false;
  let onKilled: () => void = () => undefined;
  const killedNow = new Promise<void>((resolve) => {
    onKilled = resolve;
  });
  const die = () => {
    killed = true;
    onKilled();
    onKill();
    throw new TypeError('service worker stopped');
  };
  return {
    dying: <T extends object>(target: T): T =>
      new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver);
          if (typeof value !== 'function' || untouched.includes(prop)) return value;
          return (...args: unknown[]) => {
            if (killed) return new Promise(() => undefined);
            calls += 1;
            if (calls === killAt && when === 'before') die();
            const result = value.apply(obj, args);
            if (calls !== killAt) return result;
            // Async generators (listing) die at their first page; promises once they settle.
            if (typeof result?.then !== 'function') die();
            return result.then(die);
          };
        },
      }),
    get killed() {
      return killed;
    },
    killedNow,
  };
}
