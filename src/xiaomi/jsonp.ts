/**
 * The step-2 download answer is JSONP such as `dl_img_cb({"url":…,"meta":…})`; whether the
 * `callBack` parameter renames the callback is unknown, so the payload is taken generically as the
 * text between the first '(' and the last ')' (xiaomi-api.md §6.2).
 */
import { isJsonObject, malformed, readString } from './fields.ts';
import { parseJsonLossless } from './json.ts';

export interface SignedDownload {
  url: string;
  meta: string;
}

function jsonpPayload(text: string): unknown {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw malformed('download link answer is not JSONP');
  try {
    return parseJsonLossless(text.slice(open + 1, close));
  } catch {
    throw malformed('download link answer holds no valid JSON');
  }
}

export function parseSignedDownload(text: string): SignedDownload {
  const payload = jsonpPayload(text);
  const url = isJsonObject(payload) ? readString(payload.url) : undefined;
  const meta = isJsonObject(payload) ? readString(payload.meta) : undefined;
  if (!url || !URL.canParse(url) || meta === undefined)
    throw malformed('download link answer lacks url or meta');
  return { url, meta };
}
