import { beforeAll, describe, expect, it } from 'vitest';
import { jpegFile } from './index.ts';
import { postJson, serveFakeGoogle, uploadRaw } from './test-servers.ts';

const { google, servers } = serveFakeGoogle();

beforeAll(async () => {
  const token = google.issueAccessToken();
  const album = (await postJson(servers, token, '/v1/albums', { album: { title: 'Holiday <2026>' } })).json();
  const uploadToken = await uploadRaw(servers, token, jpegFile({ salt: 'inspector' }));
  await postJson(servers, token, '/v1/mediaItems:batchCreate', {
    albumId: album.id,
    newMediaItems: [{ simpleMediaItem: { uploadToken, fileName: 'beach.jpg' } }],
  });
});

describe('/__fake/ inspector', () => {
  it('shows albums and items as they arrived, escaped, without logging the visit', async () => {
    const logged = google.state.requestLog.length;
    const page = await servers.photos.request({ path: '/__fake/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Holiday &lt;2026&gt;');
    expect(page.text).toContain('beach.jpg');
    expect(google.state.requestLog.length).toBe(logged);
  });

  it('serves the same as JSON at /__fake/state', async () => {
    const state = (await servers.photos.request({ path: '/__fake/state' })).json();
    expect(state.albums).toHaveLength(1);
    expect(state.albums[0]).toMatchObject({ title: 'Holiday <2026>', deletedByUser: false });
    expect(state.mediaItems).toHaveLength(1);
    expect(state.mediaItems[0]).toMatchObject({ filename: 'beach.jpg', mimeType: 'image/jpeg' });
    expect(state.albums[0].itemIds).toEqual([state.mediaItems[0].id]);
    expect(state.mediaItems[0].bytes).toBeUndefined();
  });
});
