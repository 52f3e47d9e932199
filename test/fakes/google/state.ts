/**
 * What arrived at the fake Google, recorded for assertions: tests check the destination, never the
 * extension's own claims. Everything here is plain data; the services mutate it.
 */
import type { MediaInfo } from './media/inspect.ts';

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface OAuthRequestRecord {
  at: number;
  /** 'authorize', 'consent-decision', 'tokeninfo', 'revoke' or 'list-accounts'. */
  kind: string;
  /** Query (and form) parameters as sent: client_id, redirect_uri, scope, state, prompt, … */
  params: Record<string, string>;
  /** What the fake did: 'granted', 'consent-page', an OAuth error code, or an HTTP status. */
  outcome: string;
}

/** Bytes that arrived whole, as the fake keeps them for an upload token and then a media item. */
export interface ReceivedFile {
  byteLength: number;
  /** Hex SHA-1 of the bytes. */
  sha1: string;
  /** The bytes themselves while they fit `retainBytesUpTo`. */
  bytes: Buffer | undefined;
  /** What Google would make of them; undefined means unsupported (BAD_IMAGE). */
  media: MediaInfo | undefined;
}

export interface UploadTokenRecord {
  token: string;
  clientId: string;
  createdAt: number;
  protocol: 'raw' | 'resumable';
  file: ReceivedFile;
  /** `X-Goog-Upload-File-Name`, when Google honours it (only with an upload protocol header, §E9). */
  fileNameHeader: string | undefined;
  contentTypeHeader: string | undefined;
  /** The media item this token created, once used. */
  consumedByItemId: string | undefined;
}

export type UploadSessionStatus = 'active' | 'final' | 'cancelled';

export interface UploadSessionRecord {
  id: string;
  url: string;
  clientId: string;
  createdAt: number;
  rawSize: number;
  fileNameHeader: string | undefined;
  contentTypeHeader: string | undefined;
  status: UploadSessionStatus;
  chunks: Buffer[];
  receivedBytes: number;
  /** Base64 SHA-1 from the latest `X-Goog-Hash` sent on this session, checked at finalize (§B5). */
  expectedSha1: string | undefined;
  uploadToken: string | undefined;
}

export interface MediaItemRecord {
  id: string;
  /** OAuth client that created it: the "app" that owns it (§D5). */
  clientId: string;
  filename: string;
  mimeType: string;
  kind: 'photo' | 'video';
  description: string | undefined;
  /** RFC 3339, from the embedded date or the upload time (§E8). */
  creationTime: string;
  width: number | undefined;
  height: number | undefined;
  cameraMake: string | undefined;
  cameraModel: string | undefined;
  sha1: string;
  byteLength: number;
  /** Kept for files up to `retainBytesUpTo`; read them back with `state.bytesOf(id)`. */
  bytes: Buffer | undefined;
  /** Fake-clock time of creation. */
  createdAt: number;
  /** 1, 2, 3… in creation order. */
  sequence: number;
  uploadToken: string;
}

export interface AlbumRecord {
  id: string;
  clientId: string;
  title: string;
  itemIds: string[];
  deletedByUser: boolean;
  createdAt: number;
}

export interface RequestLogEntry {
  seq: number;
  at: number;
  service: 'oauth' | 'photos';
  method: string;
  host: string;
  /** Path and query. */
  path: string;
  /** Endpoint id such as 'uploads:chunk' or 'mediaItems:batchCreate' (see `EndpointId`). */
  endpoint: string;
  headers: Record<string, string>;
  status: number | undefined;
  /** Request body bytes received and whether they arrived whole (uploads and JSON bodies). */
  bodyBytes: number | undefined;
  bodyComplete: boolean | undefined;
  /** The injected fault that answered, if any. */
  fault: string | undefined;
  /** Why the fake rejected the request, in its own words (for debugging failed tests). */
  note: string | undefined;
}

export interface RequestCounts {
  byEndpoint: Record<string, number>;
  /** Photos API requests per Pacific calendar day ('2026-09-14'), the quota day (§E3). */
  byDay: Record<string, number>;
  /** Photos API requests per UTC minute ('2026-09-14T08:05'). */
  byMinute: Record<string, number>;
}

export class FakeGoogleState {
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** Scopes each OAuth client has been granted so far (for include_granted_scopes). */
  readonly grantedScopes = new Map<string, Set<string>>();
  readonly oauthRequests: OAuthRequestRecord[] = [];
  readonly uploadTokens = new Map<string, UploadTokenRecord>();
  readonly uploadSessions = new Map<string, UploadSessionRecord>();
  /** In creation order. */
  readonly mediaItems = new Map<string, MediaItemRecord>();
  /** In creation order. */
  readonly albums = new Map<string, AlbumRecord>();
  readonly requestLog: RequestLogEntry[] = [];
  readonly requestCounts: RequestCounts = { byEndpoint: {}, byDay: {}, byMinute: {} };
  /** Requests charged against the daily quota, by `${projectNumber}/${pacificDay}`. */
  readonly quotaUsed = new Map<string, number>();
  /** Fake-clock times of accepted write requests, for the per-minute limit. */
  readonly writeTimes: number[] = [];
  /** Writes being processed right now (the "concurrent write request" quota, §I8). */
  activeWrites = 0;
  storageRemainingBytes: number;

  constructor(storageRemainingBytes: number) {
    this.storageRemainingBytes = storageRemainingBytes;
  }

  mediaItemList(): MediaItemRecord[] {
    return [...this.mediaItems.values()];
  }

  albumList(): AlbumRecord[] {
    return [...this.albums.values()];
  }

  /** The items of an album in album order. */
  itemsInAlbum(albumId: string): MediaItemRecord[] {
    const album = this.albums.get(albumId);
    if (!album) return [];
    return album.itemIds.map((id) => this.mediaItems.get(id)).filter((item) => item !== undefined);
  }

  /** The uploaded bytes of an item, if it was small enough to keep. */
  bytesOf(mediaItemId: string): Buffer | undefined {
    return this.mediaItems.get(mediaItemId)?.bytes;
  }

  /** Requests the log holds for one endpoint id. */
  requestsTo(endpoint: string): RequestLogEntry[] {
    return this.requestLog.filter((entry) => entry.endpoint === endpoint);
  }

  /** A JSON-safe summary of the destination (no bytes, no tokens). */
  snapshot() {
    return {
      albums: this.albumList().map(({ id, clientId, title, itemIds, deletedByUser, createdAt }) => ({
        id,
        clientId,
        title,
        itemIds,
        deletedByUser,
        createdAt: new Date(createdAt).toISOString(),
      })),
      mediaItems: this.mediaItemList().map(({ bytes: _bytes, createdAt, ...item }) => ({
        ...item,
        createdAt: new Date(createdAt).toISOString(),
      })),
      storageRemainingBytes: Number.isFinite(this.storageRemainingBytes) ? this.storageRemainingBytes : null,
      requestCounts: this.requestCounts,
    };
  }
}
