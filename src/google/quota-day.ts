/**
 * Google's daily Library API quota resets at midnight Pacific time (google-photos-api.md §E3), so a
 * daily-quota 429 waits until the next midnight in America/Los_Angeles, whatever the local zone.
 */

const PACIFIC = 'America/Los_Angeles';

const pacificWallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(epochMs: number): WallClock {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of pacificWallClock.formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Pacific wall-clock time minus UTC at `epochMs`: −8 h in winter (PST), −7 h in summer (PDT). */
function pacificOffsetMs(epochMs: number): number {
  const wall = wallClockAt(epochMs);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The first midnight in America/Los_Angeles strictly after `epochMs`, as epoch ms. */
export function nextPacificMidnight(epochMs: number): number {
  const today = wallClockAt(epochMs);
  const midnightAsUtc = Date.UTC(today.year, today.month - 1, today.day + 1);
  // The offset at midnight can differ from the one now when DST changes in between (at 02:00, so
  // midnight itself always exists once); a second pass with the offset found at the guess settles it.
  const guess = midnightAsUtc - pacificOffsetMs(epochMs);
  return midnightAsUtc - pacificOffsetMs(guess);
}
