/** The settings form's rules: which client ids it takes, where Google must send the person back, limits. */
import { isValidClientId } from '../google/client-id.ts';
import type { GoogleAccountView } from '../shared/messages.ts';

export type ClientIdCheck = { ok: true; clientId: string } | { ok: false };

/** Accepts a pasted id with stray spaces; an empty field is valid and means "use the built-in id". */
export function checkClientId(input: string): ClientIdCheck {
  const clientId = input.trim();
  return clientId === '' || isValidClientId(clientId) ? { ok: true, clientId } : { ok: false };
}

/** The address to register in the OAuth client: the background's, or the one Chrome derives from the extension id. */
export function redirectUrlFor(google: GoogleAccountView, extensionId: string): string {
  return google.state === 'no-client-id' ? `https://${extensionId}.chromiumapp.org/` : google.redirectUrl;
}

export const CONCURRENCY_RANGE = { min: 1, max: 12 } as const;

/** A whole number of parallel transfers within the range, or undefined for anything else. */
export function parseConcurrency(input: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(input)) return undefined;
  const value = Number(input);
  return value >= CONCURRENCY_RANGE.min && value <= CONCURRENCY_RANGE.max ? value : undefined;
}
