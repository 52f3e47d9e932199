/**
 * `GET /__fake/` (an HTML page of the albums and items as they arrived, for demos) and
 * `GET /__fake/state` (the same as JSON). Not part of the real API; never logged or counted.
 */
import { escapeHtml, htmlPage } from './html.ts';
import { htmlReply, jsonReply, type Reply } from './http.ts';
import type { FakeGoogleState } from './state.ts';

export function isInspectorPath(pathname: string): boolean {
  return pathname === '/__fake' || pathname.startsWith('/__fake/');
}

function inspectorHtml(state: FakeGoogleState): string {
  const albumsOf = (itemId: string) =>
    state
      .albumList()
      .filter((album) => album.itemIds.includes(itemId))
      .map((album) => album.title);
  const albumRows = state
    .albumList()
    .map(
      (album) =>
        `<tr><td>${escapeHtml(album.title)}</td><td>${album.itemIds.length}</td><td>${album.deletedByUser ? 'deleted by user' : ''}</td><td><code>${escapeHtml(album.id)}</code></td></tr>`,
    )
    .join('\n');
  const itemRows = state
    .mediaItemList()
    .map(
      (item) =>
        `<tr><td>${item.sequence}</td><td>${escapeHtml(item.filename)}</td><td>${escapeHtml(item.mimeType)}</td><td>${item.byteLength}</td><td>${escapeHtml(item.creationTime)}</td><td>${escapeHtml(albumsOf(item.id).join(', '))}</td><td><code>${item.sha1.slice(0, 12)}</code></td></tr>`,
    )
    .join('\n');
  return htmlPage(
    'Fake Google Photos',
    `<h1>Fake Google Photos</h1>
<h2>Albums (${state.albums.size})</h2>
<table><tr><th>Title</th><th>Items</th><th></th><th>Id</th></tr>
${albumRows}
</table>
<h2>Media items (${state.mediaItems.size})</h2>
<table><tr><th>#</th><th>File name</th><th>Type</th><th>Bytes</th><th>Created</th><th>Albums</th><th>SHA-1</th></tr>
${itemRows}
</table>`,
  );
}

export function inspectorReply(state: FakeGoogleState, pathname: string): Reply {
  if (pathname === '/__fake/state') return jsonReply(200, state.snapshot());
  return htmlReply(200, inspectorHtml(state));
}
