import { describe, expect, it } from 'vitest';
import { RetryDelays } from './backoff.ts';
import { classifyFailure, malformedSuccess } from './errors.ts';
import { SCOPE_APPEND_ONLY } from './oauth.ts';

const NOW = Date.parse('2026-07-15T20:00:00Z');
const PROJECT = '123456789012';
const SERVICE = 'photoslibrary.googleapis.com';

function classify(
  status: number,
  body: unknown,
  options: { contentType?: string; retryAfter?: string; unrecognised?: 'google-upload-session-lost' } = {},
) {
  return classifyFailure(
    {
      status,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      contentType: options.contentType ?? 'application/json; charset=UTF-8',
      retryAfter: options.retryAfter ?? null,
    },
    {
      operation: 'batchCreate',
      scope: SCOPE_APPEND_ONLY,
      now: NOW,
      delays: new RetryDelays(() => 0.5),
      unrecognisedClientError: options.unrecognised,
    },
  );
}

function wrapped(code: number, status: string, message: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

const invalid = (message: string) => wrapped(400, 'INVALID_ARGUMENT', message);

describe('classifyFailure: the whole-request errors of §I5 and §E11', () => {
  it.each([
    ['Request must contain a valid upload token.', 'google-upload-token-invalid'],
    ['The provided ID does not match any albums.', 'google-album-missing'],
    [
      "The remaining storage in the user's account is not enough to perform this operation.",
      'google-storage-full',
    ],
    ['Request contains an invalid media item id.', 'google-rejected-media'],
    ['User-provided checksum does not match received payload content.', 'sha1-mismatch'],
    ['The upload url is either finalized or rejected by the server.', 'google-upload-session-lost'],
    ['Request must have less than 50 items.', 'unexpected-response'],
    ['Request contains an invalid argument.', 'unexpected-response'],
  ])('400 "%s" → %s, keeping Google\'s words', (message, kind) => {
    const error = classify(400, invalid(message));
    expect(error.kind).toBe(kind);
    expect(error.details).toMatchObject({ status: 400, serverMessage: message });
    expect(error.message).toContain(message);
  });

  it('401 UNAUTHENTICATED → google-signin-needed', () => {
    const message = 'Request had invalid authentication credentials. Expected OAuth 2 access token.';
    expect(classify(401, wrapped(401, 'UNAUTHENTICATED', message)).kind).toBe('google-signin-needed');
  });

  it("the uploads endpoint's flat {code:16} body → google-signin-needed", () => {
    const error = classify(401, { code: 16, message: 'Authentication session is not defined.' });
    expect(error.kind).toBe('google-signin-needed');
    expect(error.details.serverMessage).toBe('Authentication session is not defined.');
  });

  it('403 insufficient scopes → google-scope-missing naming the scope the call needs', () => {
    const error = classify(
      403,
      wrapped(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.'),
    );
    expect(error.kind).toBe('google-scope-missing');
    expect(error.details.scopes).toEqual([SCOPE_APPEND_ONLY]);
  });

  it('403 SERVICE_DISABLED → google-api-disabled with the enable URL', () => {
    const url = `https://console.developers.google.com/apis/api/${SERVICE}/overview?project=${PROJECT}`;
    const message = `Photos Library API has not been used in project ${PROJECT} before or it is disabled. Enable it by visiting ${url} then retry.`;
    const details = [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'SERVICE_DISABLED',
        domain: 'googleapis.com',
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'activation', url }] },
    ];
    const error = classify(403, wrapped(403, 'PERMISSION_DENIED', message, details));
    expect(error.kind).toBe('google-api-disabled');
    expect(error.details.serverMessage).toBe(message);
    expect(error.message).toContain(url);
  });

  it('403 SERVICE_DISABLED by reason alone still names the URL from the Help link', () => {
    const url = `https://console.developers.google.com/apis/api/${SERVICE}/overview?project=${PROJECT}`;
    const details = [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ url }] },
    ];
    const error = classify(403, wrapped(403, 'PERMISSION_DENIED', 'Access blocked.', details));
    expect(error.kind).toBe('google-api-disabled');
    expect(error.message).toContain(`Enable it at ${url}`);
  });

  it('403 "Google Photos is disabled for the user" → google-photos-disabled', () => {
    const error = classify(403, wrapped(403, 'PERMISSION_DENIED', 'Google Photos is disabled for the user.'));
    expect(error.kind).toBe('google-photos-disabled');
  });

  it('403 "The caller does not have permission" → unexpected-response, message kept', () => {
    const error = classify(403, wrapped(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
    expect(error.kind).toBe('unexpected-response');
    expect(error.details.serverMessage).toBe('The caller does not have permission');
  });

  it.each([
    `Quota exceeded for quota 'concurrent write request' of service '${SERVICE}'.`,
    `Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service '${SERVICE}' for consumer 'project_number:${PROJECT}'.`,
    `Quota exceeded for quota metric '${SERVICE}/write_requests' and limit 'WritesPerMinutePerUser' of service '${SERVICE}'.`,
  ])('429 "%s" → google-rate-limited, at least 30 s', (message) => {
    const error = classify(429, wrapped(429, 'RESOURCE_EXHAUSTED', message));
    expect(error.kind).toBe('google-rate-limited');
    expect(error.details.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it("the uploads endpoint's flat 400 {code:3} UploadsPerMinute body → google-rate-limited (§E4)", () => {
    const message =
      "Insufficient tokens for quota 'photoslibrary.googleapis.com/upload_requests' and limit 'UploadsPerMinute' of service 'photoslibrary.googleapis.com'.";
    expect(classify(400, { code: 3, message }).kind).toBe('google-rate-limited');
  });

  it('honours a Retry-After longer than 30 s', () => {
    const message = `Quota exceeded for quota 'concurrent write request' of service '${SERVICE}'.`;
    const error = classify(429, wrapped(429, 'RESOURCE_EXHAUSTED', message), { retryAfter: '120' });
    expect(error.details.retryAfterMs).toBeGreaterThanOrEqual(120_000);
  });

  it.each([
    `Quota exceeded for quota metric 'All requests' and limit 'All requests per day' of service '${SERVICE}' for consumer 'project_number:${PROJECT}'.`,
    `Quota exceeded for quota metric '${SERVICE}/all_requests' and limit 'ApiCallsPerProjectPerDay' of service '${SERVICE}'.`,
  ])('429 "%s" → google-quota-daily until the next Pacific midnight', (message) => {
    const error = classify(429, wrapped(429, 'RESOURCE_EXHAUSTED', message));
    expect(error.kind).toBe('google-quota-daily');
    expect(error.details.resumeAt).toBe(Date.parse('2026-07-16T07:00:00Z'));
  });

  it.each([
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
  ])('%i %s → google-server-error, from 1 s', (status, rpcStatus) => {
    const error = classify(status, wrapped(status, rpcStatus, 'Internal error encountered.'));
    expect(error.kind).toBe('google-server-error');
    expect(error.details.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(error.details.retryAfterMs).toBeLessThan(2_000);
  });

  it('ignores unknown fields and v1-style errors[]', () => {
    const body = {
      error: {
        code: 400,
        message: 'Request must contain a valid upload token.',
        status: 'INVALID_ARGUMENT',
        errors: [{ message: 'x', domain: 'global', reason: 'badRequest' }],
        extra: { nested: true },
      },
    };
    expect(classify(400, body).kind).toBe('google-upload-token-invalid');
  });
});

describe('classifyFailure: bodies that are not Google JSON', () => {
  const errorPage =
    '<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><p><b>502.</b> That’s an error.';

  it('an HTML 5xx page → google-server-error describing the page', () => {
    const error = classify(502, errorPage, { contentType: 'text/html; charset=UTF-8' });
    expect(error.kind).toBe('google-server-error');
    expect(error.details.serverMessage).toBe('an HTML page "Error 502 (Server Error)!!1"');
  });

  it('an HTML 4xx page → unexpected-response, not a guess from its words', () => {
    const page = '<html><head><title>Error 404 (Not Found)!!1</title></head><body>upload token</body></html>';
    const error = classify(404, page, { contentType: 'text/html' });
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('Error 404 (Not Found)!!1');
  });

  it('an HTML 401 page → google-signin-needed by status alone', () => {
    expect(classify(401, '<html><title>Unauthorized</title></html>', { contentType: 'text/html' }).kind).toBe(
      'google-signin-needed',
    );
  });

  it('an HTML 429 page → google-rate-limited by status alone', () => {
    expect(classify(429, '<html><title>Too Many Requests</title></html>').kind).toBe('google-rate-limited');
  });

  it('an empty or plain-text body is described, shortened', () => {
    expect(classify(400, '').details.serverMessage).toBe('an empty body');
    const text = classify(400, 'x'.repeat(500), { contentType: 'text/plain' });
    expect(text.kind).toBe('unexpected-response');
    expect(text.details.serverMessage).toBe(`text/plain "${'x'.repeat(200)}…"`);
  });

  it('JSON of an unknown shape is not read for meaning', () => {
    expect(classify(400, { weird: 'Request must contain a valid upload token.' }).kind).toBe(
      'unexpected-response',
    );
  });

  it('an unrecognised 4xx takes the kind the call chose', () => {
    const error = classify(404, wrapped(404, 'NOT_FOUND', 'Requested entity was not found.'), {
      unrecognised: 'google-upload-session-lost',
    });
    expect(error.kind).toBe('google-upload-session-lost');
  });

  it('an OAuth-style {error, error_description} body is read', () => {
    const error = classify(400, { error: 'invalid_token', error_description: 'Invalid Value' });
    expect(error.details.serverMessage).toBe('invalid_token: Invalid Value');
  });
});

describe('malformedSuccess', () => {
  it('is unexpected-response by default, naming what came back', () => {
    const error = malformedSuccess('batchCreate', 'the body is not JSON', {
      status: 200,
      contentType: 'text/html',
      body: '<html><title>Portal</title></html>',
    });
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toBe(
      'Google Photos batchCreate: HTTP 200 but the body is not JSON; got an HTML page "Portal"',
    );
  });
});
