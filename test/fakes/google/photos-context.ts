/**
 * What every Photos API handler gets: the request, the fake's parts, the caller (the OAuth client
 * behind the token) and the helpers that answer in the right error shape for the endpoint.
 */
import type { FakeClock } from '../clock.ts';
import type { Random } from '../random.ts';
import type { FakeRequest } from '../types.ts';
import type { Faults } from './faults.ts';
import {
  flatErrorReply,
  type GoogleErrorName,
  googleErrors,
  isAuthError,
  uploadsAuthErrorReply,
  wrappedErrorReply,
} from './google-errors.ts';
import { type Reply, readBody } from './http.ts';
import type { FakeGoogleConfig } from './options.ts';
import type { Quota } from './quota.ts';
import type { FakeGoogleState, RequestLogEntry } from './state.ts';

export type EndpointId =
  | 'uploads:raw'
  | 'uploads:start'
  | 'uploads:chunk'
  | 'uploads:query'
  | 'uploads:cancel'
  | 'mediaItems:batchCreate'
  | 'mediaItems:list'
  | 'mediaItems:get'
  | 'mediaItems:batchGet'
  | 'mediaItems:search'
  | 'albums:create'
  | 'albums:list'
  | 'albums:get'
  | 'albums:batchAddMediaItems';

export interface PhotosDeps {
  state: FakeGoogleState;
  config: FakeGoogleConfig;
  clock: FakeClock;
  /** For generated ids and result shuffles; fault rates draw from their own stream. */
  random: Random;
  faults: Faults;
  quota: Quota;
}

export interface Caller {
  clientId: string;
  projectNumber: string;
}

export class PhotosContext {
  caller: Caller;

  constructor(
    readonly deps: PhotosDeps,
    readonly req: FakeRequest,
    readonly url: URL,
    readonly endpoint: EndpointId,
    /** The id in the path, for /albums/{id}… and /mediaItems/{id}. */
    readonly pathId: string | undefined,
    readonly log: RequestLogEntry,
    caller: Caller,
  ) {
    this.caller = caller;
  }

  get isUpload(): boolean {
    return this.endpoint.startsWith('uploads:');
  }

  /**
   * A catalogue error in the shape this endpoint uses: JSON endpoints always wrap it; the uploads
   * endpoint answers auth failures with the flat code-16 body (§I1) and others per `uploadErrorStyle`.
   */
  error(name: GoogleErrorName, note?: string): Reply {
    this.log.note = note ?? name;
    const { config } = this.deps;
    const error = googleErrors(this.caller.projectNumber)[name];
    const style = { details: config.errorDetails, retryAfterSeconds: config.retryAfterSeconds };
    if (!this.isUpload) return wrappedErrorReply(error, style);
    if (isAuthError(name)) return uploadsAuthErrorReply();
    return config.uploadErrorStyle === 'flat'
      ? flatErrorReply(error, style)
      : wrappedErrorReply(error, style);
  }

  /** The parsed JSON body, or the error to answer when it is not JSON or did not arrive whole. */
  async readJson(): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
    const body = await readBody(this.req);
    this.log.bodyBytes = body.bytes.length;
    this.log.bodyComplete = body.complete;
    if (!body.complete) return { ok: false, reply: this.error('invalid-argument', 'body cut short') };
    if (body.bytes.length === 0) return { ok: true, value: {} };
    try {
      return { ok: true, value: JSON.parse(body.bytes.toString('utf8')) };
    } catch {
      return { ok: false, reply: this.error('invalid-json') };
    }
  }
}

/** Narrowing for untrusted JSON bodies. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
