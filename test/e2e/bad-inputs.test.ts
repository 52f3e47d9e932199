/**
 * A library full of awkward inputs (test/fakes/library/bad-inputs.ts) moved through the popup, and
 * judged on what arrived in the fake Google Photos: awkward names survive or are shortened as
 * Google requires, albums that share a name stay apart, and what cannot go is skipped before any
 * byte moves, with the reason in the receipt and on the report page. One HTML page from each cloud
 * where JSON belongs costs a retry, nothing more.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiptRow } from '../../src/shared/messages.ts';
import { AWKWARD_ALBUMS, AWKWARD_ITEMS, presetAwkwardNames } from '../fakes/library/bad-inputs.ts';
import { MALFORMED } from '../fakes/xiaomi/index.ts';
import { exportReceipt, REPORT, startFromPopup, waitForDone } from './flow.ts';
import { closeSessionsAfterEach, startSession } from './session.ts';

closeSessionsAfterEach();

/** What the English UI says for each reason (public/_locales/en/messages.json). */
const SHOWN_REASONS = {
  'empty-file': 'The file in Xiaomi Cloud is empty (0 bytes).',
  'photo-too-large': 'The photo is larger than Google Photos accepts (200 MB).',
  'video-too-large': 'The video is larger than Google Photos accepts (20 GB).',
  'google-rejected-media': 'Google Photos refused this file, usually because of its format.',
} as const;

describe('awkward inputs through the popup', () => {
  it('keeps every name Google can take, keeps same-named albums apart, and skips with reasons', async () => {
    const library = presetAwkwardNames();
    const { clouds, browser } = await startSession({ library });
    clouds.xiaomi.failNext('/gallery/user/galleries', MALFORMED.htmlInsteadOfJson);
    clouds.google.failNext('uploads:raw', { kind: 'html', status: 502 });
    const popup = await startFromPopup(browser);
    await waitForDone(popup);

    const google = clouds.google.state;
    // Both HTML pages were served, and cost nothing but a retry.
    expect(clouds.xiaomi.requestsTo('galleries').filter((r) => r.fault)).toHaveLength(1);
    expect(google.requestsTo('uploads:raw').filter((r) => r.fault)).toHaveLength(1);
    expect(google.mediaItemList()).toHaveLength(8);
    const item = (id: string) => library.item(id)!;
    /** The Google media items holding the library item's bytes. */
    const arrivals = (id: string) => google.mediaItemList().filter((m) => m.sha1 === item(id).sha1);
    const arrivedAs = (id: string) => {
      const found = arrivals(id);
      expect(found, `${item(id).fileName} arrived once`).toHaveLength(1);
      return found[0]!;
    };

    // File names: kept whole up to Google's 255 characters, shortened before the extension past it.
    for (const id of [
      AWKWARD_ITEMS.nonAscii,
      AWKWARD_ITEMS.longUtf8Name,
      AWKWARD_ITEMS.noExtension,
      AWKWARD_ITEMS.reservedWindowsName,
      AWKWARD_ITEMS.repeatedName1,
      AWKWARD_ITEMS.repeatedName2,
      AWKWARD_ITEMS.repeatedName3,
    ]) {
      expect(arrivedAs(id).filename).toBe(item(id).fileName);
    }
    const shortened = arrivedAs(AWKWARD_ITEMS.longAsciiName).filename;
    expect(shortened).toHaveLength(255);
    expect(shortened).toBe(`${item(AWKWARD_ITEMS.longAsciiName).fileName.slice(0, 251)}.jpg`);

    // Album names: right-to-left with bidi controls, emoji, slashes and a 300-character name survive.
    const albums = google.albumList();
    const albumHolding = (id: string) =>
      albums.filter((a) => a.itemIds.includes(arrivedAs(id).id)).map((a) => a.title);
    expect(albumHolding(AWKWARD_ITEMS.longAsciiName)).toEqual([AWKWARD_ALBUMS.long.name]);
    expect(albumHolding(AWKWARD_ITEMS.longUtf8Name)).toEqual([AWKWARD_ALBUMS.rightToLeft.name]);
    expect(albumHolding(AWKWARD_ITEMS.noExtension)).toEqual([AWKWARD_ALBUMS.slashes.name]);
    expect(albumHolding(AWKWARD_ITEMS.nonAscii).sort()).toEqual(['Camera', AWKWARD_ALBUMS.emoji.name].sort());

    // Two Xiaomi albums called "Trip" are two Google albums, each with its own items.
    const trips = albums.filter((a) => a.title === 'Trip');
    expect(trips).toHaveLength(2);
    const contents = (ids: string[]) => ids.map((id) => arrivedAs(id).id).sort();
    expect(trips.map((a) => [...a.itemIds].sort()).sort()).toEqual(
      [
        contents([AWKWARD_ITEMS.repeatedName1, AWKWARD_ITEMS.repeatedName3]),
        contents([AWKWARD_ITEMS.repeatedName2]),
      ].sort(),
    );
    expect(albumHolding(AWKWARD_ITEMS.repeatedName3).sort()).toEqual([' Trip ', 'Trip']);

    // Skipped before any byte moved: never downloaded from Xiaomi, never sent to Google.
    const skippedBeforeSending = [
      AWKWARD_ITEMS.zeroBytes,
      AWKWARD_ITEMS.photoTooLarge,
      AWKWARD_ITEMS.videoTooLarge,
    ];
    const downloaded = new Set(clouds.xiaomi.requestsTo('storage').map((r) => r.query.id));
    for (const id of skippedBeforeSending) expect(downloaded.has(id), item(id).fileName).toBe(false);
    // (The HTML page was the answer to a request whose body the fake never read.)
    for (const upload of google.requestsTo('uploads:raw').filter((r) => r.fault === undefined)) {
      expect(upload.bodyBytes).toBeGreaterThan(0);
    }
    expect(google.requestsTo('uploads:start')).toHaveLength(0);
    for (const id of [...skippedBeforeSending, AWKWARD_ITEMS.corruptRaw])
      expect(arrivals(id)).toHaveLength(0);

    // The receipt says why, item by item; Google's own words for the file it refused.
    const receipt = new Map(
      (await exportReceipt(browser)).map((row): [string, ReceiptRow] => [row.xiaomiId, row]),
    );
    expect(receipt.get(AWKWARD_ITEMS.zeroBytes)).toMatchObject({
      state: 'skipped',
      reasonKind: 'empty-file',
    });
    expect(receipt.get(AWKWARD_ITEMS.photoTooLarge)).toMatchObject({
      state: 'skipped',
      reasonKind: 'photo-too-large',
    });
    expect(receipt.get(AWKWARD_ITEMS.videoTooLarge)).toMatchObject({
      state: 'skipped',
      reasonKind: 'video-too-large',
    });
    const refused = receipt.get(AWKWARD_ITEMS.corruptRaw);
    expect(refused).toMatchObject({ state: 'skipped', reasonKind: 'google-rejected-media' });
    expect(refused?.reason).toContain('BAD_IMAGE');
    expect([...receipt.values()].filter((row) => row.state === 'done')).toHaveLength(8);

    // And the report page says it in words.
    const report = await browser.openExtensionPage(REPORT);
    const table = report.getByRole('table');
    for (const words of Object.values(SHOWN_REASONS)) await table.getByText(words).first().waitFor();
    await report.close();
  });
});
