/**
 * What the engine needs from each cloud. `src/background/wiring.ts` adapts the Xiaomi and Google
 * modules to these ports; unit tests give the engine in-memory ones.
 */
import type { SourceAlbum, SourceItem, XiaomiSessionState } from '../shared/model.ts';

export interface SourceDownload {
  /**
   * Bytes from the requested offset onwards. The engine hashes them itself (transfer.ts), so the
   * source need not (src/background/ports.ts asks it not to: SHA-1 once per byte).
   */
  readonly stream: ReadableStream<Uint8Array>;
  /** Lets go of the connection (e.g. after an error elsewhere). */
  cancel(): Promise<void>;
}

export interface SourcePort {
  checkSession(): Promise<XiaomiSessionState>;
  keepAlive(): Promise<void>;
  listAlbums(): Promise<SourceAlbum[]>;
  /** Pages of an album's items, starting at `fromPage`; `pageNum` tells where to continue after a stop. */
  listAlbumItems(albumId: string, fromPage: number): AsyncIterable<{ pageNum: number; items: SourceItem[] }>;
  openDownload(
    item: SourceItem,
    options: { offset: number; hashState?: Uint8Array; signal?: AbortSignal },
  ): Promise<SourceDownload>;
  /**
   * Steps 1 and 2 of a download (xiaomi-api.md §6): the signed URL of the original, always on a
   * Xiaomi host over https, and the `meta` to POST to it, for the browser to fetch by itself.
   * Short-lived: use it at once.
   */
  signedDownload(item: SourceItem): Promise<{ url: string; meta: string }>;
}

export interface ResumableSession {
  sessionUrl: string;
  granularity: number;
  createdAt: number;
}

export type ChunkResult = { kind: 'active'; received: number } | { kind: 'final'; uploadToken: string };

export type SessionStatus = { kind: 'active'; received: number } | { kind: 'final' } | { kind: 'gone' };

export interface UploadMeta {
  fileName: string;
  mimeType: string;
  size: number;
  /** 40-hex SHA-1 of the bytes being sent, when known before sending. */
  sha1?: string;
}

export interface BatchEntry {
  uploadToken: string;
  fileName: string;
}

export type BatchItemResult =
  | { uploadToken: string; kind: 'created'; mediaItemId: string; productUrl?: string }
  /** Google refused the item for good (code 3 …); `message` is Google's own words. */
  | { uploadToken: string; kind: 'rejected'; message: string }
  /** Google already holds these bytes (code 6) and names no item: look for it in the album. */
  | { uploadToken: string; kind: 'exists'; message: string }
  /** Try again with a fresh upload (code 13, an unknown code, a missing result). */
  | { uploadToken: string; kind: 'retry'; message: string };

export interface AppMediaItem {
  id: string;
  filename: string;
  productUrl?: string;
}

export interface AppAlbum {
  id: string;
  title: string;
  productUrl?: string;
  mediaItemsCount: number;
}

export interface DestinationPort {
  /** A stable key of the signed-in Google account (the ledger of done items is per account). */
  accountKey(): Promise<string>;
  /** Resumable above this size, raw below (google-photos-api.md §B2). */
  readonly rawUploadLimit: number;
  /** Chunk size for resumable uploads; a multiple of any granularity Google announces. */
  readonly chunkSize: number;
  /**
   * The file name Google keeps for an item created under `fileName` (base name, at most 255
   * characters), and the title it keeps for an album created as `title` (at most 500): what a
   * look in Google Photos must compare with after a lost answer.
   */
  storedFileName(fileName: string): string;
  storedAlbumTitle(title: string): string;
  /** `signal`: Pause or Cancel stops the bytes in flight rather than waiting for them. */
  uploadRaw(meta: UploadMeta, body: Blob, signal?: AbortSignal): Promise<string>;
  startSession(meta: UploadMeta): Promise<ResumableSession>;
  uploadChunk(
    session: ResumableSession,
    offset: number,
    body: Blob,
    isLast: boolean,
    meta: UploadMeta,
    signal?: AbortSignal,
  ): Promise<ChunkResult>;
  querySession(session: ResumableSession): Promise<SessionStatus>;
  batchCreate(albumId: string, entries: BatchEntry[]): Promise<BatchItemResult[]>;
  createAlbum(title: string): Promise<AppAlbum>;
  listAppAlbums(): Promise<AppAlbum[]>;
  getAlbum(albumId: string): Promise<AppAlbum>;
  /** The app-created items of an album, in album order. */
  albumItems(albumId: string): Promise<AppMediaItem[]>;
  addToAlbum(albumId: string, mediaItemIds: string[]): Promise<void>;
}
