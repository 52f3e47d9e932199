/** How an album is called on screen: Xiaomi's system albums carry no name of their own. */
import type { SourceAlbum } from '../shared/model.ts';
import { formatCount } from './format.ts';
import { type MessageKey, t } from './i18n.ts';

const SYSTEM_ALBUM_NAMES: Record<NonNullable<SourceAlbum['system']>, MessageKey> = {
  camera: 'albumCamera',
  screenshots: 'albumScreenshots',
  private: 'albumPrivate',
};

export interface NamedAlbum {
  name: string;
  system?: SourceAlbum['system'];
  /** Set when a very large album is split into several Google albums. */
  part?: number;
}

export function albumName(album: NamedAlbum): string {
  const base = album.system ? t(SYSTEM_ALBUM_NAMES[album.system]) : album.name || t('albumUnnamed');
  return album.part === undefined ? base : t('albumPart', base, formatCount(album.part));
}
