/**
 * A browser-like cookie store (RFC 6265 storage and retrieval, plus what Chromium adds: Secure-only
 * from https, cookie prefixes, SameSite=None needs Secure). It stands in for the profile's cookie jar
 * when the clients run in Node, so a client that works here sends what Chromium would send.
 */

/** A cookie to plant, in the shape Playwright's `context.addCookies` takes (domain + path form). */
export interface SeedCookie {
  name: string;
  value: string;
  /** '.mi.com' is sent to mi.com and every subdomain; 'i.mi.com' (no dot) only to that host. */
  domain: string;
  path?: string;
  /** Unix time in seconds; absent or -1 for a session cookie. */
  expires?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /** Without a leading dot. */
  readonly domain: string;
  /** Sent to `domain` only, not to its subdomains (the Set-Cookie had no Domain attribute). */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: 'Strict' | 'Lax' | 'None' | undefined;
  /** Epoch ms; undefined for a session cookie. */
  readonly expiresAt: number | undefined;
  /** Keeps the RFC's tie-break order for cookies with equally long paths. */
  readonly creationIndex: number;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];
  private creationCounter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores one Set-Cookie header value received from `url`; false when a browser would ignore it. */
  setCookie(setCookieHeader: string, url: string | URL): boolean {
    const parsed = parseSetCookie(setCookieHeader, this.now());
    if (parsed === undefined) return false;
    const requestUrl = new URL(url);
    const host = requestUrl.hostname;
    const isSecureOrigin = requestUrl.protocol === 'https:';
    const { name, attributes } = parsed;

    let domain = host;
    let hostOnly = true;
    if (attributes.domain !== undefined && attributes.domain !== host) {
      // A bare public suffix such as 'com' would let one site set cookies for all others (RFC 6265 §5.3 step 5).
      if (!attributes.domain.includes('.') || !domainMatches(host, attributes.domain)) return false;
      domain = attributes.domain;
      hostOnly = false;
    }
    if (attributes.secure && !isSecureOrigin) return false;
    if (attributes.sameSite === 'None' && !attributes.secure) return false;
    const lowerName = name.toLowerCase();
    if (lowerName.startsWith('__secure-') && !attributes.secure) return false;
    if (lowerName.startsWith('__host-') && !(attributes.secure && hostOnly && attributes.path === '/'))
      return false;

    this.store({
      name,
      value: parsed.value,
      domain,
      hostOnly,
      path: attributes.path ?? defaultPath(requestUrl.pathname),
      secure: attributes.secure,
      httpOnly: attributes.httpOnly,
      sameSite: attributes.sameSite,
      expiresAt: attributes.expiresAt,
    });
    return true;
  }

  /** Plants cookies as `context.addCookies` does in the browser. */
  add(cookies: readonly SeedCookie[]): void {
    for (const cookie of cookies) {
      const hostOnly = !cookie.domain.startsWith('.');
      this.store({
        name: cookie.name,
        value: cookie.value,
        domain: cookie.domain.replace(/^\./, '').toLowerCase(),
        hostOnly,
        path: cookie.path ?? '/',
        secure: cookie.secure ?? false,
        httpOnly: cookie.httpOnly ?? false,
        sameSite: cookie.sameSite,
        expiresAt: cookie.expires === undefined || cookie.expires === -1 ? undefined : cookie.expires * 1000,
      });
    }
  }

  /** The Cookie header a browser sends to `url`, or undefined when no cookie applies (RFC 6265 §5.4). */
  cookieHeader(url: string | URL): string | undefined {
    const target = new URL(url);
    const matching = this.all()
      .filter(
        (cookie) =>
          (cookie.hostOnly
            ? target.hostname === cookie.domain
            : domainMatches(target.hostname, cookie.domain)) &&
          pathMatches(target.pathname, cookie.path) &&
          (!cookie.secure || target.protocol === 'https:'),
      )
      .sort((a, b) => b.path.length - a.path.length || a.creationIndex - b.creationIndex);
    return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Every cookie that has not expired. */
  all(): StoredCookie[] {
    const now = this.now();
    this.cookies = this.cookies.filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > now);
    return [...this.cookies];
  }

  clear(): void {
    this.cookies = [];
  }

  private store(cookie: Omit<StoredCookie, 'creationIndex'>): void {
    const sameKey = (other: StoredCookie) =>
      other.name === cookie.name &&
      other.domain === cookie.domain &&
      other.hostOnly === cookie.hostOnly &&
      other.path === cookie.path;
    const replaced = this.cookies.find(sameKey);
    this.cookies = this.cookies.filter((other) => !sameKey(other));
    // An already-expired cookie is how servers delete one: drop the old, store nothing (RFC 6265 §5.3 step 11).
    if (cookie.expiresAt !== undefined && cookie.expiresAt <= this.now()) return;
    this.cookies.push({ ...cookie, creationIndex: replaced?.creationIndex ?? this.creationCounter++ });
  }
}

