/**
 * Lenient readers for fields of parsed Xiaomi JSON. The sources disagree on types (albumId as a
 * string or a number, groupId "any", xiaomi-api.md §4.1, §5.1), so each reader accepts every
 * spelling that still has one exact meaning and returns `undefined` otherwise; callers decide
 * whether a missing value makes the response malformed.
 */
import { MigrationError } from '../shared/errors.ts';

export type JsonObject = Record<string, unknown>;

const DIGITS = /^\d+$/;
const SIGNED_INTEGER = /^-?\d+$/;

export function malformed(message: string): MigrationError {
  return new MigrationError('xiaomi-malformed-response', message);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An id as an exact decimal string: ids are digit strings in the JSON, but a number is accepted
 * when it is still exact (the lossless parser has already turned larger ones into strings).
 */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'string') return DIGITS.test(value) ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

/** A whole number given as a JSON number or as a digit string (e.g. `"size": "3145728"`). */
export function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && SIGNED_INTEGER.test(value.trim())) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}

export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
