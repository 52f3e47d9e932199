import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../shared/messages.ts';
import { type Connector, createMockConnector, type UiEvent } from './connector.ts';
import { createSnapshotStore } from './snapshot-store.ts';

const OPENED: Snapshot = { google: { state: 'no-client-id' } };
const PUSHED: Snapshot = { google: { state: 'signed-out', clientId: 'id', redirectUrl: 'url' } };

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A connector whose `snapshot()` answers only when the test says so. */
function slowConnector() {
  const listeners = new Set<(event: UiEvent) => void>();
  const answers: ((snapshot: Snapshot) => void)[] = [];
  let reads = 0;
  const mock = createMockConnector(OPENED, {
    snapshot: () => {
      reads += 1;
      return new Promise((resolve) => answers.push(resolve));
    },
  });
  const connector: Connector = {
    api: mock.api,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {},
  };
  return {
    connector,
    answer: (index: number, snapshot: Snapshot) => answers[index]?.(snapshot),
    emit: (event: UiEvent) => {
      for (const listener of listeners) listener(event);
    },
    reads: () => reads,
  };
}

describe('the page snapshot', () => {
  it('is read once when the page opens, then follows pushes without asking again', async () => {
    const mock = createMockConnector(OPENED);
    const store = createSnapshotStore(mock);
    await settle();
    expect(store.get().snapshot).toBe(OPENED);
    mock.push(PUSHED);
    expect(store.get().snapshot).toBe(PUSHED);
    expect(mock.calls.filter((call) => call.method === 'snapshot')).toHaveLength(1);
  });

  it('is not set back by a slow first read that a push overtook', async () => {
    const slow = slowConnector();
    const store = createSnapshotStore(slow.connector);
    slow.emit({ type: 'snapshot', snapshot: PUSHED });
    slow.answer(0, OPENED);
    await settle();
    expect(store.get().snapshot).toBe(PUSHED);
  });

  it('is read again after the background restarted', async () => {
    const slow = slowConnector();
    const store = createSnapshotStore(slow.connector);
    slow.answer(0, OPENED);
    await settle();
    slow.emit({ type: 'reconnected' });
    expect(slow.reads()).toBe(2);
    slow.answer(1, PUSHED);
    await settle();
    expect(store.get().snapshot).toBe(PUSHED);
  });

  it('tells listeners, and carries the failure of the first read as words', async () => {
    const store = createSnapshotStore(
      createMockConnector(OPENED, { snapshot: () => Promise.reject(new Error('Background unavailable')) }),
    );
    const seen: unknown[] = [];
    store.subscribe((state) => seen.push(state));
    await settle();
    expect(store.get()).toEqual({ error: 'Background unavailable' });
    expect(seen).toHaveLength(1);
  });

  it('takes a fresher part from a call the page made', async () => {
    const store = createSnapshotStore(createMockConnector(OPENED));
    await settle();
    store.patch({ xiaomi: { state: 'logged-out', loginUrl: 'https://i.mi.com/' } });
    expect(store.get().snapshot).toEqual({
      ...OPENED,
      xiaomi: { state: 'logged-out', loginUrl: 'https://i.mi.com/' },
    });
  });
});
