import { describe, expect, it } from 'vitest';
import { HostRouter, hostMatches, normalizeHost } from './hosts.ts';

describe('host patterns', () => {
  it('matches a wildcard against subdomains at any depth but not the bare domain', () => {
    expect(hostMatches('*.mi.com', 'i.mi.com')).toBe(true);
    expect(hostMatches('*.mi.com', 'ali.xmssdn.micloud.mi.com')).toBe(true);
    expect(hostMatches('*.mi.com', 'mi.com')).toBe(false);
    expect(hostMatches('*.mi.com', 'xiaomi.com')).toBe(false);
    expect(hostMatches('i.mi.com', 's010.i.mi.com')).toBe(false);
  });

  it('normalizes Host and :authority values', () => {
    expect(normalizeHost('I.Mi.COM:443')).toBe('i.mi.com');
    expect(normalizeHost('i.mi.com.')).toBe('i.mi.com');
    expect(normalizeHost('[::1]:8443')).toBe('[::1]');
  });
});

describe('HostRouter', () => {
  const router = new HostRouter([
    { pattern: '*.mi.com', target: 'any-mi' },
    { pattern: 'i.mi.com', target: 'web' },
    { pattern: '*.i.mi.com', target: 'shard' },
  ]);

  it('routes to the most specific match', () => {
    expect(router.route('i.mi.com')?.target).toBe('web');
    expect(router.route('s010.i.mi.com')?.target).toBe('shard');
    expect(router.route('ali.xmssdn.micloud.mi.com')?.target).toBe('any-mi');
    expect(router.route('photoslibrary.googleapis.com')).toBeUndefined();
  });

  it('lists routes most specific first, as Chromium resolver rules need them', () => {
    expect(router.orderedRoutes.map((route) => route.pattern)).toEqual([
      'i.mi.com',
      '*.i.mi.com',
      '*.mi.com',
    ]);
  });

  it('refuses a pattern claimed twice or written wrongly', () => {
    expect(
      () =>
        new HostRouter([
          { pattern: 'a.com', target: 1 },
          { pattern: 'a.com', target: 2 },
        ]),
    ).toThrow(/claimed twice/);
    for (const pattern of ['a.*.com', 'I.MI.COM', 'i.mi.com:443', '*.', '']) {
      expect(() => new HostRouter([{ pattern, target: 1 }]), pattern).toThrow(/bad host pattern/);
    }
  });
});
