import { describe, expect, it, vi } from 'vitest';
import type { Platform } from '../platform/platform.ts';
import { type BackgroundApi, DEFAULT_SETTINGS } from '../shared/messages.ts';
import { createMockConnector } from '../ui/connector.ts';
import { createLazyApi } from './api.ts';
import { BadRequest, checkCall } from './validate.ts';

function problemOf(method: string, args: unknown[]): string | undefined {
  try {
    checkCall(method, args);
    return undefined;
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    return error.problem;
  }
}

describe('checkCall', () => {
  it.each<[string, unknown[]]>([
    ['snapshot', []],
    ['startJob', [['1', '2', '31415926535897932']]],
    ['saveSettings', [{ googleClientId: '' }]],
    ['saveSettings', [{ ...DEFAULT_SETTINGS }]],
    ['saveSettings', [{ maxConcurrentTransfers: 12, repairCaptureDates: false, quotaLookMinutes: 0.5 }]],
    ['saveLocalCopy', [{ albumIds: ['1000'] }]],
    ['saveLocalCopy', [{ failedAndSkipped: true }]],
  ])('accepts %s with the arguments the pages send', (method, args) => {
    expect(problemOf(method, args)).toBeUndefined();
  });

  it.each<[string, string, unknown[]]>([
    ['an unknown method', 'deleteEverything', []],
    ['a method of Object.prototype', 'constructor', []],
    ['arguments to a call that takes none', 'pauseJob', [1]],
    ['no album list', 'startJob', []],
    ['album ids that are numbers, which lose digits above 2^53', 'startJob', [[Number('24886749771200001')]]],
    ['album ids that are not digits', 'startJob', [['1', '../2']]],
    ['an empty album list', 'startJob', [[]]],
    ['a string instead of a list', 'startJob', ['1']],
    ['more albums than any library has', 'startJob', [Array.from({ length: 10_001 }, () => '1')]],
    ['an unknown setting', 'saveSettings', [{ googleClientId: 'x', debug: true }]],
    ['a setting named __proto__', 'saveSettings', [JSON.parse('{"__proto__": {"polluted": true}}')]],
    ['a setting of the wrong type', 'saveSettings', [{ repairCaptureDates: 'yes' }]],
    ['a concurrency past the cap', 'saveSettings', [{ maxConcurrentTransfers: 500 }]],
    ['a fractional concurrency', 'saveSettings', [{ maxConcurrentTransfers: 2.5 }]],
    ['a quota look that is not a number', 'saveSettings', [{ quotaLookMinutes: Number.NaN }]],
    ['a client id of megabytes', 'saveSettings', [{ googleClientId: 'x'.repeat(1_000_000) }]],
    ['settings that are not an object', 'saveSettings', [null]],
    ['settings as an array', 'saveSettings', [[]]],
    ['a local copy of both kinds', 'saveLocalCopy', [{ albumIds: ['1'], failedAndSkipped: true }]],
    ['a local copy with failedAndSkipped false', 'saveLocalCopy', [{ failedAndSkipped: false }]],
    ['a local copy of bad album ids', 'saveLocalCopy', [{ albumIds: [1] }]],
  ])('refuses %s', (_, method, args) => {
    expect(problemOf(method, args)).toMatch(/\S/);
  });
});

describe('the API as the port exposes it', () => {
  function exposed() {
    const real = createMockConnector({ google: { state: 'no-client-id' } }).api;
    const startJob = vi.fn(async (_ids: string[]) => undefined);
    const saveSettings = vi.fn(real.saveSettings);
    const api: BackgroundApi = { ...real, startJob, saveSettings };
    const platform = {
      i18n: {
        message: (key: string, subs: string[] = []) => `${key}(${subs.join('|')})`,
        uiLanguage: () => 'en',
      },
    } as unknown as Platform;
    return { lazy: createLazyApi(async () => ({ api, platform })), startJob, saveSettings };
  }

  it('passes a valid call on', async () => {
    const { lazy, startJob } = exposed();
    await lazy.startJob(['1', '31415926535897932']);
    expect(startJob).toHaveBeenCalledWith(['1', '31415926535897932']);
  });

  it('rejects a malformed call with words, before it reaches the API', async () => {
    const { lazy, startJob, saveSettings } = exposed();
    await expect(lazy.startJob([1 as unknown as string])).rejects.toThrow(
      'errBadRequest(startJob|albumIds must hold digit strings only)',
    );
    await expect(
      lazy.saveSettings({ googleClientId: 'x', evil: 1 } as unknown as Partial<typeof DEFAULT_SETTINGS>),
    ).rejects.toThrow('errBadRequest(saveSettings|"evil" is not a setting)');
    expect(startJob).not.toHaveBeenCalled();
    expect(saveSettings).not.toHaveBeenCalled();
  });

  it('rejects a method the API does not have, such as one inherited from Object', async () => {
    const { lazy } = exposed();
    const call = (lazy as unknown as Record<string, () => Promise<unknown>>).toString!;
    await expect(call()).rejects.toThrow('errBadRequest(toString|not a call the background offers)');
  });
});
