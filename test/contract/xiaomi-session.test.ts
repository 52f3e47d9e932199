/**
 * Session detection and keep-alive (xiaomi-api.md §1.1, §2, §3.2) against the fake Xiaomi Cloud:
 * the browser's cookies ride along, the module finds the host and reads the 401s.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHARD, VERIFY_PHONE_PATH } from '../fakes/xiaomi/index.ts';
import { type XiaomiHarness, xiaomiPerTest } from './xiaomi-harness.ts';

const start = xiaomiPerTest();

const probedHosts = (h: XiaomiHarness) => h.xiaomi.requestsTo('album-list').map((r) => r.host);

describe('checkSession against the fake', () => {
  it('reports a browser without a Xiaomi session as logged out, with the login page the 401 names', async () => {
    const { source, xiaomi } = await start({ signedIn: false });
    const state = await source.checkSession();
    expect(state.state).toBe('logged-out');
    const loginUrl = new URL(state.state === 'logged-out' ? state.loginUrl : '');
    expect(loginUrl.host).toBe('account.xiaomi.com');
    expect(loginUrl.pathname).toBe('/pass/serviceLogin');
    expect(loginUrl.searchParams.get('callback')).toContain('https://i.mi.com/sts');
    expect(xiaomi.requestsTo('album-list').every((r) => r.status === 401)).toBe(true);
  });

  it('finds the session on i.mi.com, riding the browser’s cookies', async () => {
    const h = await start();
    const { source, xiaomi } = h;
    expect(await source.checkSession()).toEqual({
      state: 'logged-in',
      host: 'i.mi.com',
      userId: '123456789',
    });
    expect(probedHosts(h)).toEqual(['i.mi.com']);
    const [probe] = xiaomi.requestsTo('album-list');
    expect(probe?.cookieNames).toEqual(expect.arrayContaining(['serviceToken', 'userId']));
  });

  it('finds an account on a regional host whose cookies span all of mi.com', async () => {
    const h = await start({ accountHost: 'us.i.mi.com' });
    expect(await h.source.checkSession()).toEqual({
      state: 'logged-in',
      host: 'us.i.mi.com',
      userId: '123456789',
    });
    expect(probedHosts(h)).toEqual(['i.mi.com', 'us.i.mi.com']);
  });

  it('goes straight to the regional host that holds the session cookies', async () => {
    const h = await start({ accountHost: 'in.i.mi.com', cookieDomain: 'host-only' });
    expect(await h.source.checkSession()).toMatchObject({ state: 'logged-in', host: 'in.i.mi.com' });
    expect(probedHosts(h)).toEqual(['in.i.mi.com']);
  });

  it('tries the host of an open Xiaomi tab first', async () => {
    const h = await start({ accountHost: 'eu.i.mi.com' });
    h.tabs.push('https://eu.i.mi.com/gallery/h5#/');
    expect(await h.source.checkSession()).toMatchObject({ state: 'logged-in', host: 'eu.i.mi.com' });
    expect(probedHosts(h)).toEqual(['eu.i.mi.com']);
  });

  it('follows the shard redirect, gets past the 401 that follows it, and stays on the shard', async () => {
    const { source, xiaomi } = await start({ shard: DEFAULT_SHARD });
    expect(await source.checkSession()).toEqual({
      state: 'logged-in',
      host: 's010.i.mi.com',
      userId: '123456789',
    });
    expect(xiaomi.requestsTo('album-list').map((r) => [r.host, r.status])).toEqual([
      ['i.mi.com', 302],
      ['s010.i.mi.com', 401],
      ['s010.i.mi.com', 200],
    ]);
    const albums = await source.listAlbums();
    expect(albums.length).toBeGreaterThan(0);
    expect(
      xiaomi
        .requestsTo('album-list')
        .slice(3)
        .every((r) => r.host === 's010.i.mi.com'),
    ).toBe(true);
  });

  it('reports the pending gallery verification, and the session once it is done', async () => {
    const { source, fetch } = await start({ secondValidation: true });
    expect(await source.checkSession()).toEqual({
      state: 'second-validation',
      host: 'i.mi.com',
      verifyUrl: 'https://i.mi.com/gallery/h5#/',
    });
    await expect(source.listAlbums()).rejects.toMatchObject({
      kind: 'xiaomi-second-validation',
      scope: 'job',
    });
    await (await fetch(`https://i.mi.com${VERIFY_PHONE_PATH}`, { credentials: 'include' })).text();
    expect(await source.checkSession()).toMatchObject({ state: 'logged-in', host: 'i.mi.com' });
  });

  it('reports end-to-end encryption and refuses to list or download', async () => {
    const { source } = await start({ e2eeStatus: 'open' });
    expect(await source.checkSession()).toEqual({ state: 'e2ee-on', host: 'i.mi.com' });
    await expect(source.listAlbums()).rejects.toMatchObject({ kind: 'xiaomi-e2ee-on', scope: 'job' });
  });
});

describe('keepAlive against the fake', () => {
  it('calls the AutoRenewal setting and lets the browser store the renewed token', async () => {
    const { source, xiaomi, fetch } = await start();
    const before = xiaomi.state.currentToken;
    await source.keepAlive();
    const [call] = xiaomi.requestsTo('setting');
    expect(call?.query).toMatchObject({ type: 'AutoRenewal', inactiveTime: '10' });
    expect(call?.query.ts).toMatch(/^\d{13}$/);
    expect(xiaomi.state.currentToken).not.toBe(before);
    const jarToken = fetch.cookies.all().find((c) => c.name === 'serviceToken')?.value;
    expect(jarToken).toBe(xiaomi.state.currentToken);
    // The renewed token carries the session on: listing still works.
    await expect(source.listAlbums()).resolves.not.toHaveLength(0);
  });

  it('throws xiaomi-logged-out once the session is gone, so the engine pauses the job', async () => {
    const { source, xiaomi } = await start();
    await source.keepAlive();
    xiaomi.expireSession();
    await expect(source.keepAlive()).rejects.toMatchObject({ kind: 'xiaomi-logged-out', scope: 'job' });
    xiaomi.restoreSession();
    await expect(source.keepAlive()).resolves.toBeUndefined();
  });
});
