import { describe, expect, it } from 'vitest';
import { parseSignedDownload } from './jsonp.ts';

const PAYLOAD =
  '{"url":"https://files.example.test/2/1500000000000/download_file?fn=a(1).jpg&sig=R4t5Y6","meta":"QzHs-_9"}';
const EXPECTED = {
  url: 'https://files.example.test/2/1500000000000/download_file?fn=a(1).jpg&sig=R4t5Y6',
  meta: 'QzHs-_9',
};

describe('parseSignedDownload', () => {
  it.each([
    ['the documented callback', `dl_img_cb(${PAYLOAD})`],
    ['a renamed callback', `dl_img_cb_1718000000000_0(${PAYLOAD})`],
    ['a trailing semicolon and whitespace', `  dl_img_cb(${PAYLOAD});\n`],
    ['a comment-guarded callback', `/**/ typeof cb === 'function' && cb(${PAYLOAD});`],
  ])('reads url and meta from %s', (_, text) => {
    expect(parseSignedDownload(text)).toEqual(EXPECTED);
  });

  it.each([
    ['plain JSON without a callback', PAYLOAD],
    ['an HTML error page', '<html><body>403 Forbidden</body></html>'],
    ['a truncated answer', `dl_img_cb(${PAYLOAD.slice(0, 40)}`],
    ['a payload without meta', 'dl_img_cb({"url":"https://files.example.test/x"})'],
    ['a payload whose url is not a URL', 'dl_img_cb({"url":"not a url","meta":"m"})'],
  ])('reports %s as a malformed response', (_, text) => {
    expect(() => parseSignedDownload(text)).toThrow(
      expect.objectContaining({ kind: 'xiaomi-malformed-response' }),
    );
  });
});
