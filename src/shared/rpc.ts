/**
 * Comlink over a runtime Port. Chrome ports carry JSON only (webextensions#430), and Comlink's
 * wire messages for plain-data calls are JSON, so the adapter only re-shapes events.
 */
import type { Endpoint } from 'comlink';
import type { RpcPort } from '../platform/platform.ts';

/** Comlink messages travel inside this envelope so pushed events can share the port. */
const RPC_TAG = 'rpc';

export function portEndpoint(port: RpcPort): Endpoint {
  const listeners = new Set<EventListenerOrEventListenerObject>();
  port.onMessage((message) => {
    const envelope = message as { tag?: string; data?: unknown };
    if (envelope?.tag !== RPC_TAG) return;
    const event = { data: envelope.data } as MessageEvent;
    for (const listener of listeners) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  });
  return {
    postMessage: (data: unknown) => port.postMessage({ tag: RPC_TAG, data }),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      listeners.add(listener);
    },
    removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      listeners.delete(listener);
    },
  };
}
