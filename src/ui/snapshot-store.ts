/**
 * The page's copy of the background's snapshot. A page rebuilds everything from the background
 * when it opens (one `snapshot()` call), then only applies what is pushed; after the service
 * worker restarted it reads once more. It never polls.
 */
import type { Snapshot } from '../shared/messages.ts';
import type { Connector } from './connector.ts';

export interface SnapshotState {
  snapshot?: Snapshot;
  /** Why the first read failed, in the person's language. */
  error?: string;
}

export interface SnapshotStore {
  get(): SnapshotState;
  subscribe(listener: (state: SnapshotState) => void): () => void;
  /** Reads the snapshot again (after the page did something whose result it must show). */
  reload(): Promise<void>;
  /** Applies a fresher part the page got from a call, until the background pushes its own. */
  patch(changes: Partial<Snapshot>): void;
  dispose(): void;
}

export function createSnapshotStore(connector: Connector): SnapshotStore {
  const listeners = new Set<(state: SnapshotState) => void>();
  let state: SnapshotState = {};
  // Counts every change, so a read that was overtaken by a push does not bring old data back.
  let version = 0;

  const set = (next: SnapshotState) => {
    version += 1;
    state = next;
    for (const listener of listeners) listener(state);
  };

  async function reload() {
    const askedAt = version;
    try {
      const snapshot = await connector.api.snapshot();
      if (version === askedAt) set({ snapshot });
    } catch (error) {
      if (version === askedAt && !state.snapshot)
        set({ error: error instanceof Error ? error.message : String(error) });
    }
  }

  const unsubscribe = connector.subscribe((event) => {
    if (event.type === 'snapshot') set({ snapshot: event.snapshot });
    else void reload();
  });
  void reload();

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    patch(changes) {
      if (state.snapshot) set({ snapshot: { ...state.snapshot, ...changes } });
    },
    dispose() {
      unsubscribe();
      listeners.clear();
    },
  };
}
