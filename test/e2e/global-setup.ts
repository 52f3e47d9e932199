import { assertE2ePrerequisites, DEFAULT_DIST } from './chromium.ts';

/** Fails the whole E2E tier at once, with the fix in the message, when the browser or the build is missing. */
export default function checkE2ePrerequisites(): void {
  assertE2ePrerequisites(DEFAULT_DIST);
}
