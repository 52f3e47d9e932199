/**
 * In-memory stand-ins for the two clouds, for the engine's unit tests only. They keep Google's
 * semantics that the engine relies on (tokens consumed by batchCreate, results keyed by token,
 * album membership, resumable offsets) and count every call so tests can assert on them.
 */
import { createHash } from 'node:crypto';
import { albumTitle, mediaItemFileName } from '../../google/names.ts';
import type { DownloadRequest, DownloadState, Downloads } from '../../platform/platform.ts';
import { MigrationError } from '../../shared/errors.ts';
import type { SourceAlbum, SourceItem } from '../../shared/model.ts';
import type {
  AppAlbum,
  AppMediaItem,
  BatchEntry,
  BatchItemResult,
  ChunkResult,
  DestinationPort,
  ResumableSession,
  SessionStatus,
  SourceDownload,
  SourcePort,
  UploadMeta,
} from '../ports.ts';

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function makeItem(id: string, albumId: string, size: number, extra: Partial<SourceItem> = {}) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + Number(id.slice(-3))) & 0xff;
  const item: SourceItem = {
    id,
    albumId,
    fileName: `IMG_${id.slice(-4)}.jpg`,
    type: 'image',
    mimeType: 'image/jpeg',
    size,
    sha1: sha1Hex(bytes),
    dateTaken: 1_717_208_100_000,
    isFavorite: false,
    isLivePhoto: false,
    ...extra,
  };
  return { item, bytes };
}

export class MemorySource implements SourcePort {
  readonly bytes = new Map<string, Uint8Array>();
  readonly albumItems = new Map<string, SourceItem[]>();
  albumList: SourceAlbum[] = [];
  pageSize = 2;
  calls = { list: 0, download: 0, keepAlive: 0, sign: 0 };
  /** Ids whose step 1 answers code 50050 (deleted after listing). */
  readonly deleted = new Set<string>();
  /** Signed links handed out, by URL: which item and which `meta` the POST must carry. */
  readonly links = new Map<string, { itemId: string; meta: string }>();
  /** Errors to throw on the next downloads, in order. */
  downloadFaults: Error[] = [];
  /** Corrupts the bytes of these item ids (SHA-1 mismatch) while set. */
  corrupt = new Set<string>();
  /** Flips the byte at this file offset in the next download of the item only (corruption in transit). */
  corruptOnce = new Map<string, number>();
  /** Ends the stream of the next download after this many bytes. */
  cutNextDownloadAt: number | undefined;
  loggedIn = true;

  addAlbum(album: SourceAlbum, items: { item: SourceItem; bytes: Uint8Array }[]): void {
    this.albumList.push({ ...album, mediaCount: items.length });
    this.albumItems.set(
      album.id,
      items.map((i) => i.item),
    );
    for (const { item, bytes } of items) this.bytes.set(item.id, bytes);
  }

  async checkSession() {
    return this.loggedIn
      ? ({ state: 'logged-in', host: 'i.mi.com', userId: '1' } as const)
      : ({ state: 'logged-out', loginUrl: 'https://i.mi.com/' } as const);
  }

  async keepAlive() {
    this.calls.keepAlive += 1;
    if (!this.loggedIn) throw new MigrationError('xiaomi-logged-out', 'session gone');
  }

  async listAlbums() {
    return this.albumList.map((a) => ({ ...a, mediaCount: this.albumItems.get(a.id)?.length ?? 0 }));
  }

  async *listAlbumItems(albumId: string, fromPage: number) {
    const items = this.albumItems.get(albumId) ?? [];
    for (let pageNum = fromPage; pageNum * this.pageSize < items.length; pageNum++) {
      this.calls.list += 1;
      if (!this.loggedIn) throw new MigrationError('xiaomi-logged-out', 'session gone');
      yield { pageNum, items: items.slice(pageNum * this.pageSize, (pageNum + 1) * this.pageSize) };
    }
  }

  async signedDownload(item: SourceItem) {
    this.calls.sign += 1;
    if (!this.loggedIn) throw new MigrationError('xiaomi-logged-out', 'session gone');
    if (this.deleted.has(item.id)) throw new MigrationError('xiaomi-item-deleted', 'code 50050');
    // Every link is new, as Xiaomi's signed ones are.
    const link = {
      url: `https://files.example.test/download_file?sig=${this.calls.sign}`,
      meta: `m${this.calls.sign}`,
    };
    this.links.set(link.url, { itemId: item.id, meta: link.meta });
    return link;
  }

