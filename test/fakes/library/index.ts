/**
 * Deterministic sample libraries with real bytes whose SHA-1 matches the listing, for the fake
 * Xiaomi Cloud, the contract and end-to-end tests, the demo and the benchmarks.
 *
 * - `makeLibrary(spec)` builds a library from albums and items; each item has `size`, `sha1`,
 *   `open(start, end)` (a stream from any offset), `blocks()` and `buffer()`.
 * - Presets: `presetSmall()`, `presetDemo()`, `presetBulk(options)`, and the bad-input libraries
 *   `presetAwkwardNames()` and `presetHugeAlbum(options)`.
 * - `createMedia(options)` makes one valid file (JPEG, PNG, HEIC, MP4, MOV, corrupt RAW, empty) of an
 *   exact size, streamed, never held in memory.
 */
export * from './bad-inputs.ts';
export { exifDateTime, exifOffset } from './exif.ts';
export { MAX_BUFFERED_BYTES } from './generated-file.ts';
export * from './library.ts';
export * from './media.ts';
export * from './presets.ts';
