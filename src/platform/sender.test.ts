import { describe, expect, it } from 'vitest';
import { isOwnPage } from './sender.ts';

const ID = 'egeekidlpiheekbjjfjphphljhkabnfk';
const ORIGIN = `chrome-extension://${ID}/`;

describe('isOwnPage', () => {
  it('accepts the extension’s own pages', () => {
    expect(isOwnPage({ id: ID, url: `${ORIGIN}src/popup/popup.html` }, ID, ORIGIN)).toBe(true);
    expect(isOwnPage({ id: ID, url: `${ORIGIN}src/report/report.html?x=1` }, ID, ORIGIN)).toBe(true);
  });

  it.each([
    ['no sender', undefined],
    [
      'another extension',
      {
        id: 'abcdefghijklmnopabcdefghijklmnop',
        url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/p.html',
      },
    ],
    ['a content script in a web page', { id: ID, url: 'https://i.mi.com/gallery/h5' }],
    ['a look-alike origin', { id: ID, url: `chrome-extension://${ID}evil/page.html` }],
    ['a sender without a page', { id: ID }],
  ])('refuses %s', (_, sender) => {
    expect(isOwnPage(sender, ID, ORIGIN)).toBe(false);
  });
});
