import { describe, expect, it } from 'vitest';
import { preflight } from '../../src/google/index.ts';
import { jpegFile } from '../fakes/google/index.ts';
import {
  type Harness,
  harnessPerTest,
  type SavedUpload,
  sha1Hex,
  uploadResumably,
  videoOfSize,
} from './google-harness.ts';

const GRANULE = 262_144;
/** Small limits so a test video of about 1.1 MiB goes resumable in 256 KiB chunks. */
const SMALL_CHUNKS = { rawUploadLimit: 64 * 1024, chunkTargetBytes: GRANULE };

const start = harnessPerTest({ options: SMALL_CHUNKS });

function endpoints(h: Harness): string[] {
  return h.fake.state.requestLog.filter((e) => e.service === 'photos').map((e) => e.endpoint);
}

async function createOne(h: Harness, uploadToken: string, fileName: string) {
  const [result] = await h.google.mediaItems.batchCreate({ items: [{ uploadToken, fileName }] });
  if (result?.kind !== 'created') throw new Error(`not created: ${JSON.stringify(result)}`);
  return h.fake.state.mediaItems.get(result.mediaItemId);
}

describe('raw upload against the fake Google', () => {
  it('is one request; the UTF-8 name survives through simpleMediaItem.fileName', async () => {
    const h = await start();
    const bytes = jpegFile({ salt: 'beach' });
    const meta = {
      fileName: '海边 日落 🌅.jpg',
      mimeType: 'image/jpeg',
      size: bytes.length,
      sha1: sha1Hex(bytes),
    };
    const token = await h.google.uploads.uploadRaw(meta, new Blob([new Uint8Array(bytes)]));
    expect(endpoints(h)).toEqual(['uploads:raw']);
    expect(h.fake.state.uploadTokens.get(token)?.fileNameHeader).toBeUndefined();

    const item = await createOne(h, token, meta.fileName);
    expect(item?.filename).toBe('海边 日落 🌅.jpg');
    expect(item?.sha1).toBe(meta.sha1);
  });

  it('sends the ASCII name in the header too, and Google checks the SHA-1', async () => {
    const h = await start();
    const bytes = jpegFile({ salt: 'header' });
    const token = await h.google.uploads.uploadRaw(
      { fileName: 'IMG_0042.JPG', mimeType: 'image/jpeg', size: bytes.length, sha1: sha1Hex(bytes) },
      bytes,
    );
    expect(h.fake.state.uploadTokens.get(token)?.fileNameHeader).toBe('IMG_0042.JPG');
    expect(h.fake.state.requestLog.at(-1)?.headers['x-goog-hash']).toMatch(/^sha1=/);

    await expect(
      h.google.uploads.uploadRaw(
        {
          fileName: 'IMG_0043.JPG',
          mimeType: 'image/jpeg',
          size: bytes.length,
          sha1: sha1Hex(Buffer.from('other')),
        },
        bytes,
      ),
    ).rejects.toMatchObject({ kind: 'sha1-mismatch' });
  });

  it('never sends an empty file; had one been sent, its empty token is refused', async () => {
    const h = await start();
    expect(preflight({ type: 'image', size: 0, fileName: 'empty.jpg' })?.kind).toBe('empty-file');
    await expect(
      h.google.uploads.uploadRaw(
        { fileName: 'empty.jpg', mimeType: 'image/jpeg', size: 0 },
        new Uint8Array(),
      ),
    ).rejects.toMatchObject({ kind: 'unexpected-response' });
  });
});

