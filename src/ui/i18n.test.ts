import { afterEach, describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json' with { type: 'json' };
import zh from '../../public/_locales/zh_CN/messages.json' with { type: 'json' };
import { ERROR_KINDS, type ErrorKind } from '../shared/errors.ts';
import {
  type Catalog,
  catalogSource,
  errorKey,
  fixKey,
  locale,
  type MessageKey,
  plural,
  setMessageSource,
  t,
} from './i18n.ts';

const LOCALES: Record<string, Catalog> = { en, zh_CN: zh };
const PROBLEM_KINDS = [...(Object.keys(ERROR_KINDS) as ErrorKind[]), 'user' as const];
const PLACEHOLDER = /\$([A-Za-z0-9_@]+)\$/g;

afterEach(() => setMessageSource(catalogSource(en, 'en')));

describe('the locale files', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.entries(LOCALES))(
    '%s words every problem kind: what happened and what to do',
    (_name, catalog) => {
      for (const kind of PROBLEM_KINDS) {
        expect(catalog[errorKey(kind)]?.message, errorKey(kind)).toMatch(/\S/);
        expect(catalog[fixKey(kind)]?.message, fixKey(kind)).toMatch(/\S/);
      }
    },
  );

  it.each(Object.entries(LOCALES))(
    '%s uses only names Chrome accepts, unique regardless of case',
    (_name, catalog) => {
      const names = Object.keys(catalog);
      for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_@]+$/);
      expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
    },
  );

  it.each(Object.entries(LOCALES))(
    '%s defines every $PLACEHOLDER$ it uses (Chrome refuses to load otherwise)',
    (_name, catalog) => {
      for (const [key, entry] of Object.entries(catalog)) {
        const defined = Object.keys(entry.placeholders ?? {}).map((name) => name.toLowerCase());
        for (const [, used] of entry.message.matchAll(PLACEHOLDER)) {
          expect(defined, `${key} uses $${used}$`).toContain(used?.toLowerCase());
        }
      }
    },
  );

  it('gives both languages the same placeholders for each message', () => {
    const english: Catalog = en;
    const chinese: Catalog = zh;
    for (const key of Object.keys(english)) {
      expect(chinese[key]?.placeholders, key).toEqual(english[key]?.placeholders);
    }
  });

  it('really is Chinese in zh_CN, apart from names and formats', () => {
    const untranslated = (Object.keys(zh) as MessageKey[]).filter(
      (key) => !/[\u4e00-\u9fff]/.test(zh[key].message) && zh[key].message === en[key].message,
    );
    // Google's own product and console names stay as Google shows them.
    expect(untranslated.sort()).toEqual(['helpApiLink', 'helpConsentLink']);
  });
});

describe('reading a catalogue like chrome.i18n', () => {
  const catalog: Catalog = {
    greeting: { message: 'Hello $WHO$, you owe $$5', placeholders: { who: { content: '$1' } } },
    positional: { message: '$2 then $1' },
  };
  const source = catalogSource(catalog, 'en');

  it('fills named placeholders from the substitutions and keeps $$ as a dollar sign', () => {
    expect(source.message('greeting', ['Li'])).toBe('Hello Li, you owe $5');
  });

  it('fills $1-style substitutions and leaves missing ones empty', () => {
    expect(source.message('positional', ['a', 'b'])).toBe('b then a');
    expect(source.message('positional', ['a'])).toBe(' then a');
  });

  it('answers an unknown key with an empty string, as Chrome does', () => {
    expect(source.message('nope')).toBe('');
  });

  it('shows a missing key itself rather than nothing', () => {
    setMessageSource(catalogSource({}, 'en'));
    expect(t('startButton')).toBe('startButton');
  });
});

describe('problem keys', () => {
  it('replace the dashes Chrome does not allow in message names', () => {
    expect(errorKey('google-quota-daily')).toBe('err_google_quota_daily');
    expect(fixKey('xiaomi-e2ee-on')).toBe('fix_xiaomi_e2ee_on');
  });
});

describe('the language of the page', () => {
  it('is refined by the browser language when the words are in that language', () => {
    setMessageSource(catalogSource(en, 'en-GB'));
    expect(locale()).toBe('en-GB');
    setMessageSource(catalogSource(zh, 'zh-CN'));
    expect(locale()).toBe('zh-CN');
  });

  it('follows the words, not the browser, when the words fell back to English', () => {
    setMessageSource(catalogSource(en, 'fr'));
    expect(locale()).toBe('en');
  });

  it('chooses singular or plural by the language rules', () => {
    expect(plural(1, 'itemCountOne', 'itemCountOther', '1')).toBe('1 item');
    expect(plural(2, 'itemCountOne', 'itemCountOther', '2')).toBe('2 items');
    setMessageSource(catalogSource(zh, 'zh-CN'));
    expect(plural(1, 'itemCountOne', 'itemCountOther', '1')).toBe('1 项');
  });
});
