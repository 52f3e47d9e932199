/**
 * The one module that touches the browser's extension APIs (through webextension-polyfill, so
 * the same promise-based calls work in every Chromium browser). Everything else gets a `Platform`.
 */
import browser from 'webextension-polyfill';
import type { BrowserCookie, DownloadState, KeyValueArea, Platform, RpcPort } from './platform.ts';
import { isOwnPage } from './sender.ts';

function wrapPort(port: browser.Runtime.Port): RpcPort {
  return {
    name: port.name,
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => port.onMessage.addListener((message: unknown) => listener(message)),
    onDisconnect: (listener) => port.onDisconnect.addListener(() => listener()),
    disconnect: () => port.disconnect(),
  };
}

function area(storage: browser.Storage.StorageArea, areaName: string): KeyValueArea {
  return {
    async get<T>(key: string) {
      const found = await storage.get(key);
      return found[key] as T | undefined;
    },
    set: (key, value) => storage.set({ [key]: value }),
    remove: (key) => storage.remove(key),
    watch<T>(key: string, onChange: (value: T | undefined) => void) {
      const listener = (changes: Record<string, browser.Storage.StorageChange>, changedArea: string) => {
        const change = changes[key];
        if (changedArea === areaName && change) onChange(change.newValue as T | undefined);
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}

export function createWebExtPlatform(): Platform {
  return {
    runtime: {
      onConnect(listener) {
        browser.runtime.onConnect.addListener((port) => {
          if (!isOwnPage(port.sender, browser.runtime.id, browser.runtime.getURL(''))) {
            port.disconnect();
            return;
          }
          listener(wrapPort(port));
        });
      },
      connect: (name) => wrapPort(browser.runtime.connect({ name })),
      onStartup: (listener) => browser.runtime.onStartup.addListener(listener),
      onInstalled: (listener) => browser.runtime.onInstalled.addListener(() => listener()),
    },
    cookies: {
      async getAll(domain) {
        const cookies = await browser.cookies.getAll({ domain });
        return cookies.map(
          (c): BrowserCookie => ({ name: c.name, value: c.value, domain: c.domain, path: c.path }),
        );
      },
    },
    tabs: {
      async urlsMatching(pattern) {
        // Host permission for the pattern lets us read tab URLs without the "tabs" permission.
        const tabs = await browser.tabs.query({ url: pattern });
        return tabs.flatMap((t) => (t.url ? [t.url] : []));
      },
      async open(url) {
        await browser.tabs.create({ url });
      },
    },
    identity: {
      redirectUrl: () => browser.identity.getRedirectURL(),
      launchWebAuthFlow: (url, interactive) => browser.identity.launchWebAuthFlow({ url, interactive }),
    },
    session: area(browser.storage.session, 'session'),
    local: area(browser.storage.local, 'local'),
    alarms: {
      async create(name, periodMinutes, delayMinutes) {
        await browser.alarms.create(name, { periodInMinutes: periodMinutes, delayInMinutes: delayMinutes });
      },
      async clear(name) {
        await browser.alarms.clear(name);
      },
      onAlarm: (listener) => browser.alarms.onAlarm.addListener((alarm) => listener(alarm.name)),
    },
    downloads: {
      start: ({ url, method, body, headers, filename }) =>
        browser.downloads.download({
          url,
          method,
          body,
          headers,
          filename,
          // Never replace a file already on disk; the engine names files uniquely itself.
          conflictAction: 'uniquify',
          saveAs: false,
        }),
      async search(query) {
        const found = await browser.downloads.search('id' in query ? { id: query.id } : { url: query.url });
        return found.map(
          (d): DownloadState => ({
            id: d.id,
            url: d.url,
            state: d.state,
            error: d.error,
            bytesReceived: d.bytesReceived,
            fileSize: d.fileSize,
            filename: d.filename,
          }),
        );
      },
      cancel: (id) => browser.downloads.cancel(id),
      onChanged(listener) {
        // The person's own downloads change too: only ours may wake the worker's services.
        browser.downloads.onChanged.addListener(async (delta) => {
          const [download] = await browser.downloads.search({ id: delta.id });
          if (download?.byExtensionId === browser.runtime.id) listener(delta.id);
        });
      },
    },
    async notify({ id, title, message }) {
      await browser.notifications.create(id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('icons/icon128.png'),
        title,
        message,
      });
    },
    async badge(text, color) {
      await browser.action.setBadgeText({ text });
      if (text) await browser.action.setBadgeBackgroundColor({ color });
    },
    async keepAlivePing() {
      await browser.runtime.getPlatformInfo();
    },
    i18n: {
      message: (key, substitutions) => browser.i18n.getMessage(key, substitutions),
      uiLanguage: () => browser.i18n.getUILanguage(),
    },
    extensionUrl: (path) => browser.runtime.getURL(path),
    highlightActionOn(hostSuffix) {
      // Enabled everywhere, but the badge-free "active" look only where the person starts from.
      browser.tabs.onUpdated.addListener((tabId, _info, tab) => {
        const onXiaomi = typeof tab.url === 'string' && new URL(tab.url).hostname.endsWith(hostSuffix);
        void browser.action.setTitle({
          tabId,
          title: browser.i18n.getMessage(onXiaomi ? 'actionTitleOnXiaomi' : 'extName'),
        });
        void browser.action.setIcon({
          tabId,
          path: onXiaomi
            ? { 16: 'icons/icon16-active.png', 48: 'icons/icon48-active.png' }
            : { 16: 'icons/icon16.png', 48: 'icons/icon48.png' },
        });
      });
    },
  };
}
