/**
 * Service-worker entry. Listeners are registered synchronously on every start (Chrome only
 * delivers the waking event to listeners that exist after the first turn); all work waits on one
 * init promise, and nothing that matters is kept in globals: it is in IndexedDB.
 */
import { expose } from 'comlink';
import { createWebExtPlatform } from '../platform/webext.ts';
import { UI_PORT_NAME } from '../shared/messages.ts';
import { portEndpoint } from '../shared/rpc.ts';
import { createLazyApi } from './api.ts';
import { createServices, type Services, WATCHDOG_ALARM } from './services.ts';

const platform = createWebExtPlatform();
let services: Promise<Services> | undefined;

function ready(): Promise<Services> {
  services ??= createServices(platform).catch((error) => {
    services = undefined;
    throw error;
  });
  return services;
}

platform.runtime.onConnect((port) => {
  if (port.name !== UI_PORT_NAME) {
    port.disconnect();
    return;
  }
  // Exposed at once so no call that arrives while the services start is dropped.
  expose(createLazyApi(ready), portEndpoint(port));
  void ready().then((s) => s.publisher.attach(port));
});

platform.alarms.onAlarm((name) => {
  if (name !== WATCHDOG_ALARM) return;
  void ready().then((s) => Promise.all([s.engine.tick(), s.localCopy.tick()]));
});

// The browser saves the local copy by itself; each change of a download wakes the worker here.
platform.downloads.onChanged(() => void ready().then((s) => s.localCopy.kick()));

platform.runtime.onStartup(() => void ready());
platform.runtime.onInstalled(() => void ready());
platform.highlightActionOn('mi.com');

// Any wake-up (an alarm, a page, a restart) resumes a job that was running when the worker stopped.
void ready();