interface ParsedSetCookie {
  name: string;
  value: string;
  attributes: {
    domain: string | undefined;
    path: string | undefined;
    secure: boolean;
    httpOnly: boolean;
    sameSite: StoredCookie['sameSite'];
    expiresAt: number | undefined;
  };
}

/** RFC 6265 §5.2; unknown attributes and malformed values of known ones are ignored, as browsers do. */
export function parseSetCookie(header: string, now: number): ParsedSetCookie | undefined {
  const [pair = '', ...attributeTexts] = header.split(';');
  const equals = pair.indexOf('=');
  // No '=': Chromium keeps the text as the value of a cookie with an empty name.
  const name = equals === -1 ? '' : pair.slice(0, equals).trim();
  const value = (equals === -1 ? pair : pair.slice(equals + 1)).trim();
  if (name === '' && value === '') return undefined;

  const attributes: ParsedSetCookie['attributes'] = {
    domain: undefined,
    path: undefined,
    secure: false,
    httpOnly: false,
    sameSite: undefined,
    expiresAt: undefined,
  };
  let maxAgeExpiry: number | undefined;
  for (const text of attributeTexts) {
    const split = text.indexOf('=');
    const key = (split === -1 ? text : text.slice(0, split)).trim().toLowerCase();
    const argument = split === -1 ? '' : text.slice(split + 1).trim();
    switch (key) {
      case 'expires': {
        const date = Date.parse(argument);
        if (!Number.isNaN(date)) attributes.expiresAt = date;
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(argument)) {
          const seconds = Number(argument);
          maxAgeExpiry = seconds <= 0 ? Number.NEGATIVE_INFINITY : now + seconds * 1000;
        }
        break;
      case 'domain':
        if (argument !== '') attributes.domain = argument.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        attributes.path = argument.startsWith('/') ? argument : undefined;
        break;
      case 'secure':
        attributes.secure = true;
        break;
      case 'httponly':
        attributes.httpOnly = true;
        break;
      case 'samesite': {
        const mode = argument.toLowerCase();
        attributes.sameSite = mode === 'strict' ? 'Strict' : mode === 'none' ? 'None' : 'Lax';
        break;
      }
    }
  }
  // Max-Age wins over Expires whatever their order (RFC 6265 §5.3 step 3).
  if (maxAgeExpiry !== undefined) attributes.expiresAt = maxAgeExpiry;
  return { name, value, attributes };
}

/** RFC 6265 §5.1.3 (host names only: the fakes are never addressed by IP). */
export function domainMatches(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return (
    requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/')
  );
}

/** RFC 6265 §5.1.4: the directory of the request path. */
export function defaultPath(requestPath: string): string {
  const lastSlash = requestPath.lastIndexOf('/');
  return requestPath.startsWith('/') && lastSlash > 0 ? requestPath.slice(0, lastSlash) : '/';
}
