/**
 * The photoslibrary.googleapis.com service: logs and counts each request, applies injected faults,
 * then checks the caller in the order Google would (token, API enabled, daily quota, Photos enabled,
 * scope, write quotas) before the endpoint's own handler runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeRequest, FakeResponse, FakeService } from '../types.ts';
import { type AccessTokens, bearerToken } from './access-tokens.ts';
import { ENDPOINTS, type EndpointSpec, routePhotosRequest } from './endpoints.ts';
import type { Fault } from './faults.ts';
import { googleErrorPage } from './html.ts';
import { cutTransfer, header, htmlReply, type Reply, sendReply, sendTruncatedReply } from './http.ts';
import { inspectorReply, isInspectorPath } from './inspector.ts';
import { projectNumberOf } from './options.ts';
import { type Caller, PhotosContext, type PhotosDeps } from './photos-context.ts';
import { countApiRequest, recordRequest } from './request-log.ts';
import { findSession } from './uploads.ts';

export const PHOTOS_HOST = 'photoslibrary.googleapis.com';

function callerOf(clientId: string): Caller {
  return { clientId, projectNumber: projectNumberOf(clientId) };
}

type Admission = { ok: true; release: () => void } | { ok: false; reply: Reply };

function faultReply(ctx: PhotosContext, fault: Fault): Reply | undefined {
  switch (fault.kind) {
    case 'error':
      return ctx.error(fault.error, 'injected fault');
    case 'html':
      return htmlReply(
        fault.status,
        googleErrorPage(fault.status, 'Server Error', 'The server encountered an error.'),
      );
    case 'raw':
      return { status: fault.status, headers: { 'content-type': fault.contentType }, body: fault.body };
    default:
      return undefined;
  }
}

export class PhotosService implements FakeService {
  readonly name = 'google-photos';
  readonly hosts = [PHOTOS_HOST];

  constructor(
    private readonly deps: PhotosDeps,
    private readonly tokens: AccessTokens,
  ) {}

  get http2(): boolean {
    return this.deps.config.photosProtocol === 'http2';
  }

  async handle(req: FakeRequest, res: FakeResponse, url: URL): Promise<void> {
    const { state, clock, config, faults } = this.deps;
    if (isInspectorPath(url.pathname)) {
      sendReply(req, res, inspectorReply(state, url.pathname));
      return;
    }
    const method = req.method ?? 'GET';
    const route = routePhotosRequest(method, url, {
      protocol: header(req, 'x-goog-upload-protocol'),
      command: header(req, 'x-goog-upload-command'),
    });
    const entry = recordRequest(state, clock, 'photos', req, url, route?.endpoint ?? 'unknown');
    if (!route) {
      entry.status = 404;
      const page = googleErrorPage(
        404,
        'Not Found',
        `The requested URL ${url.pathname} was not found on this server.`,
      );
      sendReply(req, res, htmlReply(404, page));
      return;
    }
    countApiRequest(state, route.endpoint, clock.now());
    const ctx = new PhotosContext(
      this.deps,
      req,
      url,
      route.endpoint,
      route.pathId,
      entry,
      this.presumedCaller(req),
    );
    const fault = faults.take(route.endpoint);
    if (fault) entry.fault = JSON.stringify(fault);
    if (fault?.kind === 'reset' && fault.when === 'before-processing') {
      cutTransfer(req, 'connection');
      return;
    }
    const injected = fault && faultReply(ctx, fault);
    const holdMs =
      config.latencyMs + faults.latencyFor(route.endpoint) + (fault?.kind === 'delay' ? fault.ms : 0);
    const reply = injected ?? (await this.serve(ctx, ENDPOINTS[route.endpoint], holdMs));
    if (fault?.kind === 'reset' && fault.when === 'after-processing') {
      cutTransfer(req, 'connection');
      return;
    }
    if (fault?.kind === 'reset' && fault.when === 'mid-response') {
      sendTruncatedReply(req, res, reply);
      return;
    }
    if (sendReply(req, res, reply)) entry.status = reply.status;
  }

  /** Whose project an error message names before the token has been checked. */
  private presumedCaller(req: FakeRequest): Caller {
    const token = bearerToken(header(req, 'authorization'));
    const record = token === undefined ? undefined : this.deps.state.accessTokens.get(token);
    return callerOf(record?.clientId ?? this.deps.config.defaultClientId);
  }

  /**
   * `holdMs` is server processing time: it passes after admission, so a held write keeps its
   * concurrent-write slot like a slow real one would.
   */
  private async serve(ctx: PhotosContext, spec: EndpointSpec, holdMs: number): Promise<Reply> {
    const admission = this.admit(ctx, spec);
    if (!admission.ok) return admission.reply;
    try {
      if (holdMs > 0) await sleep(holdMs);
      return await spec.handle(ctx);
    } catch (error) {
      return ctx.error('internal', `fake crashed: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      admission.release();
    }
  }

  private admit(ctx: PhotosContext, spec: EndpointSpec): Admission {
    const { config, quota } = this.deps;
    const refuse = (reply: Reply): Admission => ({ ok: false, reply });
    let scopes: readonly string[];
    if (spec.session && config.resumableSessionAuth === 'capability') {
      const session = findSession(ctx);
      if (!session) return refuse(ctx.error('not-found', 'unknown or expired upload session'));
      ctx.caller = callerOf(session.clientId);
      scopes = spec.scopes;
    } else {
      const check = this.tokens.check(bearerToken(header(ctx.req, 'authorization')));
      if (!check.ok) {
        const name = check.reason === 'missing' ? 'missing-credentials' : 'invalid-credentials';
        return refuse(ctx.error(name, `access token ${check.reason}`));
      }
      ctx.caller = callerOf(check.record.clientId);
      scopes = check.record.scopes;
    }
    if (config.apiDisabled) return refuse(ctx.error('api-disabled'));
    const charged = !spec.session || config.quotaChargesSessionRequests;
    if (charged && !quota.chargeDailyRequest(ctx.caller.projectNumber)) {
      return refuse(ctx.error('daily-quota'));
    }
    if (config.photosDisabledForUser) return refuse(ctx.error('photos-disabled'));
    if (!spec.scopes.some((scope) => scopes.includes(scope))) {
      return refuse(ctx.error('insufficient-scopes', `token scopes: ${scopes.join(' ')}`));
    }
    if (!spec.write) return { ok: true, release: () => {} };
    const write = quota.beginWrite();
    if (!write.ok) return refuse(ctx.error(write.error));
    return { ok: true, release: write.release };
  }
}
