/**
 * Whole migrations of the built extension in Chromium, driven through the popup as a person
 * would, asserted on what arrived in the fake Google Photos.
 */
import { describe, expect, it } from 'vitest';
import { presetSmall } from '../fakes/library/presets.ts';
import { expectDestinationMatches, startFromPopup, waitForDone } from './flow.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

describe('a whole migration through the popup', () => {
  it.each([
    { way: 'over HTTP/2, as Google serves it', photosProtocol: 'http2' as const },
    // An antivirus or company proxy that intercepts TLS: streamed bodies fail (chromium-e2e.md §6).
    { way: 'behind a proxy that speaks only HTTP/1.1', photosProtocol: 'http1' as const },
  ])(
    'moves every album, each item once and byte-identical, into albums of the same names ($way)',
    async ({ photosProtocol }) => {
      const library = presetSmall();
      const { clouds, browser } = await startSession({ library, google: { photosProtocol } });
      const popup = await startFromPopup(browser);
      await waitForDone(popup);
      expectDestinationMatches(
        clouds,
        library,
        library.albums.map((a) => a.id),
      );
      // Every Xiaomi album, and the favourites album, carries the verified mark.
      expect(await popup.getByText('Verified — safe to let Xiaomi delete').count()).toBe(
        library.albums.length + 1,
      );
    },
  );
});
