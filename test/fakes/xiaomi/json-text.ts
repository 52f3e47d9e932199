/**
 * Writes JSON text by hand so that numbers above 2^53 (`tag`, `indexHash`, `groupId`, `userId`) go
 * out as raw digits, exactly as the server sends them: a client that parses them as JS numbers
 * loses precision, which is the trap (xiaomi-api.md §7 "Big integers"). A `bigint` value is written
 * as a bare JSON number; everything else as JSON.stringify would.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

export function jsonText(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
      return JSON.stringify(value);
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((element: JsonValue) => jsonText(element)).join(',')}]`;
  const members = Object.entries(value as { readonly [key: string]: JsonValue | undefined })
    .filter((entry): entry is [string, JsonValue] => entry[1] !== undefined)
    .map(([key, member]) => `${JSON.stringify(key)}:${jsonText(member)}`);
  return `{${members.join(',')}}`;
}
