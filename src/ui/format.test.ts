import { afterEach, describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json' with { type: 'json' };
import zh from '../../public/_locales/zh_CN/messages.json' with { type: 'json' };
import { formatBytes, formatDuration, formatItems, formatPercent, formatRate, formatSoon } from './format.ts';
import { catalogSource, setMessageSource } from './i18n.ts';

afterEach(() => setMessageSource(catalogSource(en, 'en')));

describe('sizes', () => {
  it('count in binary units, with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(15 * 1024 ** 3)).toBe('15 GB');
    expect(formatBytes(2.44 * 1024 ** 4)).toBe('2.4 TB');
  });

  it('move up a unit when rounding reaches 1024', () => {
    expect(formatBytes(1024 * 1024 - 10)).toBe('1 MB');
  });

  it('per second', () => {
    expect(formatRate(2.5 * 1024 ** 2)).toBe('2.5 MB/s');
    setMessageSource(catalogSource(zh, 'zh-CN'));
    expect(formatRate(2.5 * 1024 ** 2)).toBe('2.5 MB/秒');
  });
});

describe('counts', () => {
  it('group digits and agree in number', () => {
    expect(formatItems(1)).toBe('1 item');
    expect(formatItems(20_026)).toBe('20,026 items');
    expect(formatPercent(0.365)).toBe('37%');
  });
});

describe('durations', () => {
  it('say "less than a minute" for seconds', () => {
    expect(formatDuration(59)).toBe('less than a minute');
  });

  it('give the two largest units, dropping a zero second unit', () => {
    expect(formatDuration(3 * 3600 + 25 * 60)).toBe('3 hours 25 minutes');
    expect(formatDuration(2 * 3600)).toBe('2 hours');
    expect(formatDuration(2 * 86_400 + 3600 + 50)).toBe('2 days 1 hour');
    expect(formatDuration(90)).toBe('2 minutes');
  });

  it('read naturally in Chinese', () => {
    setMessageSource(catalogSource(zh, 'zh-CN'));
    expect(formatDuration(3 * 3600 + 25 * 60)).toBe('3小时25分钟');
    expect(formatDuration(30)).toBe('不到 1 分钟');
  });
});

describe('a moment soon', () => {
  const now = new Date(2026, 10, 26, 9, 0).getTime();
  // Newer ICU data puts a narrow no-break space before AM/PM.
  const soon = (at: Date) => formatSoon(at.getTime(), now).replace(/\s/g, ' ');

  it('is only a time on the same day', () => {
    expect(soon(new Date(2026, 10, 26, 16, 30))).toBe('4:30 PM');
  });

  it('names the weekday on another day', () => {
    expect(soon(new Date(2026, 10, 27, 8, 5))).toBe('Friday 8:05 AM');
  });
});