  async openDownload(item: SourceItem, options: { offset: number }): Promise<SourceDownload> {
    this.calls.download += 1;
    const fault = this.downloadFaults.shift();
    if (fault) throw fault;
    if (!this.loggedIn) throw new MigrationError('xiaomi-logged-out', 'session gone');
    let bytes = this.bytes.get(item.id)!;
    if (this.corrupt.has(item.id)) {
      bytes = bytes.slice();
      bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) & 0xff;
    }
    const flipAt = this.corruptOnce.get(item.id);
    if (flipAt !== undefined && flipAt >= options.offset) {
      this.corruptOnce.delete(item.id);
      bytes = bytes.slice();
      bytes[flipAt] = (bytes[flipAt]! + 1) & 0xff;
    }
    let rest = bytes.subarray(options.offset);
    if (this.cutNextDownloadAt !== undefined) {
      rest = rest.subarray(0, this.cutNextDownloadAt);
      this.cutNextDownloadAt = undefined;
    }
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < rest.length; i += 1000) pieces.push(rest.subarray(i, i + 1000));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = pieces.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    return { stream, cancel: () => stream.cancel().catch(() => undefined) };
  }
}

interface StoredToken {
  bytes: Uint8Array;
  fileName: string;
  consumed: boolean;
}

export interface CreatedItem {
  id: string;
  filename: string;
  sha1: string;
}

export class MemoryDestination implements DestinationPort {
  readonly rawUploadLimit: number;
  readonly chunkSize: number;
  private tokens = new Map<string, StoredToken>();
  private sessions = new Map<
    string,
    { bytes: Uint8Array[]; received: number; size: number; final: boolean }
  >();
  private nextId = 1;
  readonly items: CreatedItem[] = [];
  readonly albums: { id: string; title: string; itemIds: string[] }[] = [];
  calls = {
    raw: 0,
    start: 0,
    chunk: 0,
    query: 0,
    batchCreate: 0,
    createAlbum: 0,
    listAlbums: 0,
    albumItems: 0,
    add: 0,
    getAlbum: 0,
  };
  /** Errors thrown by the next calls of a method, in order. */
  faults: Partial<Record<keyof MemoryDestination['calls'], Error[]>> = {};
  /** When set, the next batchCreate creates the items and then throws this (the answer is lost or unreadable). */
  loseNextBatchResponse: Error | undefined;
  /** Cuts the next chunk: Google keeps nothing of it, and the call rejects. */
  cutNextChunk = false;
  /** While set, chunks stay on the wire until it settles or their signal fires (Pause, Cancel). */
  chunksOnTheWire: Promise<void> | undefined;
  /** SHA-1s the person's library already holds from elsewhere: batchCreate answers code 6. */
  readonly inLibraryElsewhere = new Set<string>();

  constructor(options: { rawUploadLimit?: number; chunkSize?: number } = {}) {
    this.rawUploadLimit = options.rawUploadLimit ?? 5000;
    this.chunkSize = options.chunkSize ?? 4096;
  }

  // Google's own limits, as the real client applies them to what it sends (src/google/names.ts).
  storedFileName(fileName: string): string {
    return mediaItemFileName(fileName);
  }

  storedAlbumTitle(title: string): string {
    return albumTitle(title);
  }

  private fault(method: keyof MemoryDestination['calls']): void {
    this.calls[method] += 1;
    const error = this.faults[method]?.shift();
    if (error) throw error;
  }

  private newToken(bytes: Uint8Array, fileName: string): string {
    const token = `token-${this.nextId++}`;
    this.tokens.set(token, { bytes, fileName, consumed: false });
    return token;
  }

  async accountKey() {
    return 'account-1';
  }

  async uploadRaw(meta: UploadMeta, body: Blob) {
    this.fault('raw');
    return this.newToken(new Uint8Array(await body.arrayBuffer()), meta.fileName);
  }

