/**
 * The Photos Library API's error catalogue (google-photos-api.md §I5, §E4, §E7, §E11) and its two
 * body shapes: the usual `{"error":{code,message,status,details?}}` and the flat `{code,message}` the
 * uploads endpoint uses for authentication failures (§E11, I-AUTHSESS).
 */
import { jsonReply, type Reply } from './http.ts';

const RPC_CODES = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export type RpcStatus = keyof typeof RPC_CODES;

export interface GoogleError {
  httpStatus: number;
  status: RpcStatus;
  message: string;
  /** google.rpc.* detail objects; real responses carry them, clients must not depend on them. */
  details?: unknown[];
}

const SERVICE = 'photoslibrary.googleapis.com';
const AUTH_HINT =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

function errorInfo(reason: string, metadata: Record<string, string>): unknown {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata };
}

function quotaError(projectNumber: string, metric: string, limit: string, legacyMetric: string): GoogleError {
  return {
    httpStatus: 429,
    status: 'RESOURCE_EXHAUSTED',
    message: `Quota exceeded for quota metric '${metric}' and limit '${limit}' of service '${SERVICE}' for consumer 'project_number:${projectNumber}'.`,
    details: [
      errorInfo('RATE_LIMIT_EXCEEDED', {
        consumer: `projects/${projectNumber}`,
        quota_metric: `${SERVICE}/${legacyMetric}`,
        quota_limit: limit,
        service: SERVICE,
      }),
    ],
  };
}

function invalidArgument(message: string): GoogleError {
  return { httpStatus: 400, status: 'INVALID_ARGUMENT', message };
}

/**
 * Every whole-request error the fake can answer with, by name. The messages are copied from the spec;
 * where the spec marks a wording as assumed, the entry says so.
 */
export function googleErrors(projectNumber: string) {
  const activationUrl = `https://console.developers.google.com/apis/api/${SERVICE}/overview?project=${projectNumber}`;
  return {
    'too-many-items': invalidArgument('Request must have less than 50 items.'),
    'invalid-upload-token': invalidArgument('Request must contain a valid upload token.'),
    // Wording assumed (§I5): Google's generic INVALID_ARGUMENT message.
    'invalid-argument': invalidArgument('Request contains an invalid argument.'),
    'album-not-found': invalidArgument('The provided ID does not match any albums.'),
    'invalid-media-item-id': invalidArgument('Request contains an invalid media item id.'),
    'storage-full': invalidArgument(
      "The remaining storage in the user's account is not enough to perform this operation.",
    ),
    'checksum-mismatch': invalidArgument('User-provided checksum does not match received payload content.'),
    // DTP's wording for an upload sent to a finished session (§I3).
    'upload-session-final': invalidArgument('The upload url is either finalized or rejected by the server.'),
    'invalid-json': invalidArgument('Invalid JSON payload received. Unexpected token.'),
    'not-found': { httpStatus: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.' },
    'missing-credentials': {
      httpStatus: 401,
      status: 'UNAUTHENTICATED',
      message: `Request is missing required authentication credential. ${AUTH_HINT}`,
    },
    'invalid-credentials': {
      httpStatus: 401,
      status: 'UNAUTHENTICATED',
      message: `Request had invalid authentication credentials. ${AUTH_HINT}`,
    },
    'insufficient-scopes': {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: 'Request had insufficient authentication scopes.',
      details: [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', { service: SERVICE })],
    },
    'api-disabled': {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: `Photos Library API has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
      details: [
        errorInfo('SERVICE_DISABLED', { consumer: `projects/${projectNumber}`, service: SERVICE }),
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Google developers console API activation', url: activationUrl }],
        },
      ],
    },
    'photos-disabled': {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: 'Google Photos is disabled for the user.',
    },
    'caller-no-permission': {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: 'The caller does not have permission',
    },
    'concurrent-write': {
      httpStatus: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: `Quota exceeded for quota 'concurrent write request' of service '${SERVICE}'.`,
    },
    'write-rate': quotaError(
      projectNumber,
      'Write requests',
      'Write requests per minute per user',
      'write_requests',
    ),
    'daily-quota': quotaError(projectNumber, 'All requests', 'All requests per day', 'all_requests'),
    internal: { httpStatus: 500, status: 'INTERNAL', message: 'Internal error encountered.' },
    unavailable: { httpStatus: 503, status: 'UNAVAILABLE', message: 'Internal error encountered.' },
  } satisfies Record<string, GoogleError>;
}

export type GoogleErrorName = keyof ReturnType<typeof googleErrors>;

export interface ErrorStyle {
  /** Send `details[]` (ErrorInfo and Help objects). */
  details: boolean;
  /** Add `Retry-After` to 429 and 503 answers; undefined never sends it (§I5). */
  retryAfterSeconds: number | undefined;
}

function retryAfterHeader(error: GoogleError, style: ErrorStyle): Record<string, string> {
  const retryable = error.httpStatus === 429 || error.httpStatus === 503;
  if (!retryable || style.retryAfterSeconds === undefined) return {};
  return { 'retry-after': String(style.retryAfterSeconds) };
}

function authenticateHeader(error: GoogleError): Record<string, string> {
  if (error.httpStatus !== 401) return {};
  return { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' };
}

/** The wrapped JSON error every JSON endpoint answers with. */
export function wrappedErrorReply(error: GoogleError, style: ErrorStyle): Reply {
  const body = {
    error: {
      code: error.httpStatus,
      message: error.message,
      status: error.status,
      ...(style.details && error.details ? { details: error.details } : {}),
    },
  };
  return jsonReply(error.httpStatus, body, {
    ...retryAfterHeader(error, style),
    ...authenticateHeader(error),
  });
}

/** The flat `{code, message}` shape with the google.rpc code, as the uploads endpoint sends (§E4, §E11). */
export function flatErrorReply(error: GoogleError, style: ErrorStyle): Reply {
  return jsonReply(
    error.httpStatus,
    { code: RPC_CODES[error.status], message: error.message },
    retryAfterHeader(error, style),
  );
}

/** §I1 / §E11: any authentication or scope failure on the uploads endpoint, body copied as observed. */
export function uploadsAuthErrorReply(): Reply {
  return jsonReply(401, { code: 16, message: 'Authentication session is not defined.' });
}

export function isAuthError(name: GoogleErrorName): boolean {
  return name === 'missing-credentials' || name === 'invalid-credentials' || name === 'insufficient-scopes';
}
