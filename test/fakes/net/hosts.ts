/**
 * Host patterns as the fakes declare them: an exact name (`i.mi.com`) or a leading-wildcard
 * (`*.mi.com`, which matches a subdomain at any depth, but not `mi.com` itself). The same
 * semantics as Chromium's `--host-resolver-rules` MAP patterns, so the browser and the router agree.
 */

const WILDCARD_PREFIX = '*.';

export function isWildcard(pattern: string): boolean {
  return pattern.startsWith(WILDCARD_PREFIX);
}

export function assertValidHostPattern(pattern: string): void {
  const name = isWildcard(pattern) ? pattern.slice(WILDCARD_PREFIX.length) : pattern;
  if (name === '' || name.includes('*') || name !== name.toLowerCase() || /[\s:/,]/.test(name)) {
    throw new Error(`fake-net: bad host pattern '${pattern}' (use lower-case 'host.name' or '*.host.name')`);
  }
}

export function hostMatches(pattern: string, host: string): boolean {
  return isWildcard(pattern) ? host.endsWith(pattern.slice(1)) : host === pattern;
}

/** Higher is more specific: any exact name beats every wildcard; a longer wildcard suffix beats a shorter one. */
export function specificity(pattern: string): number {
  return isWildcard(pattern) ? pattern.length : Number.MAX_SAFE_INTEGER;
}

/** `I.Mi.COM:443.` → `i.mi.com` (Host and :authority may carry a port; DNS names may end with a dot). */
export function normalizeHost(authority: string): string {
  const withoutPort = authority.startsWith('[')
    ? authority.slice(0, authority.indexOf(']') + 1)
    : authority.replace(/:\d*$/, '');
  return withoutPort.toLowerCase().replace(/\.$/, '');
}

export interface HostRoute<T> {
  readonly pattern: string;
  readonly target: T;
}

/** Resolves a host to the most specific pattern that matches it. */
export class HostRouter<T> {
  private readonly routes: HostRoute<T>[];

  constructor(routes: readonly HostRoute<T>[]) {
    const seen = new Set<string>();
    for (const { pattern } of routes) {
      assertValidHostPattern(pattern);
      if (seen.has(pattern)) throw new Error(`fake-net: host pattern '${pattern}' is claimed twice`);
      seen.add(pattern);
    }
    this.routes = [...routes].sort((a, b) => specificity(b.pattern) - specificity(a.pattern));
  }

  /** Most specific first: the order Chromium's resolver rules need (the first matching MAP wins). */
  get orderedRoutes(): readonly HostRoute<T>[] {
    return this.routes;
  }

  route(host: string): HostRoute<T> | undefined {
    return this.routes.find((route) => hostMatches(route.pattern, host));
  }
}
