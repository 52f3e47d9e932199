/**
 * Everything the extension needs from the browser, as one interface.
 *
 * Only `webext.ts` implements it against `browser.*` (webextension-polyfill); every other module
 * receives a `Platform` and so runs unchanged in Node tests with `createMemoryPlatform()`.
 */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
}

export interface KeyValueArea {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
  /** Calls back with the new value whenever `key` changes (in any extension context). */
  watch<T>(key: string, onChange: (value: T | undefined) => void): () => void;
}

export interface NotificationSpec {
  id: string;
  title: string;
  message: string;
}

export interface Platform {
  cookies: {
    /** All cookies whose domain matches (e.g. 'mi.com' gives i.mi.com, .mi.com, us.i.mi.com…). */
    getAll(domain: string): Promise<BrowserCookie[]>;
  };
  tabs: {
    /** URLs of open tabs matching a match pattern such as 'https://*.mi.com/*'. */
    urlsMatching(pattern: string): Promise<string[]>;
    open(url: string): Promise<void>;
  };
  identity: {
    /** `https://<extension id>.chromiumapp.org/` */
    redirectUrl(): string;
    /** Resolves with the final redirect URL (token in its fragment) or rejects with the browser's message. */
    launchWebAuthFlow(url: string, interactive: boolean): Promise<string>;
  };
  /** In memory only (chrome.storage.session): access tokens live here, never on disk. */
  session: KeyValueArea;
  /** On disk (chrome.storage.local): settings only, never secrets. */
  local: KeyValueArea;
  alarms: {
    create(name: string, periodMinutes: number, delayMinutes?: number): Promise<void>;
    clear(name: string): Promise<void>;
  };
  notify(spec: NotificationSpec): Promise<void>;
  badge(text: string, color: string): Promise<void>;
  /** A trivial extension API call: resets the service worker's idle timer (chromium-e2e.md §5). */
  keepAlivePing(): Promise<void>;
  i18n: {
    message(key: string, substitutions?: string[]): string;
    uiLanguage(): string;
  };
  extensionUrl(path: string): string;
}
