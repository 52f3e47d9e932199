/**
 * pageSize / pageToken handling of the list and search calls (google-photos-api.md §D4, §I6): opaque
 * tokens, a default and a maximum size per call.
 */
import type { Reply } from './http.ts';
import type { PhotosContext } from './photos-context.ts';

export interface PageSizes {
  defaultSize: number;
  maxSize: number;
}

export interface PagingRequest {
  pageSize?: unknown;
  pageToken?: unknown;
}

export function queryPaging(url: URL): PagingRequest {
  return {
    pageSize: url.searchParams.get('pageSize') ?? undefined,
    pageToken: url.searchParams.get('pageToken') ?? undefined,
  };
}

function encodeToken(kind: string, offset: number): string {
  return Buffer.from(`${kind}:${offset}`).toString('base64url');
}

function decodeToken(kind: string, token: string): number | undefined {
  const [tokenKind, offset] = Buffer.from(token, 'base64url').toString().split(':');
  const value = Number(offset);
  return tokenKind === kind && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export function readPage<T>(
  ctx: PhotosContext,
  kind: string,
  all: readonly T[],
  sizes: PageSizes,
  request: PagingRequest,
): { items: T[]; nextPageToken: string | undefined } | { reply: Reply } {
  const requested = request.pageSize === undefined || request.pageSize === '' ? 0 : Number(request.pageSize);
  if (!Number.isSafeInteger(requested) || requested < 0) {
    return { reply: ctx.error('invalid-argument', `pageSize ${String(request.pageSize)}`) };
  }
  if (requested > sizes.maxSize && ctx.deps.config.pageSizeOverflow === 'reject') {
    return { reply: ctx.error('invalid-argument', `pageSize ${requested} above ${sizes.maxSize}`) };
  }
  const size = requested === 0 ? sizes.defaultSize : Math.min(requested, sizes.maxSize);
  let offset = 0;
  if (request.pageToken !== undefined && request.pageToken !== '') {
    const decoded = typeof request.pageToken === 'string' ? decodeToken(kind, request.pageToken) : undefined;
    if (decoded === undefined) return { reply: ctx.error('invalid-argument', 'bad pageToken') };
    offset = decoded;
  }
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return { items, nextPageToken: next < all.length ? encodeToken(kind, next) : undefined };
}
