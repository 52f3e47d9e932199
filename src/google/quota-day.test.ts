import { describe, expect, it } from 'vitest';
import { nextPacificMidnight } from './quota-day.ts';

const utc = (iso: string) => Date.parse(iso);

describe('nextPacificMidnight', () => {
  it('is 08:00 UTC in winter (PST, UTC−8)', () => {
    expect(nextPacificMidnight(utc('2026-01-15T20:00:00Z'))).toBe(utc('2026-01-16T08:00:00Z'));
  });

  it('is 07:00 UTC in summer (PDT, UTC−7)', () => {
    expect(nextPacificMidnight(utc('2026-07-15T20:00:00Z'))).toBe(utc('2026-07-16T07:00:00Z'));
  });

  it('counts the Pacific date, not the UTC date, in the evening', () => {
    // 2026-07-16T03:00Z is still the 15th, 20:00, in Los Angeles.
    expect(nextPacificMidnight(utc('2026-07-16T03:00:00Z'))).toBe(utc('2026-07-16T07:00:00Z'));
  });

  it('is the following midnight when called exactly at midnight', () => {
    expect(nextPacificMidnight(utc('2026-07-16T07:00:00Z'))).toBe(utc('2026-07-17T07:00:00Z'));
  });

  it('spans the spring-forward night (a 23-hour day, 2026-03-08)', () => {
    // 2026-03-08T00:30 PST: the next midnight is 2026-03-09T00:00 PDT.
    expect(nextPacificMidnight(utc('2026-03-08T08:30:00Z'))).toBe(utc('2026-03-09T07:00:00Z'));
    // The evening before: midnight is still PST.
    expect(nextPacificMidnight(utc('2026-03-08T06:00:00Z'))).toBe(utc('2026-03-08T08:00:00Z'));
  });

  it('spans the fall-back night (a 25-hour day, 2026-11-01)', () => {
    // 2026-11-01T00:30 PDT: the next midnight is 2026-11-02T00:00 PST.
    expect(nextPacificMidnight(utc('2026-11-01T07:30:00Z'))).toBe(utc('2026-11-02T08:00:00Z'));
    // 23:59 PDT on 2026-10-31: midnight is one minute on, still PDT.
    expect(nextPacificMidnight(utc('2026-11-01T06:59:00Z'))).toBe(utc('2026-11-01T07:00:00Z'));
  });

  it('crosses the year end', () => {
    expect(nextPacificMidnight(utc('2026-12-31T23:00:00Z'))).toBe(utc('2027-01-01T08:00:00Z'));
  });
});
