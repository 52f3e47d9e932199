/** How an album is called on screen: Xiaomi's system albums carry no name of their own. */

import { SYSTEM_ALBUM_KEYS } from '../shared/message-keys.ts';
import type { SourceAlbum } from '../shared/model.ts';
import { formatCount } from './format.ts';
import { t } from './i18n.ts';

export interface NamedAlbum {
  name: string;
  system?: SourceAlbum['system'];
  /** Set when a very large album is split into several Google albums. */
  part?: number;
}

export function albumName(album: NamedAlbum): string {
  const base = album.system ? t(SYSTEM_ALBUM_KEYS[album.system]) : album.name || t('albumUnnamed');
  return album.part === undefined ? base : t('albumPart', base, formatCount(album.part));
}