  async startSession(meta: UploadMeta): Promise<ResumableSession> {
    this.fault('start');
    const url = `session-${this.nextId++}`;
    this.sessions.set(url, { bytes: [], received: 0, size: meta.size, final: false });
    return { sessionUrl: url, granularity: 1024, createdAt: Date.now() };
  }

  async uploadChunk(
    session: ResumableSession,
    offset: number,
    body: Blob,
    isLast: boolean,
    meta: UploadMeta,
    signal?: AbortSignal,
  ): Promise<ChunkResult> {
    this.fault('chunk');
    if (this.chunksOnTheWire) await settledOrAborted(this.chunksOnTheWire, signal);
    const s = this.sessions.get(session.sessionUrl);
    if (!s || s.final) throw new MigrationError('google-upload-session-lost', 'no such session');
    if (offset !== s.received) throw new MigrationError('google-upload-session-lost', 'offset mismatch');
    if (this.cutNextChunk) {
      this.cutNextChunk = false;
      throw new TypeError('Failed to fetch');
    }
    s.bytes.push(new Uint8Array(await body.arrayBuffer()));
    s.received += body.size;
    if (!isLast) return { kind: 'active', received: s.received };
    s.final = true;
    const all = new Uint8Array(s.received);
    let at = 0;
    for (const part of s.bytes) {
      all.set(part, at);
      at += part.length;
    }
    return { kind: 'final', uploadToken: this.newToken(all, meta.fileName) };
  }

  async querySession(session: ResumableSession): Promise<SessionStatus> {
    this.fault('query');
    const s = this.sessions.get(session.sessionUrl);
    if (!s) return { kind: 'gone' };
    return s.final ? { kind: 'final' } : { kind: 'active', received: s.received };
  }

  private album(albumId: string) {
    const album = this.albums.find((a) => a.id === albumId);
    if (!album)
      throw new MigrationError('google-album-missing', 'The provided ID does not match any albums.');
    return album;
  }

  async batchCreate(albumId: string, entries: BatchEntry[]): Promise<BatchItemResult[]> {
    this.fault('batchCreate');
    const album = this.album(albumId);
    const results: BatchItemResult[] = [];
    for (const entry of entries) {
      const token = this.tokens.get(entry.uploadToken);
      if (!token || token.consumed) {
        throw new MigrationError('google-upload-token-invalid', 'Request must contain a valid upload token.');
      }
    }
    for (const entry of entries) {
      const token = this.tokens.get(entry.uploadToken)!;
      token.consumed = true;
      if (this.inLibraryElsewhere.has(sha1Hex(token.bytes))) {
        results.push({ uploadToken: entry.uploadToken, kind: 'exists', message: 'EXISTS: …' });
        continue;
      }
      const id = `media-${this.nextId++}`;
      this.items.push({ id, filename: this.storedFileName(entry.fileName), sha1: sha1Hex(token.bytes) });
      album.itemIds.push(id);
      results.push({
        uploadToken: entry.uploadToken,
        kind: 'created',
        mediaItemId: id,
        productUrl: `https://photos/${id}`,
      });
    }
    const lost = this.loseNextBatchResponse;
    if (lost) {
      this.loseNextBatchResponse = undefined;
      throw lost;
    }
    // Google does not promise result order (google-photos-api.md §C6): the engine must match by token.
    return results.reverse();
  }

  async createAlbum(title: string): Promise<AppAlbum> {
    this.fault('createAlbum');
    const album = {
      id: `album-${this.nextId++}`,
      title: this.storedAlbumTitle(title),
      itemIds: [] as string[],
    };
    this.albums.push(album);
    return {
      id: album.id,
      title: album.title,
      productUrl: `https://photos/album/${album.id}`,
      mediaItemsCount: 0,
    };
  }

  async listAppAlbums(): Promise<AppAlbum[]> {
    this.fault('listAlbums');
    return this.albums.map((a) => ({ id: a.id, title: a.title, mediaItemsCount: a.itemIds.length }));
  }

  async getAlbum(albumId: string): Promise<AppAlbum> {
    this.fault('getAlbum');
    const a = this.album(albumId);
    return { id: a.id, title: a.title, mediaItemsCount: a.itemIds.length };
  }

