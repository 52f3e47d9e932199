/** Plain data shared by the Xiaomi source, the Google destination, the engine and the UI. */

/** A Xiaomi album as listed (src/xiaomi). Ids are strings: user album ids are 17 digits. */
export interface SourceAlbum {
  id: string;
  /** Human name: the album's own name, or for system albums the localisable system name. */
  name: string;
  /** Set for Xiaomi's system albums (ids 1, 2, 1000), whose `name` from the API is null or empty. */
  system?: 'camera' | 'screenshots' | 'private';
  mediaCount: number;
  /** Bytes, where the API gives them. */
  totalSize?: number;
  lastUpdateTime: number;
}

/** A Xiaomi gallery item as listed. `id` is a 17+-digit string, never a number. */
export interface SourceItem {
  id: string;
  albumId: string;
  fileName: string;
  type: 'image' | 'video';
  mimeType: string;
  size: number;
  /** 40 lowercase hex digits: SHA-1 of the original bytes. */
  sha1: string;
  /** Capture time, epoch ms (UTC instant). */
  dateTaken: number;
  isFavorite: boolean;
  isLivePhoto: boolean;
  /** Whether the listing's exifInfo names a capture time; absent when the listing has no exifInfo. */
  exifDateListed?: boolean;
}

export type XiaomiSessionState =
  | { state: 'logged-out'; loginUrl: string }
  | { state: 'second-validation'; host: string; verifyUrl: string }
  | { state: 'e2ee-on'; host: string }
  | { state: 'logged-in'; host: string; userId: string };
