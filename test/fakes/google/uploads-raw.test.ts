import { createHash } from 'node:crypto';
import { constants as http2Constants } from 'node:http2';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { jpegFile, PHOTOS_SCOPES } from './index.ts';
import { http1Request, postJson, rawUploadHeaders, serveFakeGoogle } from './test-servers.ts';

const FLAT_AUTH_ERROR = { code: 16, message: 'Authentication session is not defined.' };

const { google, servers } = serveFakeGoogle();
let token: string;

beforeAll(() => {
  token = google.issueAccessToken();
});

function upload(body: Buffer, headers: Record<string, string> = rawUploadHeaders(token, 'IMG_0042.JPG')) {
  return servers.photos.request({ method: 'POST', path: '/v1/uploads', headers, body });
}

function sha1(bytes: Buffer, encoding: 'hex' | 'base64'): string {
  return createHash('sha1').update(bytes).digest(encoding);
}

/** The log entry of the latest request to the raw upload endpoint, once its body has been judged. */
async function settledRawUpload(countBefore: number) {
  return vi.waitFor(
    () => {
      const entries = google.state.requestsTo('uploads:raw');
      expect(entries.length).toBeGreaterThan(countBefore);
      const entry = entries.at(-1)!;
      expect(entry.bodyComplete).toBeDefined();
      return entry;
    },
    { timeout: 10_000 },
  );
}

