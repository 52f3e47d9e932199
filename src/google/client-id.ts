/**
 * Which OAuth client signs in: the person's own (set on the options page) overrides the one a
 * published build may carry (google-photos-api.md §F9: users create their own client).
 */
import { MigrationError } from '../shared/errors.ts';

/** `<project number>-<id>.apps.googleusercontent.com`, the form Google issues client ids in. */
const CLIENT_ID_FORMAT = /^\d+-[a-z0-9]+\.apps\.googleusercontent\.com$/;

/** For the options page: whether `clientId` (surrounding spaces ignored) looks like a Google OAuth client id. */
export function isValidClientId(clientId: string): boolean {
  return CLIENT_ID_FORMAT.test(clientId.trim());
}

/**
 * The client id to use, or MigrationError('google-client-id-missing') when there is none or the
 * person's own is malformed (Google would only show an error page inside the sign-in window).
 */
export function chooseClientId(userClientId: string | undefined, buildDefault: string): string {
  const own = userClientId?.trim();
  const chosen = own || buildDefault.trim();
  if (!chosen) {
    throw new MigrationError('google-client-id-missing', 'No Google OAuth client id is set up');
  }
  if (!isValidClientId(chosen)) {
    throw new MigrationError('google-client-id-missing', `"${chosen}" is not a Google OAuth client id`);
  }
  return chosen;
}
