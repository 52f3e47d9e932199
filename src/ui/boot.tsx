/**
 * Starts a page: the words and the background of the extension when the page is one of its own,
 * a made-up background otherwise (the page opened from a dev server for a look at a state).
 */
import './style.css';
import type { ComponentType } from 'preact';
import { render } from 'preact';
import { type Connector, createExtensionConnector } from './connector.ts';
import { PageContext } from './hooks.ts';
import { locale, type MessageKey, setMessageSource, t } from './i18n.ts';
import { createSnapshotStore } from './snapshot-store.ts';

async function connect(): Promise<Connector> {
  if (location.protocol === 'chrome-extension:') {
    // Loaded only here: the browser-extension polyfill refuses to run anywhere else.
    const { createWebExtPlatform } = await import('../platform/webext.ts');
    const platform = createWebExtPlatform();
    setMessageSource(platform.i18n);
    return createExtensionConnector(platform);
  }
  const { previewConnector } = await import('./sample.ts');
  return previewConnector(new URLSearchParams(location.search).get('sample'));
}

export async function mountPage(Page: ComponentType, titleKey: MessageKey, pageClass: string): Promise<void> {
  const connector = await connect();
  document.documentElement.lang = locale();
  document.documentElement.classList.add(pageClass);
  document.title = t(titleKey);
  const store = createSnapshotStore(connector);
  const root = document.getElementById('app');
  if (!root) throw new Error('The page has no #app element.');
  render(
    <PageContext.Provider value={{ connector, store }}>
      <Page />
    </PageContext.Provider>,
    root,
  );
}
