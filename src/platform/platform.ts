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

/** A long-lived connection between extension contexts (chrome.runtime.Port); messages are JSON. */
export interface RpcPort {
  readonly name: string;
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
  disconnect(): void;
}

/** A file for the browser to fetch and save by itself (chrome.downloads). */
export interface DownloadRequest {
  url: string;
  method: 'GET' | 'POST';
  /** A form body for POST, e.g. Xiaomi's `meta=…` (xiaomi-api.md §6.3). */
  body?: string;
  headers?: { name: string; value: string }[];
  /** Where, relative to the browser's download folder, '/'-separated; each part already safe. */
  filename: string;
}

/** The browser's record of one download. */
export interface DownloadState {
  id: number;
  /** As it was started, before redirects. */
  url: string;
  state: 'in_progress' | 'interrupted' | 'complete';
  /** Why it stopped, in Chrome's words: 'FILE_NO_SPACE', 'NETWORK_FAILED', 'USER_CANCELED'… */
  error?: string;
  bytesReceived: number;
  /** Bytes of the finished file; -1 when unknown. */
  fileSize: number;
  /** Where it is on disk (absolute). */
  filename: string;
}

export interface Downloads {
  /**
   * Starts a download that the browser carries out by itself, so it goes on while the service
   * worker is stopped. Never overwrites: a name already taken on disk gets a number. Resolves with
   * the download's id.
   */
  start(request: DownloadRequest): Promise<number>;
  /** Downloads by id, or by the URL they were started with (a lost id is found again this way). */
  search(query: { id: number } | { url: string }): Promise<DownloadState[]>;
  /** Stops a download and removes its partial file. */
  cancel(id: number): Promise<void>;
  /** Calls back with the id of a download this extension started whenever its state changes; wakes the worker. */
  onChanged(listener: (id: number) => void): void;
}

export interface Platform {
  runtime: {
    /** Connections from this extension's own pages only: the sender is checked before `listener` runs. */
    onConnect(listener: (port: RpcPort) => void): void;
    connect(name: string): RpcPort;
    onStartup(listener: () => void): void;
    onInstalled(listener: () => void): void;
  };
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
    onAlarm(listener: (name: string) => void): void;
  };
  downloads: Downloads;
  notify(spec: NotificationSpec): Promise<void>;
  badge(text: string, color: string): Promise<void>;
  /** A trivial extension API call: resets the service worker's idle timer (chromium-e2e.md §5). */
  keepAlivePing(): Promise<void>;
  i18n: {
    message(key: string, substitutions?: string[]): string;
    uiLanguage(): string;
  };
  extensionUrl(path: string): string;
  /** Highlights the toolbar action on i.mi.com tabs (the person is where the migration starts). */
  highlightActionOn(hostSuffix: string): void;
}
