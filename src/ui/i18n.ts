/**
 * Words for the pages. In the extension they come from chrome.i18n (through `Platform.i18n`, set by
 * the page's boot); everywhere else (Node tests, a page opened outside the extension) from the
 * English catalogue, read with the same rules Chrome applies to messages.json.
 */
import enCatalog from '../../public/_locales/en/messages.json' with { type: 'json' };
import type { Platform } from '../platform/platform.ts';

export type MessageKey = keyof typeof enCatalog;
export type MessageSource = Platform['i18n'];

interface CatalogEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type Catalog = Record<string, CatalogEntry>;

export { errorKey, fixKey } from '../shared/message-keys.ts';

function findPlaceholder(entry: CatalogEntry, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [placeholder, { content }] of Object.entries(entry.placeholders ?? {})) {
    if (placeholder.toLowerCase() === wanted) return content;
  }
  return undefined;
}

/** Reads a messages.json object the way chrome.i18n.getMessage does: $NAME$ → content, $1… → substitutions. */
export function catalogSource(catalog: Catalog, language: string): MessageSource {
  return {
    message(key, substitutions = []) {
      const entry = catalog[key];
      if (!entry) return '';
      const withContents = entry.message.replace(
        /\$([A-Za-z0-9_@]+)\$/g,
        (whole, name: string) => findPlaceholder(entry, name) ?? whole,
      );
      return withContents.replace(/\$(\$|[1-9])/g, (_whole, which: string) =>
        which === '$' ? '$' : (substitutions[Number(which) - 1] ?? ''),
      );
    },
    uiLanguage: () => language,
  };
}

let source: MessageSource = catalogSource(enCatalog, 'en');

/** Called once by a page's boot (with `Platform.i18n`), or by tests to read another catalogue. */
export function setMessageSource(next: MessageSource): void {
  source = next;
}

/** The message in the person's language; a missing key shows itself rather than a blank. */
export function t(key: MessageKey, ...substitutions: string[]): string {
  return source.message(key, substitutions) || key;
}

/**
 * The language the words are in, as a BCP 47 tag for `lang` and for Intl. The browser's own
 * language refines it (en-GB dates for a British English browser) only when the language matches,
 * so a French browser reading the English fallback gets English number and date formats.
 */
export function locale(): string {
  const textLanguage = t('langTag');
  const browserLanguage = source.uiLanguage();
  const primary = (tag: string) => tag.split(/[-_]/)[0]?.toLowerCase();
  return primary(browserLanguage) === primary(textLanguage)
    ? browserLanguage.replace('_', '-')
    : textLanguage;
}

/** Picks the singular or plural message for `count` by the language's plural rules. */
export function plural(
  count: number,
  one: MessageKey,
  other: MessageKey,
  ...substitutions: string[]
): string {
  return t(new Intl.PluralRules(locale()).select(count) === 'one' ? one : other, ...substitutions);
}
