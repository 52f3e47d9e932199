/** Reading Google's paged lists (`nextPageToken`, google-photos-api.md §D4). */
import { malformedSuccess } from './errors.ts';
import { isRecord, optionalString } from './json.ts';

/**
 * Fetches page after page until Google gives no `nextPageToken`. An empty page simply omits its
 * array. Entries that do not parse are skipped rather than failing the whole list.
 */
export async function allPages<T>(
  operation: string,
  field: string,
  parse: (value: unknown) => T | undefined,
  fetchPage: (pageToken: string | undefined) => Promise<unknown>,
): Promise<T[]> {
  const found: T[] = [];
  const seenTokens = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    if (!isRecord(page))
      throw malformedSuccess(operation, 'the page is not a JSON object', { body: JSON.stringify(page) });
    const entries = Array.isArray(page[field]) ? page[field] : [];
    for (const entry of entries) {
      const parsed = parse(entry);
      if (parsed !== undefined) found.push(parsed);
    }
    pageToken = optionalString(page.nextPageToken) || undefined;
    // A page token seen before would loop forever, and each page costs quota.
    if (pageToken !== undefined && seenTokens.has(pageToken)) {
      throw malformedSuccess(operation, 'a page token came back twice', { body: pageToken });
    }
    if (pageToken !== undefined) seenTokens.add(pageToken);
  } while (pageToken !== undefined);
  return found;
}
