/**
 * Texts Google limits: album titles (500 characters, google-photos-api.md §D1), descriptions (1000)
 * and file names (255 including the extension, §C2), and the file-name header, which must be a
 * byte string (§B6). Lengths are counted in UTF-16 code units, never more than Google's characters,
 * and a cut never splits a surrogate pair (an emoji in a title must not become a broken character).
 */

const ALBUM_TITLE_MAX = 500;
const DESCRIPTION_MAX = 1000;
const FILE_NAME_MAX = 255;
const ELLIPSIS = '...';

/** The first `length` code units, one fewer when the last would be half of a surrogate pair. */
function cutAt(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? length - 1 : length);
}

function truncateWithEllipsis(text: string, max: number): string {
  return text.length <= max ? text : cutAt(text, max - ELLIPSIS.length) + ELLIPSIS;
}

/** As DTP does: 497 characters and '...' when longer than 500 (§D1). */
export function albumTitle(title: string): string {
  return truncateWithEllipsis(title, ALBUM_TITLE_MAX);
}

/** 997 characters and '...' when longer than 1000 (§C2). */
export function mediaItemDescription(description: string): string {
  return truncateWithEllipsis(description, DESCRIPTION_MAX);
}

/** The base name (§E9: a path shows up in Google Photos), shortened before its extension to 255 (§C2). */
export function mediaItemFileName(fileName: string): string {
  const baseName = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  if (baseName.length <= FILE_NAME_MAX) return baseName;
  const extension = /\.[^.]{1,16}$/.exec(baseName)?.[0] ?? '';
  return (
    cutAt(baseName.slice(0, baseName.length - extension.length), FILE_NAME_MAX - extension.length) + extension
  );
}

/**
 * The value for `X-Goog-Upload-File-Name`, or undefined when the name is not printable ASCII:
 * fetch() throws on header values outside Latin-1, and Latin-1 would reach Google as mojibake. The
 * real name always travels in `simpleMediaItem.fileName`, which overrides the header (§B6, §C2).
 */
export function fileNameHeader(fileName: string): string | undefined {
  const name = mediaItemFileName(fileName);
  return /^[\x20-\x7e]+$/.test(name) ? name : undefined;
}
