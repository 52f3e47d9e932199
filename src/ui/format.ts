/** Numbers, sizes, times and durations in the person's language (Intl, with the locale from i18n). */
import { locale, plural, t } from './i18n.ts';

/** Binary units, as Google and most file managers count storage ("15 GB" free is 15 × 1024³ bytes). */
const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
const KIBI = 1024;

export function formatCount(count: number): string {
  return new Intl.NumberFormat(locale()).format(count);
}

export function formatItems(count: number): string {
  return plural(count, 'itemCountOne', 'itemCountOther', formatCount(count));
}

export function formatBytes(bytes: number): string {
  let unit = 0;
  let value = Math.max(0, bytes);
  while (value >= KIBI && unit < BYTE_UNITS.length - 1) {
    value /= KIBI;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const rounded = Number(value.toFixed(digits));
  // 1023.96 KB would otherwise print as "1,024 KB".
  if (rounded >= KIBI && unit < BYTE_UNITS.length - 1) return formatBytes(KIBI ** (unit + 1));
  const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(rounded);
  return `${number} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return t('ratePerSecond', formatBytes(bytesPerSecond));
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

function unitAmount(amount: number, unit: 'day' | 'hour' | 'minute'): string {
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}

/** A remaining time in its two largest units ("2 hours 5 minutes", "3天1小时"). */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return t('durationUnderMinute');
  const totalMinutes = Math.round(seconds / 60);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: [number, 'day' | 'hour' | 'minute'][] =
    days > 0
      ? [
          [days, 'day'],
          [hours, 'hour'],
        ]
      : hours > 0
        ? [
            [hours, 'hour'],
            [minutes, 'minute'],
          ]
        : [[minutes, 'minute']];
  const shown = parts.filter(([amount], index) => index === 0 || amount > 0);
  return new Intl.ListFormat(locale(), { type: 'unit', style: 'narrow' }).format(
    shown.map(([amount, unit]) => unitAmount(amount, unit)),
  );
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A moment in the next few days, in local time: "3:00 PM" today, "Friday 3:00 PM" on another day. */
export function formatSoon(at: number, now: number): string {
  const when = new Date(at);
  const options: Intl.DateTimeFormatOptions = sameDay(when, new Date(now))
    ? { hour: 'numeric', minute: '2-digit' }
    : { weekday: 'long', hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale(), options).format(when);
}

export function formatDateTime(at: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}
