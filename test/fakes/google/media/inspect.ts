/**
 * What Google Photos would make of a file: accepted or not (decided by magic bytes, like Google's own
 * content sniffing; §E1 lists the accepted formats), its MIME type, size and embedded capture date
 * (§E8: EXIF DateTimeOriginal for photos, mvhd creation_time for videos).
 */
import { heifImageSize, movieCreationTime, readFileType, type Size, videoTrackSize } from './bmff.ts';
import { findEmbeddedExif, isTiffHeader, readTiff, type TiffFacts } from './tiff.ts';

export type MediaKind = 'photo' | 'video';

export interface MediaInfo {
  kind: MediaKind;
  mimeType: string;
  /** Used for the date-named file name Google gives an item uploaded without a name (§E9). */
  extension: string;
  width?: number;
  height?: number;
  /** Epoch ms of the embedded capture date, when the file has one. */
  capturedAt?: number;
  cameraMake?: string;
  cameraModel?: string;
}

type Facts = Partial<Size> & Omit<TiffFacts, 'width' | 'height'>;

function photo(mimeType: string, extension: string, facts: Facts = {}): MediaInfo {
  return { kind: 'photo', mimeType, extension, ...facts };
}

function video(mimeType: string, extension: string): MediaInfo {
  return { kind: 'video', mimeType, extension };
}

/** MP4/MOV/3GP: size from the video track, date from the movie header. */
function isoVideo(mimeType: string, extension: string, bytes: Buffer): MediaInfo {
  const capturedAt = movieCreationTime(bytes);
  return {
    ...video(mimeType, extension),
    ...videoTrackSize(bytes),
    ...(capturedAt === undefined ? {} : { capturedAt }),
  };
}

/** The EXIF facts that describe the capture, not the (thumbnail) size an EXIF block may also carry. */
function captureFacts({ cameraMake, cameraModel, capturedAt }: TiffFacts): Facts {
  return {
    ...(cameraMake === undefined ? {} : { cameraMake }),
    ...(cameraModel === undefined ? {} : { cameraModel }),
    ...(capturedAt === undefined ? {} : { capturedAt }),
  };
}

function startsWith(bytes: Buffer, signature: readonly number[], at = 0): boolean {
  return signature.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes: Buffer, from: number, to: number): string {
  return bytes.toString('latin1', from, to);
}

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the JPEG segments up to the scan: the frame size from SOFn and EXIF from APP1. */
function jpegFacts(bytes: Buffer): Facts {
  const facts: Facts = {};
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1]!;
    // A marker may be preceded by 0xFF fill bytes.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const length = bytes.readUInt16BE(offset + 2);
    const payload = offset + 4;
    if (marker === 0xe1 && ascii(bytes, payload, payload + 6) === 'Exif\0\0') {
      Object.assign(facts, captureFacts(readTiff(bytes, payload + 6)));
    }
    if (SOF_MARKERS.has(marker) && payload + 5 <= bytes.length) {
      facts.height = bytes.readUInt16BE(payload + 1);
      facts.width = bytes.readUInt16BE(payload + 3);
    }
    offset += 2 + length;
  }
  return facts;
}

function webpSize(bytes: Buffer): Size | undefined {
  const chunk = ascii(bytes, 12, 16);
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  }
  return undefined;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'mmp4',
  'dash',
  'MSNV',
  'XAVC',
  'NDAS',
  'f4v ',
]);
/** Top-level atoms an old QuickTime file may begin with instead of `ftyp`. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

function isoMedia(bytes: Buffer): MediaInfo | undefined {
  const fileType = readFileType(bytes);
  if (!fileType) {
    return QUICKTIME_ATOMS.has(ascii(bytes, 4, 8)) ? isoVideo('video/quicktime', 'mov', bytes) : undefined;
  }
  const { majorBrand, brands } = fileType;
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) {
    return photo('image/avif', 'avif', { ...heifImageSize(bytes), ...captureFacts(findEmbeddedExif(bytes)) });
  }
  if (HEIF_BRANDS.has(majorBrand)) {
    return photo('image/heic', 'heic', { ...heifImageSize(bytes), ...captureFacts(findEmbeddedExif(bytes)) });
  }
  if (majorBrand === 'qt  ') return isoVideo('video/quicktime', 'mov', bytes);
  if (majorBrand.startsWith('3g2')) return isoVideo('video/3gpp2', '3g2', bytes);
  if (majorBrand.startsWith('3gp')) return isoVideo('video/3gpp', '3gp', bytes);
  if (majorBrand.startsWith('M4V')) return isoVideo('video/x-m4v', 'm4v', bytes);
  if (MP4_BRANDS.has(majorBrand)) return isoVideo('video/mp4', 'mp4', bytes);
  return undefined;
}

/** Classifies `bytes`; undefined means Google would reject them (BAD_IMAGE, §C7). */
export function inspectMedia(bytes: Buffer): MediaInfo | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return photo('image/jpeg', 'jpg', jpegFacts(bytes));
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && bytes.length >= 24) {
    return photo('image/png', 'png', { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });
  }
  const head = ascii(bytes, 0, 6);
  if ((head === 'GIF87a' || head === 'GIF89a') && bytes.length >= 10) {
    return photo('image/gif', 'gif', { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) });
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    return photo('image/webp', 'webp', { ...webpSize(bytes), ...captureFacts(findEmbeddedExif(bytes)) });
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'AVI ') return video('video/x-msvideo', 'avi');
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) {
    return photo('image/bmp', 'bmp', {
      width: bytes.readInt32LE(18),
      height: Math.abs(bytes.readInt32LE(22)),
    });
  }
  if (isTiffHeader(bytes)) return photo('image/tiff', 'tif', readTiff(bytes));
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00]) && bytes.length >= 8) {
    return photo('image/x-icon', 'ico', { width: bytes[6] || 256, height: bytes[7] || 256 });
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return video('video/x-matroska', 'mkv');
  if (startsWith(bytes, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) {
    return video('video/x-ms-asf', 'wmv');
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba])) return video('video/mpeg', 'mpg');
  if (bytes[0] === 0x47 && bytes[188] === 0x47) return video('video/mp2t', 'mts');
  if (bytes.length >= 12) return isoMedia(bytes);
  return undefined;
}
