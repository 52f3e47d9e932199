/**
 * Only this extension's own pages may drive the engine (Dark Reader-style sender check): not a
 * content script, which runs in a web page under this extension's id (none exists today, and one
 * added later must not inherit the pages' powers), nor anything else. Other extensions and web
 * pages never reach `runtime.onConnect` at all (no `externally_connectable`).
 */
export function isOwnPage(
  sender: { id?: string; url?: string } | undefined,
  ownId: string,
  /** `chrome-extension://<id>/`, with its trailing slash. */
  ownOrigin: string,
): boolean {
  return sender?.id === ownId && typeof sender.url === 'string' && sender.url.startsWith(ownOrigin);
}
