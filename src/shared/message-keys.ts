/**
 * Message names for problems, shared by the pages and the background. Chrome only accepts ASCII
 * letters, digits, '_' and '@' in message names, so error kinds lose their '-'.
 */
import type { ErrorKind } from './errors.ts';

type Underscored<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}_${Underscored<Tail>}`
  : S;
export type ProblemKind = ErrorKind | 'user';

/** "What happened" for a problem kind (the engine's pause reasons and the receipt's item reasons). */
export function errorKey<K extends ProblemKind>(kind: K): `err_${Underscored<K>}` {
  return `err_${kind.replaceAll('-', '_')}` as `err_${Underscored<K>}`;
}

/** "What to do next" for a problem kind. */
export function fixKey<K extends ProblemKind>(kind: K): `fix_${Underscored<K>}` {
  return `fix_${kind.replaceAll('-', '_')}` as `fix_${Underscored<K>}`;
}

/** Xiaomi's system albums carry no name of their own (xiaomi-api.md §4.2): these messages name them. */
export const SYSTEM_ALBUM_KEYS = {
  camera: 'albumCamera',
  screenshots: 'albumScreenshots',
  private: 'albumPrivate',
} as const;
