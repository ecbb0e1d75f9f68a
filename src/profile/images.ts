/**
 * The business profile's images (logo and photos): what an upload must be,
 * read from its bytes, never from the client's content type: PNG, JPEG or
 * WebP by magic number, at most IMAGE_MAX_BYTES, and dimensions a directory
 * will take (IMAGE_MIN_SIDE to IMAGE_MAX_SIDE pixels a side, read from the
 * file's own header). Stored in R2 (the EVIDENCE bucket the browser worker
 * already reads) under `profiles/<customer id>/`, so one customer's keys
 * never name another's objects.
 */
import { ApiError } from "../http/errors";

export const IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const IMAGE_MIN_SIDE = 16;
export const IMAGE_MAX_SIDE = 8000;
export const PHOTOS_MAX = 10;

export type ImageType = "image/png" | "image/jpeg" | "image/webp";
export interface ImageInfo {
  type: ImageType;
  width: number;
  height: number;
}

const EXT: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** Type and size from the bytes; null when they are not a PNG, JPEG or WebP whose header can be read. */
export function sniffImage(b: Uint8Array): ImageInfo | null {
  // PNG: signature, then the IHDR chunk first, width and height big-endian.
  if (b.length >= 24 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a && ascii(b, 12, 4) === "IHDR") {
    return { type: "image/png", width: u32be(b, 16), height: u32be(b, 20) };
  }
  // JPEG: SOI, then segments up to a start-of-frame marker (C0-CF but C4, C8, CC) that holds the size.
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      const length = u16be(b, i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: "image/jpeg", height: u16be(b, i + 5), width: u16be(b, i + 7) };
      }
      if (length < 2) return null;
      i += 2 + length;
    }
    return null;
  }
  // WebP: RIFF....WEBP, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
  if (b.length >= 30 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    const chunk = ascii(b, 12, 4);
    if (chunk === "VP8 " && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
      return { type: "image/webp", width: ((b[26]! | (b[27]! << 8)) & 0x3fff) >>> 0, height: ((b[28]! | (b[29]! << 8)) & 0x3fff) >>> 0 };
    }
    if (chunk === "VP8L" && b[20] === 0x2f) {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { type: "image/webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (chunk === "VP8X") return { type: "image/webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return null;
}

/** The image's facts, or a 4xx saying what is wrong with it. */
export function checkImage(bytes: Uint8Array): ImageInfo {
  if (bytes.length === 0) throw new ApiError(400, "empty_image", "Send the image's bytes as the request body");
  if (bytes.length > IMAGE_MAX_BYTES) throw new ApiError(413, "payload_too_large", `An image may be at most ${IMAGE_MAX_BYTES / (1024 * 1024)} MiB`);
  const info = sniffImage(bytes);
  if (!info) throw new ApiError(415, "unsupported_image", "Only PNG, JPEG and WebP images are accepted (checked by their content, not their name or content type)");
  if (info.width < IMAGE_MIN_SIDE || info.height < IMAGE_MIN_SIDE || info.width > IMAGE_MAX_SIDE || info.height > IMAGE_MAX_SIDE) {
    throw new ApiError(422, "image_dimensions", `An image must be ${IMAGE_MIN_SIDE} to ${IMAGE_MAX_SIDE} pixels a side (got ${info.width}×${info.height})`);
  }
  return info;
}

/** A fresh key per upload (a replaced logo never serves its old bytes from a cache). */
export function imageKey(customerId: string, kind: "logo" | "photo", type: ImageType): string {
  return `profiles/${customerId}/${kind}-${crypto.randomUUID()}.${EXT[type]}`;
}
