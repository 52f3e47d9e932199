import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { RpcPort } from '../platform/platform.ts';
import type { BackgroundApi, BackgroundToUiEvent, Snapshot } from '../shared/messages.ts';
import { portEndpoint } from '../shared/rpc.ts';
import { connectOverPorts, createMockConnector, type UiEvent } from './connector.ts';

const SNAPSHOT: Snapshot = { google: { state: 'no-client-id' } };

/** Two ends of a runtime port: JSON only and asynchronous, like Chrome's. */
function portPair() {
  const listeners = { page: [] as ((m: unknown) => void)[], worker: [] as ((m: unknown) => void)[] };
  const dropListeners: (() => void)[] = [];
  let open = true;
  const end = (self: 'page' | 'worker', other: 'page' | 'worker'): RpcPort => ({
    name: 'ui',
    postMessage(message) {
      if (!open) throw new Error('Attempting to use a disconnected port object');
      const copy = JSON.parse(JSON.stringify(message));
      setTimeout(() => {
        for (const listener of listeners[other]) listener(copy);
      }, 0);
    },
    onMessage: (listener) => listeners[self].push(listener),
    onDisconnect: (listener) => {
      if (self === 'page') dropListeners.push(listener);
    },
    disconnect() {
      open = false;
    },
  });
  return {
    page: end('page', 'worker'),
    worker: end('worker', 'page'),
    /** The service worker stopped: the page's end hears of it. */
    drop() {
      open = false;
      for (const listener of dropListeners) listener();
    },
  };
}

/** A background that answers `snapshot()` and can be told never to answer a call. */
function fakeWorld() {
  const pairs: ReturnType<typeof portPair>[] = [];
  let hang = false;
  const api: Partial<BackgroundApi> = {
    snapshot: async () => SNAPSHOT,
    startJob: () => (hang ? new Promise<void>(() => {}) : Promise.resolve()),
  };
  return {
    pairs,
    hangCalls: () => {
      hang = true;
    },
    openPort(): RpcPort {
      const pair = portPair();
      expose(api, portEndpoint(pair.worker));
      pairs.push(pair);
      return pair.page;
    },
  };
}

const connectors: { close(): void }[] = [];
afterEach(() => {
  for (const connector of connectors.splice(0)) connector.close();
});

function connect(world: ReturnType<typeof fakeWorld>) {
  const connector = connectOverPorts(() => world.openPort(), {
    firstDelayMs: 1,
    maxDelayMs: 4,
    healthyAfterMs: 1000,
  });
  connectors.push(connector);
  const events: UiEvent[] = [];
  connector.subscribe((event) => events.push(event));
  return { connector, events };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(condition()).toBe(true);
};

describe('the extension connector', () => {
  it('calls the background through Comlink on the port', async () => {
    const world = fakeWorld();
    const { connector } = connect(world);
    await expect(connector.api.snapshot()).resolves.toEqual(SNAPSHOT);
  });

  it('delivers pushed snapshots and ignores the Comlink traffic', async () => {
    const world = fakeWorld();
    const { connector, events } = connect(world);
    await connector.api.snapshot();
    const pushed: BackgroundToUiEvent = {
      type: 'snapshot',
      snapshot: { google: { state: 'no-client-id' }, job: undefined },
    };
    world.pairs[0]?.worker.postMessage(pushed);
    await until(() => events.length === 1);
    expect(events).toEqual([{ type: 'snapshot', snapshot: { google: { state: 'no-client-id' } } }]);
  });

  it('rejects a call in flight when the worker stops, reconnects and says so', async () => {
    const world = fakeWorld();
    const { connector, events } = connect(world);
    world.hangCalls();
    const inFlight = connector.api.startJob(['1']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    world.pairs[0]?.drop();
    await expect(inFlight).rejects.toThrow(/background restarted/);
    await until(() => events.some((event) => event.type === 'reconnected'));
    expect(world.pairs).toHaveLength(2);
    await expect(connector.api.snapshot()).resolves.toEqual(SNAPSHOT);
  });

  it('stops reconnecting once closed', async () => {
    const world = fakeWorld();
    const { connector } = connect(world);
    connector.close();
    world.pairs[0]?.drop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(world.pairs).toHaveLength(1);
  });
});

describe('the mock connector', () => {
  it('answers from the snapshot, records calls and pushes like the background', async () => {
    const mock = createMockConnector(SNAPSHOT, { listAlbums: async () => [] });
    const events: UiEvent[] = [];
    mock.subscribe((event) => events.push(event));
    await mock.api.startJob(['1', '2']);
    expect(await mock.api.snapshot()).toBe(SNAPSHOT);
    const next: Snapshot = { google: { state: 'signed-out', clientId: 'x', redirectUrl: 'y' } };
    mock.push(next);
    expect(events).toEqual([{ type: 'snapshot', snapshot: next }]);
    expect(await mock.api.snapshot()).toBe(next);
    expect(mock.calls.map((call) => call.method)).toEqual(['startJob', 'snapshot', 'snapshot']);
    expect(mock.calls[0]?.args).toEqual([['1', '2']]);
  });

  it('keeps saved settings', async () => {
    const mock = createMockConnector(SNAPSHOT);
    await mock.api.saveSettings({ maxConcurrentTransfers: 3 });
    expect((await mock.api.getSettings()).maxConcurrentTransfers).toBe(3);
  });
});
