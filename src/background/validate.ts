/**
 * Every call that arrives over the pages' port is checked before it reaches the API: the method
 * must be one of `BackgroundApi`'s own, and its arguments exactly of the shapes the pages send.
 * Only this extension's pages may connect (src/platform/webext.ts checks the sender), so this
 * guards against a page's bug or a compromised page rather than the web: nothing malformed is
 * stored in the settings or handed to the engine, whatever arrives.
 */
import type { BackgroundApi, Settings } from '../shared/messages.ts';
import { MAX_CONCURRENCY_CAP } from './settings.ts';

/** A call the background does not accept; `problem` says why, in a developer's words. */
export class BadRequest extends Error {
  constructor(
    readonly method: string,
    readonly problem: string,
  ) {
    super(`${method}: ${problem}`);
    this.name = 'BadRequest';
  }
}

/** Undefined when the arguments are acceptable, else what is wrong with them. */
type ArgumentCheck = (args: unknown[]) => string | undefined;

/** Xiaomi album ids are digit strings (17 digits for user albums, xiaomi-api.md §4). */
const ALBUM_ID = /^\d{1,20}$/;
/** Far more albums than any library has, and a bound on what one call may make the background do. */
const MAX_ALBUM_IDS = 10_000;
const MAX_CLIENT_ID_LENGTH = 256;
const MAX_QUOTA_LOOK_MINUTES = 24 * 60;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const noArguments: ArgumentCheck = (args) => (args.length === 0 ? undefined : 'takes no arguments');

function albumIdsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ALBUM_IDS)
    return `albumIds must be a list of 1 to ${MAX_ALBUM_IDS} album ids`;
  if (!value.every((id) => typeof id === 'string' && ALBUM_ID.test(id)))
    return 'albumIds must hold digit strings only';
  return undefined;
}

/** The acceptable values of each setting; a new setting does not compile until it has a rule here. */
const SETTING_RULES: { [K in keyof Settings]: (value: unknown) => boolean } = {
  googleClientId: (value) => typeof value === 'string' && value.length <= MAX_CLIENT_ID_LENGTH,
  maxConcurrentTransfers: (value) =>
    Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_CONCURRENCY_CAP,
  repairCaptureDates: (value) => typeof value === 'boolean',
  favoritesAlbum: (value) => typeof value === 'boolean',
  quotaLookMinutes: (value) => typeof value === 'number' && value >= 0.5 && value <= MAX_QUOTA_LOOK_MINUTES,
};

function settingsProblem(changes: unknown): string | undefined {
  if (!isPlainObject(changes)) return 'changes must be an object of settings';
  for (const [key, value] of Object.entries(changes)) {
    if (!Object.hasOwn(SETTING_RULES, key)) return `${JSON.stringify(key)} is not a setting`;
    if (!SETTING_RULES[key as keyof Settings](value)) return `${key} cannot be ${JSON.stringify(value)}`;
  }
  return undefined;
}

function localCopyProblem(request: unknown): string | undefined {
  if (!isPlainObject(request)) return 'the request must be an object';
  const keys = Object.keys(request);
  if (keys.length === 1 && keys[0] === 'albumIds') return albumIdsProblem(request.albumIds);
  if (keys.length === 1 && request.failedAndSkipped === true) return undefined;
  return 'the request must be { albumIds } or { failedAndSkipped: true }';
}

function oneArgument(problem: (value: unknown) => string | undefined): ArgumentCheck {
  return (args) => (args.length === 1 ? problem(args[0]) : 'takes exactly one argument');
}

/** Every method of the API with the check of its arguments; the type makes the list complete. */
const CALLS: { [M in keyof BackgroundApi]: ArgumentCheck } = {
  snapshot: noArguments,
  refreshXiaomi: noArguments,
  listAlbums: noArguments,
  openXiaomi: noArguments,
  openOptions: noArguments,
  openReport: noArguments,
  googleSignIn: noArguments,
  googleSignOut: noArguments,
  getSettings: noArguments,
  saveSettings: oneArgument(settingsProblem),
  startJob: oneArgument(albumIdsProblem),
  pauseJob: noArguments,
  resumeJob: noArguments,
  cancelJob: noArguments,
  retryFailed: noArguments,
  receipt: noArguments,
  saveLocalCopy: oneArgument(localCopyProblem),
  resumeLocalCopy: noArguments,
  cancelLocalCopy: noArguments,
};

/** Throws BadRequest unless `method` is an API call and `args` fit it. */
export function checkCall(method: string, args: unknown[]): asserts method is keyof BackgroundApi {
  if (!Object.hasOwn(CALLS, method)) throw new BadRequest(method, 'not a call the background offers');
  const problem = CALLS[method as keyof BackgroundApi](args);
  if (problem !== undefined) throw new BadRequest(method, problem);
}
