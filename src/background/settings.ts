/** Settings live in chrome.storage.local (never secrets); every context sees changes at once. */

import type { KeyValueArea } from '../platform/platform.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/messages.ts';

const SETTINGS_KEY = 'settings';
export const MAX_CONCURRENCY_CAP = 12;

function sanitize(settings: Settings): Settings {
  const cap = Math.round(Number(settings.maxConcurrentTransfers));
  return {
    googleClientId: String(settings.googleClientId ?? '').trim(),
    maxConcurrentTransfers: Number.isFinite(cap) ? Math.min(MAX_CONCURRENCY_CAP, Math.max(1, cap)) : 6,
    repairCaptureDates: Boolean(settings.repairCaptureDates),
    favoritesAlbum: Boolean(settings.favoritesAlbum),
    quotaLookMinutes: Math.max(0.5, Number(settings.quotaLookMinutes) || DEFAULT_SETTINGS.quotaLookMinutes),
  };
}

export function createSettingsStore(area: KeyValueArea) {
  return {
    async get(): Promise<Settings> {
      const stored = await area.get<Partial<Settings>>(SETTINGS_KEY);
      return sanitize({ ...DEFAULT_SETTINGS, ...stored });
    },
    async save(changes: Partial<Settings>): Promise<Settings> {
      const stored = await area.get<Partial<Settings>>(SETTINGS_KEY);
      const next = sanitize({ ...DEFAULT_SETTINGS, ...stored, ...changes });
      await area.set(SETTINGS_KEY, next);
      return next;
    },
  };
}