describe('raw upload (§I1)', () => {
  it('answers the upload token as text and records the bytes, name and time', async () => {
    const bytes = jpegFile({ salt: 'raw-1' });
    const response = await upload(bytes);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/^CAIS[\w-]+$/);
    const record = google.state.uploadTokens.get(response.text)!;
    expect(record).toMatchObject({
      protocol: 'raw',
      fileNameHeader: 'IMG_0042.JPG',
      file: { byteLength: bytes.length, sha1: sha1(bytes, 'hex') },
    });
    expect(record.file.bytes?.equals(bytes)).toBe(true);
  });

  it('sends the token with the configured content type and trailing whitespace', async () => {
    google.configure({ uploadTokenContentType: 'application/octet-stream', uploadTokenPadding: '\r\n' });
    try {
      const response = await upload(jpegFile({ salt: 'padded' }));
      expect(response.headers['content-type']).toBe('application/octet-stream');
      expect(response.text).toMatch(/^CAIS[\w-]+\r\n$/);
      expect(google.state.uploadTokens.has(response.text.trim())).toBe(true);
    } finally {
      google.configure({ uploadTokenContentType: 'text/plain; charset=utf-8', uploadTokenPadding: '' });
    }
  });

  it('ignores the file-name header without X-Goog-Upload-Protocol (§E9)', async () => {
    const { 'x-goog-upload-protocol': _protocol, ...headers } = rawUploadHeaders(token, 'IGNORED.JPG');
    const response = await upload(jpegFile({ salt: 'no-protocol' }), headers);
    expect(response.status).toBe(200);
    expect(google.state.uploadTokens.get(response.text)?.fileNameHeader).toBeUndefined();
  });

  it('answers an empty token for an empty body, which batchCreate then refuses', async () => {
    const response = await upload(Buffer.alloc(0));
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    const created = await postJson(servers, token, '/v1/mediaItems:batchCreate', {
      newMediaItems: [{ simpleMediaItem: { uploadToken: response.text, fileName: 'empty.jpg' } }],
    });
    expect(created.status).toBe(400);
    expect(created.json()).toEqual({
      error: { code: 400, message: 'Request must contain a valid upload token.', status: 'INVALID_ARGUMENT' },
    });
  });

  it('checks an X-Goog-Hash sha1 against the payload', async () => {
    const bytes = jpegFile({ salt: 'hash' });
    const good = await upload(bytes, {
      ...rawUploadHeaders(token),
      'x-goog-hash': `sha1=${sha1(bytes, 'base64')}`,
    });
    expect(good.status).toBe(200);
    const wrong = sha1(Buffer.from('something else'), 'base64');
    const bad = await upload(bytes, {
      ...rawUploadHeaders(token),
      'x-goog-hash': `crc32c=AAAAAA==, sha1=${wrong}`,
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toBe('User-provided checksum does not match received payload content.');
  });

  it('works over HTTP/1.1 on the same server too', async () => {
    const bytes = jpegFile({ salt: 'http1' });
    const response = await http1Request(servers.photosPort, 'photoslibrary.googleapis.com', {
      method: 'POST',
      path: '/v1/uploads',
      headers: rawUploadHeaders(token, 'h1.jpg'),
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect(google.state.uploadTokens.get(response.text)?.file.byteLength).toBe(bytes.length);
  });
});

describe('raw upload: authentication (§I1, §E11)', () => {
  it('answers the flat code-16 body without, or with an unknown, bearer token', async () => {
    const { authorization: _auth, ...anonymous } = rawUploadHeaders(token);
    for (const headers of [anonymous, { ...anonymous, authorization: 'Bearer ya29.FAKE-unknown' }]) {
      const response = await upload(jpegFile(), headers);
      expect(response.status).toBe(401);
      expect(response.json()).toEqual(FLAT_AUTH_ERROR);
    }
  });

  it('answers the same flat 401 to a token without the appendonly scope', async () => {
    const readOnly = google.issueAccessToken({ scopes: [PHOTOS_SCOPES.readAppCreated] });
    const response = await upload(jpegFile(), rawUploadHeaders(readOnly));
    expect(response.status).toBe(401);
    expect(response.json()).toEqual(FLAT_AUTH_ERROR);
  });
});

describe('raw upload: bodies cut short never count', () => {
  it('drops the connection after N bytes on cutNextUploadAfter and issues no token', async () => {
    const tokensBefore = google.state.uploadTokens.size;
    const logged = google.state.requestsTo('uploads:raw').length;
    google.cutNextUploadAfter(1000);
    await expect(upload(Buffer.alloc(50_000, 7))).rejects.toThrow();
    const entry = await settledRawUpload(logged);
    expect(entry).toMatchObject({ bodyBytes: 1000, bodyComplete: false });
    expect(google.state.uploadTokens.size).toBe(tokensBefore);
    const after = await upload(jpegFile({ salt: 'after-cut' }));
    expect(after.status).toBe(200);
  });

  it('treats a client reset (RST_STREAM CANCEL) mid-body as not received', async () => {
    const tokensBefore = google.state.uploadTokens.size;
    const logged = google.state.requestsTo('uploads:raw').length;
    const { stream } = servers.photos.open({
      method: 'POST',
      path: '/v1/uploads',
      headers: { ...rawUploadHeaders(token), 'content-length': 100_000 },
    });
    stream.write(Buffer.alloc(30_000, 1), () => stream.close(http2Constants.NGHTTP2_CANCEL));
    const entry = await settledRawUpload(logged);
    expect(entry.bodyComplete).toBe(false);
    expect(google.state.uploadTokens.size).toBe(tokensBefore);
  });

  it('treats a reset streamed body without Content-Length as not received', async () => {
    const tokensBefore = google.state.uploadTokens.size;
    const logged = google.state.requestsTo('uploads:raw').length;
    const { stream } = servers.photos.open({
      method: 'POST',
      path: '/v1/uploads',
      headers: rawUploadHeaders(token),
    });
    stream.write(jpegFile({ salt: 'streamed-cut' }), () => stream.close(http2Constants.NGHTTP2_CANCEL));
    const entry = await settledRawUpload(logged);
    expect(entry.bodyComplete).toBe(false);
    expect(google.state.uploadTokens.size).toBe(tokensBefore);
  });

  it('accepts a streamed body without Content-Length that ends normally', async () => {
    const bytes = jpegFile({ salt: 'streamed-ok' });
    const { stream, response } = servers.photos.open({
      method: 'POST',
      path: '/v1/uploads',
      headers: rawUploadHeaders(token),
    });
    stream.write(bytes.subarray(0, 10));
    stream.end(bytes.subarray(10));
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(google.state.uploadTokens.get(answer.text)?.file.sha1).toBe(sha1(bytes, 'hex'));
  });
});
