/**
 * Lossless JSON for Xiaomi responses: item ids are 17-digit values and `tag`/`indexHash` can exceed
 * 2^53 (xiaomi-api.md §5.1, §7), so an integer literal that a JS number cannot hold exactly is
 * turned into a string of its digits before `JSON.parse` sees it. Everything else, including the
 * validation of the text, is left to the native parser.
 */

const INTEGER_LITERAL = /^-?(?:0|[1-9]\d*)$/;
const NUMBER_CHARS = /[-+0-9.eE]/;

/** Quotes every integer literal outside strings that is not a safe JS integer. */
function quoteUnsafeIntegers(text: string): string {
  const parts: string[] = [];
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      i = endOfString(text, i);
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHARS.test(text[end]!)) end++;
      const literal = text.slice(i, end);
      if (INTEGER_LITERAL.test(literal) && !Number.isSafeInteger(Number(literal))) {
        parts.push(text.slice(copiedUpTo, i), '"', literal, '"');
        copiedUpTo = end;
      }
      i = end;
      continue;
    }
    i++;
  }
  if (copiedUpTo === 0) return text;
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/** Index just after the string starting at `start`, or the text's end when it is unterminated. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '\\') i += 2;
    else if (char === '"') return i + 1;
    else i++;
  }
  return i;
}

/**
 * Parses JSON, keeping integers beyond ±(2^53 − 1) exact as digit strings. Throws `SyntaxError`
 * on anything `JSON.parse` rejects (HTML, truncated text, empty body).
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}
