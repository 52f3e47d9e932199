/**
 * Writes the TIFF structure that EXIF blocks are (big-endian, "MM\0*"): IFD0 with the given ASCII
 * entries and, when `exif` has any, a pointer to an EXIF sub-IFD holding those. Values longer than
 * four bytes follow the IFDs. Used by both fakes' media files (the library's and Google's fixtures).
 */

/** One ASCII entry: the tag and its text (written with its terminating NUL). */
export interface TiffText {
  tag: number;
  text: string;
}

const EXIF_IFD_POINTER = 0x8769;
const TYPE_ASCII = 2;
const TYPE_LONG = 4;

type Entry = TiffText | { tag: number; pointer: 'exif' };

/** The TIFF structure, without the "Exif\0\0" prefix containers add. */
export function tiffStructure(ifd0Texts: readonly TiffText[], exif: readonly TiffText[]): Buffer {
  const ifd0: Entry[] =
    exif.length > 0 ? [...ifd0Texts, { tag: EXIF_IFD_POINTER, pointer: 'exif' }] : [...ifd0Texts];
  const ifdSize = (entries: readonly Entry[]) => 2 + entries.length * 12 + 4;
  const ifd0Offset = 8;
  const exifIfdOffset = ifd0Offset + ifdSize(ifd0);
  let dataOffset = exifIfdOffset + (exif.length > 0 ? ifdSize(exif) : 0);
  const data: Buffer[] = [];

  const writeIfd = (entries: readonly Entry[]): Buffer => {
    const ifd = Buffer.alloc(ifdSize(entries));
    ifd.writeUInt16BE(entries.length, 0);
    entries.forEach((entry, i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16BE(entry.tag, at);
      if ('pointer' in entry) {
        ifd.writeUInt16BE(TYPE_LONG, at + 2);
        ifd.writeUInt32BE(1, at + 4);
        ifd.writeUInt32BE(exifIfdOffset, at + 8);
        return;
      }
      const text = Buffer.from(`${entry.text}\0`, 'latin1');
      ifd.writeUInt16BE(TYPE_ASCII, at + 2);
      ifd.writeUInt32BE(text.length, at + 4);
      if (text.length <= 4) {
        text.copy(ifd, at + 8);
      } else {
        ifd.writeUInt32BE(dataOffset, at + 8);
        data.push(text);
        dataOffset += text.length;
      }
    });
    return ifd;
  };

  const header = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, ifd0Offset]);
  const ifd0Block = writeIfd(ifd0);
  const exifBlock = exif.length > 0 ? writeIfd(exif) : Buffer.alloc(0);
  return Buffer.concat([header, ifd0Block, exifBlock, ...data]);
}
