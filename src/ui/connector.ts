/**
 * How a page reaches the background: Comlink calls over a runtime port named UI_PORT_NAME, and
 * snapshots pushed on the same port (Dark Reader's connector pattern). The service worker may be
 * stopped at any moment; its port then drops, calls in flight are rejected (the person can press
 * the button again) and a new port is opened, after which subscribers are told to re-read.
 */
import { wrap } from 'comlink';
import type { Platform, RpcPort } from '../platform/platform.ts';
import {
  type BackgroundApi,
  type BackgroundToUiEvent,
  DEFAULT_SETTINGS,
  type Settings,
  type Snapshot,
  UI_PORT_NAME,
} from '../shared/messages.ts';
import { portEndpoint } from '../shared/rpc.ts';
import { t } from './i18n.ts';

export type UiEvent = BackgroundToUiEvent | { type: 'reconnected' };

export interface Connector {
  readonly api: BackgroundApi;
  subscribe(listener: (event: UiEvent) => void): () => void;
  close(): void;
}

export interface ReconnectPolicy {
  /** Wait before reopening a port that dropped; doubles while ports keep dropping quickly. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A port that lived this long was healthy: the next drop starts again from `firstDelayMs`. */
  healthyAfterMs: number;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { firstDelayMs: 50, maxDelayMs: 5_000, healthyAfterMs: 5_000 };

interface Link {
  port: RpcPort;
  call: BackgroundApi;
  /** Rejects when this port drops, so a call waiting on it does not wait forever. */
  dropped: Promise<never>;
  openedAt: number;
}

function isBackgroundEvent(message: unknown): message is BackgroundToUiEvent {
  return (message as { type?: unknown } | null)?.type === 'snapshot';
}

export function connectOverPorts(
  openPort: () => RpcPort,
  policy: ReconnectPolicy = DEFAULT_RECONNECT,
): Connector {
  const listeners = new Set<(event: UiEvent) => void>();
  let link: Link | undefined;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextDelay = policy.firstDelayMs;

  const emit = (event: UiEvent) => {
    for (const listener of listeners) listener(event);
  };

  function open(): Link {
    const port = openPort();
    let markDropped: (reason: Error) => void = () => {};
    const dropped = new Promise<never>((_resolve, reject) => {
      markDropped = reject;
    });
    dropped.catch(() => {});
    const opened: Link = {
      port,
      call: wrap<BackgroundApi>(portEndpoint(port)),
      dropped,
      openedAt: Date.now(),
    };
    port.onMessage((message) => {
      if (isBackgroundEvent(message)) emit(message);
    });
    port.onDisconnect(() => {
      markDropped(new Error(t('errorBackgroundRestarted')));
      if (link !== opened) return;
      link = undefined;
      scheduleReconnect(Date.now() - opened.openedAt);
    });
    return opened;
  }

  function scheduleReconnect(livedMs: number) {
    if (closed || reconnectTimer) return;
    if (livedMs >= policy.healthyAfterMs) nextDelay = policy.firstDelayMs;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (closed || link) return;
      try {
        link = open();
      } catch {
        // The extension was reloaded or removed: this page can no longer reach any background.
        return;
      }
      emit({ type: 'reconnected' });
    }, nextDelay);
    nextDelay = Math.min(nextDelay * 2, policy.maxDelayMs);
  }

  function current(): Link {
    if (closed) throw new Error(t('errorBackgroundRestarted'));
    link ??= open();
    return link;
  }

  // Forwarding by name keeps this object stable across reconnections, whatever the method list.
  const api = new Proxy({} as BackgroundApi, {
    get(_target, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      return async (...args: unknown[]) => {
        const { call, dropped } = current();
        const remoteMethod = call[method as keyof BackgroundApi] as (...a: unknown[]) => Promise<unknown>;
        return Promise.race([remoteMethod(...args), dropped]);
      };
    },
  });

  link = open();
  return {
    api,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      link?.port.disconnect();
      link = undefined;
      listeners.clear();
    },
  };
}

/** The extension's own pages: `platform` comes from `createWebExtPlatform()` in the page's boot. */
export function createExtensionConnector(platform: Pick<Platform, 'runtime'>): Connector {
  return connectOverPorts(() => platform.runtime.connect(UI_PORT_NAME));
}

export interface MockConnector extends Connector {
  /** Delivers a snapshot as if the background had pushed it. */
  push(snapshot: Snapshot): void;
  /** Every call made, in order, for tests to check what a page asked for. */
  readonly calls: { method: keyof BackgroundApi; args: unknown[] }[];
}

/** A background in memory, for Node tests and for pages opened outside the extension. */
export function createMockConnector(
  snapshot: Snapshot,
  overrides: Partial<BackgroundApi> = {},
): MockConnector {
  const listeners = new Set<(event: UiEvent) => void>();
  let current = snapshot;
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const defaults: BackgroundApi = {
    snapshot: async () => current,
    refreshXiaomi: async () => current.xiaomi ?? { state: 'logged-out', loginUrl: 'https://i.mi.com/' },
    listAlbums: async () => [],
    openXiaomi: async () => {},
    openOptions: async () => {},
    openReport: async () => {},
    googleSignIn: async () => current.google,
    googleSignOut: async () => current.google,
    getSettings: async () => settings,
    saveSettings: async (changes) => {
      settings = { ...settings, ...changes };
      return settings;
    },
    startJob: async () => {},
    pauseJob: async () => {},
    resumeJob: async () => {},
    cancelJob: async () => {},
    retryFailed: async () => {},
    receipt: async () => [],
    saveLocalCopy: async () => {},
    resumeLocalCopy: async () => {},
    cancelLocalCopy: async () => {},
  };
  const implementation: BackgroundApi = { ...defaults, ...overrides };
  const calls: MockConnector['calls'] = [];
  const api = new Proxy(implementation, {
    get(target, method) {
      const name = method as keyof BackgroundApi;
      const real = target[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!real) return undefined;
      return (...args: unknown[]) => {
        calls.push({ method: name, args });
        return real(...args);
      };
    },
  });
  return {
    api,
    calls,
    push(next) {
      current = next;
      for (const listener of listeners) listener({ type: 'snapshot', snapshot: next });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
    },
  };
}
