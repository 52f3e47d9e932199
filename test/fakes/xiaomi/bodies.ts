/**
 * The texts the fake answers with, byte for byte as xiaomi-api.md shows them: the success envelope
 * (§3.1), the 401 session body (§3.2, §10), the 50050 "deleted" answer (§3.3), a retriable error,
 * and nginx's HTML error pages.
 */
import { type JsonValue, jsonText } from './json-text.ts';

/** `{"result":"ok","retriable":false,"code":0,"description":"成功","data":…,"ts":…}` (§3.1: all six keys). */
export function okBody(data: JsonValue, now: number): string {
  return jsonText({ result: 'ok', retriable: false, code: 0, description: '成功', data, ts: now });
}

/** §10: only `code` is documented; `result` and `description` are the fixture's guesses. */
export const DELETED_BODY = jsonText({
  result: 'error',
  retriable: false,
  code: 50050,
  description: 'file deleted',
});

/** No code for transient errors was ever recorded (§3.3); this one is invented. */
export const DEFAULT_RETRIABLE_CODE = 10016;

export function retriableBody(code = DEFAULT_RETRIABLE_CODE): string {
  return jsonText({ result: 'error', retriable: true, code, description: '服务繁忙，请稍后重试' });
}

/**
 * The 401 body, in the key order J logged (§3.2). `D` is the login URL the web app would open; its
 * callback names the host the request went to.
 */
export function unauthorizedBody(host: string, secondValidation: boolean): string {
  const callback = `https://${host}/sts?sign=abc&followup=${encodeURIComponent('/')}`;
  const loginUrl =
    `https://account.xiaomi.com/pass/serviceLogin?callback=${encodeURIComponent(callback)}` +
    '&sid=i.mi.com&_group=DEFAULT&checkSafePhone=true&_bal=true';
  return jsonText({ R: 401, S: 'Err', D: loginUrl, E: false, isSecondValidation: secondValidation });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** nginx's stock error page, what a front end shows when the application behind it fails. */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head>\n<body>${body}</body></html>\n`;
}
