/**
 * Thumbnails: the signed `get_thumbnail` URLs the listings carry (§4.1, §5.1) and the small JPEGs
 * they serve without cookies (§7), in the colour of the item's own bytes.
 */
import type { LibraryItem } from '../library/library.ts';
import { createMedia } from '../library/media.ts';
import { type FakeContext, type Handler, intParam } from './context.ts';
import { CONTENT_TYPE } from './reply.ts';

export const THUMBNAIL_HOST = 'ali.xmssdn.micloud.mi.com';
/** The storage bucket segment after `/2/` (§1.2: the same value across users). */
export const STORAGE_BUCKET = '1500000000000';
export const THUMBNAIL_PATH = `/2/${STORAGE_BUCKET}/get_thumbnail`;

const MAX_EDGE = 2048;

/** The item's thumbnail `width` pixels wide, `type` 0 small, 2 big, as in the §10 fixture. */
export function thumbnailUrl(fake: FakeContext, item: LibraryItem, width: number, type: 0 | 2): string {
  const height = Math.round((width * item.height) / item.width);
  const data = Buffer.from(item.id).toString('base64url');
  const ts = fake.clock.now();
  const sig = fake.signer.sign(['thumbnail', data, width, height]);
  return `https://${THUMBNAIL_HOST}${THUMBNAIL_PATH}?data=${data}&w=${width}&h=${height}&type=${type}&ts=${ts}&r=0&sig=${sig}`;
}

export const serveThumbnail: Handler = async ({ url, reply }, fake) => {
  const data = url.searchParams.get('data') ?? '';
  const width = Math.min(intParam(url.searchParams, 'w', 0), MAX_EDGE);
  const height = Math.min(intParam(url.searchParams, 'h', 0), MAX_EDGE);
  const item = fake.catalog.item(Buffer.from(data, 'base64url').toString());
  const signed = url.searchParams.get('sig') === fake.signer.sign(['thumbnail', data, width, height]);
  if (!item || !signed || width === 0 || height === 0) {
    return reply.text(404, CONTENT_TYPE.text, 'Not Found');
  }
  const jpeg = createMedia({ kind: 'jpeg', seed: item.mediaSeed, width, height }).buffer();
  return reply.bytes(200, { 'content-type': CONTENT_TYPE.jpeg }, jpeg);
};
