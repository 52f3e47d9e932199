/**
 * Turns an i.mi.com API response into its `data` object or into the MigrationError it stands for
 * (xiaomi-api.md §3): 401 → session lost or gallery verification pending; `code` 50050 → item
 * deleted; `retriable: true`, 5xx and 429 → transient; unparseable or data-less bodies →
 * malformed (transient, so a truncated page is fetched again rather than taken as the end).
 */
import { MigrationError } from '../shared/errors.ts';
import { isJsonObject, type JsonObject, malformed, readBoolean, readInteger, readString } from './fields.ts';
import { parseJsonLossless } from './json.ts';

/** `code` of a deleted item's `/gallery/storage` answer (xiaomi-api.md §3.3, §6.1). */
const CODE_ITEM_DELETED = 50050;

/** A 401: no usable gallery session. `loginUrl` is the page the web app itself would open. */
export class XiaomiAuthError extends MigrationError {
  readonly loginUrl: string | undefined;

  constructor(secondValidation: boolean, loginUrl: string | undefined, status: number) {
    super(
      secondValidation ? 'xiaomi-second-validation' : 'xiaomi-logged-out',
      secondValidation
        ? 'Xiaomi asks to verify this browser before showing the gallery'
        : 'Not signed in to Xiaomi Cloud',
      { status },
    );
    this.name = 'XiaomiAuthError';
    this.loginUrl = loginUrl;
  }
}

const TRUSTED_LOGIN_HOSTS = ['xiaomi.com', 'mi.com'];

/** The 401 body's `D` is opened in a tab, so only an https page of Xiaomi's own is accepted. */
function trustedLoginUrl(value: unknown): string | undefined {
  const text = readString(value);
  if (!text || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  const trusted = TRUSTED_LOGIN_HOSTS.some((h) => url.hostname === h || url.hostname.endsWith(`.${h}`));
  return url.protocol === 'https:' && trusted ? url.href : undefined;
}

function parseOrUndefined(text: string): JsonObject | undefined {
  try {
    const value = parseJsonLossless(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `{"R":401,"S":"Err","D":"<serviceLogin url>","isSecondValidation":…}` (xiaomi-api.md §3.2). */
function authErrorFrom(body: JsonObject | undefined, status: number): XiaomiAuthError {
  return new XiaomiAuthError(
    readBoolean(body?.isSecondValidation) === true,
    trustedLoginUrl(body?.D),
    status,
  );
}

/** E treats a data-less body whose `D` points at serviceLogin as session loss (xiaomi-api.md §6.1). */
function isAuthBody(body: JsonObject): boolean {
  if (readInteger(body.R) === 401) return true;
  const d = readString(body.D);
  return body.data === undefined && d !== undefined && d.includes('serviceLogin');
}

export async function readResponseText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw new MigrationError('network-error', `response body cut short: ${String(error)}`, {
      status: response.status,
    });
  }
}

/** Classifies a non-2xx status, or returns undefined when the status is a success. */
function statusError(status: number, what: string): MigrationError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 500 || status === 429) {
    return new MigrationError('xiaomi-server-error', `${what}: HTTP ${status}`, { status });
  }
  return new MigrationError('unexpected-response', `${what}: HTTP ${status}`, { status });
}

/** The `data` object of a successful answer; `{}` when it is absent and `dataRequired` is false. */
export async function readApiData(
  response: Response,
  what: string,
  dataRequired = true,
): Promise<JsonObject> {
  if (response.status === 401) {
    throw authErrorFrom(parseOrUndefined(await response.text().catch(() => '')), 401);
  }
  const failure = statusError(response.status, what);
  if (failure) {
    await response.body?.cancel();
    throw failure;
  }
  const text = await readResponseText(response);
  const body = parseOrUndefined(text);
  if (!body) throw malformed(`${what}: the answer is not a JSON object (${text.length} characters)`);
  if (isAuthBody(body)) throw authErrorFrom(body, response.status);

  const code = readInteger(body.code);
  const result = readString(body.result);
  const description = readString(body.description);
  if (code === CODE_ITEM_DELETED) {
    throw new MigrationError('xiaomi-item-deleted', `${what}: deleted on Xiaomi Cloud`, {
      serverMessage: description,
    });
  }
  const failed = code !== undefined ? code !== 0 : result !== undefined && result !== 'ok';
  if (failed) {
    const details = {
      status: response.status,
      serverMessage: `code ${String(body.code)}: ${description ?? ''}`,
    };
    if (readBoolean(body.retriable) === true) {
      throw new MigrationError('xiaomi-server-error', `${what}: transient error`, details);
    }
    throw new MigrationError('unexpected-response', `${what}: refused`, details);
  }
  if (isJsonObject(body.data)) return body.data;
  if (dataRequired) throw malformed(`${what}: no data`);
  return {};
}
