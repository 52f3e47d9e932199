/**
 * The one call the transfer makes: given a file whose bytes already matched Xiaomi's SHA-1,
 * return the bytes to upload with a capture date written in, or undefined to send it unchanged.
 * The receipt records the new SHA-1 (`uploadedSha1`) and the change, since the person's copy in
 * Google then differs from Xiaomi's by those metadata bytes.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sniffFormat } from './capture-date.ts';
import { DEFAULT_TIME_ZONE, withCaptureDate } from './jpeg-date.ts';
import { withMp4CreationTime } from './mp4-date.ts';

export type CaptureDateChange = 'exif-date-written' | 'mp4-times-written';

export interface RepairedFile {
  bytes: Uint8Array;
  change: CaptureDateChange;
  /** SHA-1 (40 lowercase hex) of `bytes`, for the receipt. */
  sha1: string;
}

export interface RepairOptions {
  /** The person's setting (Settings.repairCaptureDates). */
  enabled: boolean;
  /** Zone whose wall-clock time goes into EXIF; Xiaomi's day buckets are Asia/Shanghai. */
  timeZone?: string;
}

/**
 * `verified` must be the whole file and already checked against Xiaomi's SHA-1: a repair of
 * unverified bytes would turn a download error into a file that looks deliberately changed.
 */
export function repairCaptureDate(
  verified: Uint8Array,
  item: { dateTaken: number },
  options: RepairOptions,
): RepairedFile | undefined {
  // Epoch 0 or less is how a missing date shows up in listings, not a real capture time.
  if (!options.enabled || !(item.dateTaken > 0)) return undefined;
  let bytes: Uint8Array | undefined;
  let change: CaptureDateChange;
  switch (sniffFormat(verified)) {
    case 'jpeg':
      bytes = withCaptureDate(verified, item.dateTaken, options.timeZone ?? DEFAULT_TIME_ZONE);
      change = 'exif-date-written';
      break;
    case 'video':
      bytes = withMp4CreationTime(verified, item.dateTaken);
      change = 'mp4-times-written';
      break;
    default:
      return undefined;
  }
  return bytes && { bytes, change, sha1: bytesToHex(sha1(bytes)) };
}