  async albumItems(albumId: string): Promise<AppMediaItem[]> {
    this.fault('albumItems');
    return this.album(albumId).itemIds.map((id) => ({
      id,
      filename: this.items.find((i) => i.id === id)!.filename,
    }));
  }

  async addToAlbum(albumId: string, mediaItemIds: string[]): Promise<void> {
    this.fault('add');
    const album = this.album(albumId);
    for (const id of mediaItemIds) if (!album.itemIds.includes(id)) album.itemIds.push(id);
  }

  deleteAlbumAsUser(albumId: string): void {
    const index = this.albums.findIndex((a) => a.id === albumId);
    this.albums.splice(index, 1);
  }
}

interface MemoryDownload extends DownloadState {
  request: DownloadRequest;
}

/**
 * The browser's download manager, for the local copy's tests: downloads stay in progress until
 * the test lets the browser finish them (`finishAll`), as a real download outlives the call that
 * started it. Files land in `files` by path, numbered like Chrome's "uniquify" when a name is taken.
 */
export class MemoryDownloads implements Downloads {
  readonly files = new Map<string, Uint8Array>();
  readonly downloads = new Map<number, MemoryDownload>();
  private listeners: ((id: number) => void)[] = [];
  private nextId = 1;
  /** How the next downloads end instead of completing: an interrupt reason, or other bytes. */
  outcomes: ({ error: string } | { bytes: Uint8Array })[] = [];
  /** When set, `start` fails with this (the browser refusing a request). */
  refuseNext: Error | undefined;

  constructor(private readonly source: MemorySource) {}

  async start(request: DownloadRequest): Promise<number> {
    const refusal = this.refuseNext;
    this.refuseNext = undefined;
    if (refusal) throw refusal;
    const id = this.nextId++;
    this.downloads.set(id, {
      id,
      url: request.url,
      state: 'in_progress',
      bytesReceived: 0,
      fileSize: -1,
      filename: '',
      request,
    });
    return id;
  }

  async search(query: { id: number } | { url: string }): Promise<DownloadState[]> {
    return [...this.downloads.values()]
      .filter((d) => ('id' in query ? d.id === query.id : d.url === query.url))
      .map(({ request: _request, ...state }) => ({ ...state }));
  }

  async cancel(id: number): Promise<void> {
    const download = this.downloads.get(id);
    if (download?.state === 'in_progress') this.end(download, { error: 'USER_CANCELED' });
  }

  onChanged(listener: (id: number) => void): void {
    this.listeners.push(listener);
  }

  /** The person clears the download from the browser's list. */
  erase(id: number): void {
    this.downloads.delete(id);
  }

  /** Lets the browser finish every download in progress: each fetches the bytes its link names. */
  finishAll(): void {
    for (const download of this.downloads.values()) this.finish(download.id);
  }

  finish(id: number): void {
    const download = this.downloads.get(id);
    if (download?.state === 'in_progress') this.end(download, this.outcomes.shift());
  }

  private end(download: MemoryDownload, outcome?: { error: string } | { bytes: Uint8Array }): void {
    if (outcome && 'error' in outcome) {
      download.state = 'interrupted';
      download.error = outcome.error;
    } else {
      const link = this.source.links.get(download.url);
      const body = new URLSearchParams(download.request.body ?? '').get('meta');
      if (!link || download.request.method !== 'POST' || body !== link.meta)
        throw new Error(`not a signed download: ${download.url}`);
      const bytes = outcome?.bytes ?? this.source.bytes.get(link.itemId)!;
      download.filename = this.uniquePath(download.request.filename);
      this.files.set(download.filename, bytes);
      download.state = 'complete';
      download.bytesReceived = bytes.byteLength;
      download.fileSize = bytes.byteLength;
    }
    for (const listener of this.listeners) listener(download.id);
  }

  private uniquePath(path: string): string {
    const dot = path.lastIndexOf('.');
    const [stem, extension] =
      dot > path.lastIndexOf('/') ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
    let candidate = path;
    for (let n = 1; this.files.has(candidate); n++) candidate = `${stem} (${n})${extension}`;
    return candidate;
  }
}

/** As fetch does: the wait ends with the signal's reason the moment it fires. */
function settledOrAborted(wire: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wire;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    wire.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
