/**
 * Names for the local copy on disk: "Mi Cloud/<album>/<file>", safe on Windows, macOS and Linux
 * and accepted by chrome.downloads, which refuses a whole download for one bad character.
 *
 * Chrome's rules (net::IsSafePortablePathComponent, base::i18n::IsFilenameLegal): no control or
 * format characters, none of `"*:<>?\|~/` anywhere, no space or dot at either end, no Windows
 * device name (CON, NUL, COM1… with or without an extension, desktop.ini, thumbs.db), and no
 * extension the Windows shell acts on (.lnk, .local, .{CLSID}). Lengths: a component may hold 255
 * bytes on Linux (a Chinese character is 3 of them) and a Windows path 260 characters in all, and
 * Chrome adds ".crdownload" while it writes and " (1)" when a name is taken; the limits below keep
 * "Downloads/Mi Cloud/<album>/<file>" inside all of that.
 */

export const LOCAL_COPY_ROOT = 'Mi Cloud';

interface Limits {
  /** UTF-16 code units (Windows counts these). */
  units: number;
  /** UTF-8 bytes (Linux and macOS count these). */
  bytes: number;
}

const FOLDER_LIMITS: Limits = { units: 60, bytes: 150 };
const FILE_LIMITS: Limits = { units: 120, bytes: 200 };

/** Characters Chrome refuses anywhere in a name, and code points no file system should hold. */
const ILLEGAL = /["*/:<>?\\|~\p{Cc}\p{Cs}\u{FDD0}-\u{FDEF}\u{FFFE}\u{FFFF}]/gu;
/** Invisible formatting (bidi overrides, zero-width joiners): dropped, as they have no glyph. */
const FORMAT = /\p{Cf}/gu;
const AT_ENDS = /^[\s.]+|[\s.]+$/gu;
const DEVICE_NAMES = /^(con|prn|aux|nul|com[1-9]|lpt[1-9]|clock\$)(\.|$)/i;
const SHELL_FILES = /^(desktop\.ini|thumbs\.db)$/i;
const SHELL_EXTENSION = /\.(lnk|local|\{.*\})$/i;
/** As Google's own limit on file names treats it (src/google/names.ts): a short last part after a dot. */
const EXTENSION = /\.([^.\s]{1,16})$/u;

const encoder = new TextEncoder();

/** The longest start of `text` within the limits, never splitting a character. */
function cut(text: string, limits: Limits): string {
  let units = 0;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    units += char.length;
    bytes += encoder.encode(char).length;
    if (units > limits.units || bytes > limits.bytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

function clean(text: string): string {
  return text.normalize('NFC').replace(FORMAT, '').replace(ILLEGAL, '_').replace(AT_ENDS, '');
}

/**
 * The name `stem` + `tail` within the limits: prefixed with "_" when Windows reserves it, and with
 * "_" after an extension the shell would act on.
 */
function fitName(limits: Limits, stem: string, shownTail: string): string {
  const whole = stem + shownTail;
  const tail = SHELL_EXTENSION.test(whole) ? `${shownTail}_` : shownTail;
  const safeStem = DEVICE_NAMES.test(whole) || SHELL_FILES.test(whole) ? `_${stem}` : stem;
  const room = {
    units: limits.units - tail.length,
    bytes: limits.bytes - encoder.encode(tail).length,
  };
  return cut(safeStem, room).replace(AT_ENDS, '') + tail;
}

/**
 * An album's folder name; `suffix` (" (2)") tells apart albums whose names come out the same.
 * `fallback` is used when nothing of the name is left.
 */
export function safeFolderName(name: string, fallback: string, suffix = ''): string {
  return fitName(FOLDER_LIMITS, clean(name) || clean(fallback), suffix);
}

/**
 * A file name that keeps its extension, with `suffix` (" (2)") before it when an album holds two
 * files of one name; `fallback` (the item's id) stands in when nothing of the name is left.
 */
export function safeFileName(name: string, fallback: string, suffix = ''): string {
  const cleaned = clean(name);
  const extension = EXTENSION.exec(cleaned)?.[1];
  const stem = extension === undefined ? cleaned : cleaned.slice(0, -extension.length - 1);
  const tail = extension === undefined ? suffix : `${suffix}.${extension}`;
  return fitName(FILE_LIMITS, stem.replace(AT_ENDS, '') || clean(fallback), tail);
}

/**
 * The same key for names one file system would take as the same file: Windows and macOS ignore
 * case, and macOS compares Unicode normalised.
 */
export function sameFileKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/** " (2)", " (3)"… for the nth name that came out the same. */
export function duplicateSuffix(n: number): string {
  return n <= 1 ? '' : ` (${n})`;
}