describe('resumable upload against the fake Google', () => {
  const video = videoOfSize(4 * GRANULE + 12_345, 'clip');
  const meta = { fileName: 'clip.mp4', mimeType: 'video/mp4', size: video.length, sha1: sha1Hex(video) };

  it('is one start and one request per chunk, finalized with the whole-file SHA-1', async () => {
    const h = await start();
    expect(h.google.uploads.isResumable(video.length)).toBe(true);
    const token = await uploadResumably(h.google, meta, video, { offset: 0 });
    expect(endpoints(h)).toEqual(['uploads:start', ...Array(5).fill('uploads:chunk')]);
    const chunks = h.fake.state.requestLog.filter((e) => e.endpoint === 'uploads:chunk');
    expect(chunks.map((e) => e.bodyBytes)).toEqual([
      GRANULE,
      GRANULE,
      GRANULE,
      GRANULE,
      video.length - 4 * GRANULE,
    ]);
    expect(chunks.map((e) => e.headers['x-goog-upload-command'])).toEqual([
      'upload',
      'upload',
      'upload',
      'upload',
      'upload, finalize',
    ]);
    expect(chunks.map((e) => e.headers['x-goog-hash'] !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);

    const item = await createOne(h, token, meta.fileName);
    expect(item?.kind).toBe('video');
    expect(item?.sha1).toBe(meta.sha1);
  });

  it.each(['discard', 'keep-aligned'] as const)(
    'resumes a chunk cut mid-way from the count Google reports (partial chunks: %s)',
    async (partialChunkPolicy) => {
      const h = await start({
        fake: { partialChunkPolicy },
        options: { ...SMALL_CHUNKS, chunkTargetBytes: 2 * GRANULE },
      });
      const saved: SavedUpload = { offset: 0 };
      // The first chunk arrives whole; the second is cut after one and a half granules.
      h.fake.failNext('uploads:chunk', { kind: 'delay', ms: 0 });
      const original = h.google.uploads.uploadChunk.bind(h.google.uploads);
      let cut = false;
      h.google.uploads.uploadChunk = (session, offset, ...rest) => {
        if (offset === 2 * GRANULE && !cut) {
          cut = true;
          h.fake.cutNextUploadAfter(GRANULE + GRANULE / 2);
        }
        return original(session, offset, ...rest);
      };
      await expect(uploadResumably(h.google, meta, video, saved)).rejects.toMatchObject({
        kind: 'network-error',
      });
      expect(saved.offset).toBe(2 * GRANULE);

      const token = await uploadResumably(h.google, meta, video, saved);
      const resumedAt = partialChunkPolicy === 'discard' ? 2 * GRANULE : 3 * GRANULE;
      const log = h.fake.state.requestLog.filter((e) => e.service === 'photos');
      const query = log.findIndex((e) => e.endpoint === 'uploads:query');
      expect(log[query + 1]?.headers['x-goog-upload-offset']).toBe(String(resumedAt));
      expect(log.filter((e) => e.endpoint === 'uploads:start')).toHaveLength(1);

      const item = await createOne(h, token, meta.fileName);
      expect(item?.sha1).toBe(meta.sha1);
    },
  );

  it('resumes after a service-worker restart from the session the engine persisted', async () => {
    const h = await start();
    const saved: SavedUpload = { offset: 0 };
    h.fake.failNext('uploads:chunk', { kind: 'delay', ms: 0 });
    h.fake.failNext('uploads:chunk', { kind: 'reset', when: 'before-processing' });
    await expect(uploadResumably(h.google, meta, video, saved)).rejects.toMatchObject({
      kind: 'network-error',
    });

    // Only what the engine wrote survives: plain JSON in IndexedDB.
    const persisted: SavedUpload = JSON.parse(JSON.stringify(saved));
    const restarted = h.restart();
    const token = await uploadResumably(restarted, meta, video, persisted);

    expect(endpoints(h)).toEqual([
      'uploads:start',
      'uploads:chunk',
      'uploads:chunk',
      'uploads:query',
      'uploads:chunk',
      'uploads:chunk',
      'uploads:chunk',
      'uploads:chunk',
    ]);
    const item = await createOne(h, token, meta.fileName);
    expect(item?.sha1).toBe(meta.sha1);
  });

  it('restarts a session whose finalize answer was lost: a final session cannot give its token again', async () => {
    const h = await start();
    const saved: SavedUpload = { offset: 0 };
    for (let i = 0; i < 4; i++) h.fake.failNext('uploads:chunk', { kind: 'delay', ms: 0 });
    h.fake.failNext('uploads:chunk', { kind: 'reset', when: 'after-processing' });
    await expect(uploadResumably(h.google, meta, video, saved)).rejects.toMatchObject({
      kind: 'network-error',
    });

    const token = await uploadResumably(h.google, meta, video, saved);
    expect(endpoints(h).filter((e) => e === 'uploads:start')).toHaveLength(2);
    expect(endpoints(h)).toContain('uploads:query');
    const item = await createOne(h, token, meta.fileName);
    expect(item?.sha1).toBe(meta.sha1);
  });

  it('restarts a session older than 23 hours without querying it', async () => {
    const h = await start();
    const saved: SavedUpload = { offset: 0 };
    h.fake.failNext('uploads:chunk', { kind: 'reset', when: 'before-processing' });
    await expect(uploadResumably(h.google, meta, video, saved)).rejects.toMatchObject({
      kind: 'network-error',
    });
    h.fake.clock.advance(23 * 3_600_000 + 1);

    await uploadResumably(h.google, meta, video, saved);
    expect(endpoints(h).filter((e) => e === 'uploads:query')).toHaveLength(0);
    expect(endpoints(h).filter((e) => e === 'uploads:start')).toHaveLength(2);
  });

  it('restarts a session Google no longer knows', async () => {
    const h = await start({ fake: { uploadSessionMaxAgeMs: 3_600_000 } });
    const saved: SavedUpload = { offset: 0 };
    h.fake.failNext('uploads:chunk', { kind: 'reset', when: 'before-processing' });
    await expect(uploadResumably(h.google, meta, video, saved)).rejects.toMatchObject({
      kind: 'network-error',
    });
    h.fake.clock.advance(2 * 3_600_000);

    const token = await uploadResumably(h.google, meta, video, saved);
    expect(endpoints(h).filter((e) => e === 'uploads:query')).toHaveLength(1);
    expect(endpoints(h).filter((e) => e === 'uploads:start')).toHaveLength(2);
    await createOne(h, token, meta.fileName);
  });

  it('realigns after a chunk sent at the wrong offset', async () => {
    const h = await start();
    const session = await h.google.uploads.startSession(meta);
    await expect(
      h.google.uploads.uploadChunk(
        session,
        GRANULE,
        new Blob([new Uint8Array(video.subarray(GRANULE, 2 * GRANULE))]),
        false,
      ),
    ).rejects.toMatchObject({ kind: 'google-upload-session-lost' });
    expect(await h.google.uploads.resumeSession(session)).toEqual({ action: 'continue', offset: 0 });
  });

  it('reports a wrong SHA-1 at finalize, and the session must restart', async () => {
    const h = await start();
    const saved: SavedUpload = { offset: 0 };
    const wrong = { ...meta, sha1: sha1Hex(Buffer.from('not the video')) };
    await expect(uploadResumably(h.google, wrong, video, saved)).rejects.toMatchObject({
      kind: 'sha1-mismatch',
    });
    expect(await h.google.uploads.resumeSession(saved.session!)).toMatchObject({ action: 'restart' });
  });
});
