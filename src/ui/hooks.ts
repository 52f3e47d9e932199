/** What a page component needs from its surroundings: the background and the current snapshot. */
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { BackgroundApi } from '../shared/messages.ts';
import type { Connector } from './connector.ts';
import type { SnapshotState, SnapshotStore } from './snapshot-store.ts';

export interface PageServices {
  connector: Connector;
  store: SnapshotStore;
}

export const PageContext = createContext<PageServices | undefined>(undefined);

function useServices(): PageServices {
  const services = useContext(PageContext);
  if (!services) throw new Error('A page component was rendered outside mountPage().');
  return services;
}

export function useApi(): BackgroundApi {
  return useServices().connector.api;
}

export function useSnapshot(): SnapshotState & Pick<SnapshotStore, 'reload' | 'patch'> {
  const { store } = useServices();
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(setState);
  }, [store]);
  return { ...state, reload: store.reload, patch: store.patch };
}

export interface Action<A extends unknown[]> {
  run(...args: A): void;
  busy: boolean;
  /** The background's message (already in the person's language) when the last run failed. */
  error?: string;
}

/** A call behind a button: busy while it runs (so it is not sent twice), its failure kept as words. */
export function useAction<A extends unknown[]>(perform: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const latest = useRef(perform);
  latest.current = perform;
  const run = useCallback((...args: A) => {
    setBusy(true);
    setError(undefined);
    latest
      .current(...args)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  }, []);
  return { run, busy, error };
}

/**
 * A call that changes the job (start, pause, resume, cancel, retry): once it returns, the page
 * reads the snapshot again instead of relying on the push alone, so a second press cannot land
 * on a screen that is already out of date.
 */
export function useJobCommand<A extends unknown[]>(perform: (...args: A) => Promise<unknown>): Action<A> {
  const { store } = useServices();
  return useAction(async (...args: A) => {
    await perform(...args);
    await store.reload();
  });
}
