/**
 * Nothing the extension shows is parsed as HTML: names, reasons and server words from Xiaomi and
 * Google reach the pages only as text through Preact, which escapes it. This keeps it that way by
 * refusing every API that would parse a string as markup or code, anywhere in the source.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('..', import.meta.url).pathname;
const SINKS =
  /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|srcdoc|\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['"`]/;

describe('the source', () => {
  it('never turns a string into markup or code', async () => {
    const entries = await readdir(SRC, { recursive: true, withFileTypes: true });
    const sources = entries.filter(
      (e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name),
    );
    expect(sources.length).toBeGreaterThan(50);
    for (const entry of sources) {
      const path = join(entry.parentPath, entry.name);
      const lines = (await readFile(path, 'utf8')).split('\n');
      const found = lines.flatMap((line, i) =>
        SINKS.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
      );
      expect(found).toEqual([]);
    }
  });
});
