import { describe, expect, it } from 'vitest';
import { readApiData, XiaomiAuthError } from './envelope.ts';
import { json, LOGIN_URL, unauthorized } from './test-support.ts';

async function failureOf(response: Response) {
  return readApiData(response, '/x').then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('readApiData', () => {
  it('returns data with its big integers exact', async () => {
    const response = json('{"result":"ok","code":0,"data":{"indexHash":48926435156960001,"n":1}}');
    expect(await readApiData(response, '/x')).toEqual({ indexHash: '48926435156960001', n: 1 });
  });

  it('reads a 401 as a lost session with the login page to open', async () => {
    const error = await failureOf(unauthorized());
    expect(error).toBeInstanceOf(XiaomiAuthError);
    expect(error).toMatchObject({ kind: 'xiaomi-logged-out', loginUrl: LOGIN_URL, details: { status: 401 } });
  });

  it('reads isSecondValidation as the pending gallery verification', async () => {
    expect(await failureOf(unauthorized(true))).toMatchObject({ kind: 'xiaomi-second-validation' });
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a foreign https host', 'https://evil.example/serviceLogin'],
    ['a look-alike host', 'https://account.xiaomi.com.evil.example/serviceLogin'],
    ['plain http', 'http://account.xiaomi.com/pass/serviceLogin'],
  ])('does not hand out %s as the login page', async (_, url) => {
    expect(await failureOf(unauthorized(false, url))).toMatchObject({
      kind: 'xiaomi-logged-out',
      loginUrl: undefined,
    });
  });

  it('reads a 401 with an HTML body as a lost session', async () => {
    expect(await failureOf(new Response('<html>login</html>', { status: 401 }))).toMatchObject({
      kind: 'xiaomi-logged-out',
    });
  });

  it('reads a 200 carrying the 401 body as a lost session (§3.2, §6.1)', async () => {
    expect(await failureOf(json({ R: 401, S: 'Err', D: LOGIN_URL }))).toMatchObject({
      kind: 'xiaomi-logged-out',
    });
    expect(await failureOf(json({ S: 'Err', D: LOGIN_URL }))).toMatchObject({ kind: 'xiaomi-logged-out' });
  });

  it('reads code 50050 as a deleted item, whatever the other fields say', async () => {
    const response = json({ result: 'error', retriable: true, code: 50050, description: 'file deleted' });
    expect(await failureOf(response)).toMatchObject({ kind: 'xiaomi-item-deleted', scope: 'item' });
  });

  it('reads a retriable error code as transient and keeps the server’s words', async () => {
    const response = json({ result: 'error', retriable: true, code: 10008, description: 'busy' });
    expect(await failureOf(response)).toMatchObject({
      kind: 'xiaomi-server-error',
      details: { serverMessage: 'code 10008: busy' },
    });
  });

  it('reads a non-retriable error code as a refusal', async () => {
    const response = json({ result: 'error', retriable: false, code: 10017, description: 'no' });
    expect(await failureOf(response)).toMatchObject({ kind: 'unexpected-response', scope: 'item' });
  });

  it('takes result "ok" without a code as success, and a string code as a number', async () => {
    expect(await readApiData(json({ result: 'ok', data: { a: 1 } }), '/x')).toEqual({ a: 1 });
    expect(await readApiData(json({ code: '0', data: { a: 2 } }), '/x')).toEqual({ a: 2 });
  });

  it.each([502, 503, 429])('reads HTTP %i as transient', async (status) => {
    expect(await failureOf(new Response('busy', { status }))).toMatchObject({ kind: 'xiaomi-server-error' });
  });

  it('reads another 4xx as an unexpected response', async () => {
    expect(await failureOf(new Response('', { status: 404 }))).toMatchObject({
      kind: 'unexpected-response',
      details: { status: 404 },
    });
  });

  it.each([
    ['an HTML page', new Response('<html>maintenance</html>', { status: 200 })],
    ['a truncated body', json('{"result":"ok","code":0,"data":{"galleries":[')],
    ['a body without data', json({ result: 'ok', code: 0 })],
    ['a body whose data is not an object', json({ result: 'ok', code: 0, data: [] })],
    ['a JSON array', json([])],
  ])('reports %s as malformed', async (_, response) => {
    expect(await failureOf(response)).toMatchObject({ kind: 'xiaomi-malformed-response', scope: 'retry' });
  });

  it('accepts a missing data object where it is optional', async () => {
    expect(await readApiData(json({ result: 'ok', code: 0 }), '/x', false)).toEqual({});
  });
});
