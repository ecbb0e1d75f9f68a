/**
 * The listing's images for file inputs: the profile's logo and photos, read
 * once per attempt by key through the caller's reader (R2 in the Worker, a
 * map in tests). A missing or unreadable image leaves its inputs empty and
 * says so in the log; it never fails the attempt, as no directory we know
 * requires a logo.
 */
import type { ListingProfile } from "../../../core/listing/profile";
import type { EngineAsset, EngineOptions, ListingAssets } from "./types";

export async function loadAssets(profile: ListingProfile, read: EngineOptions["asset"], log: (line: string) => void): Promise<ListingAssets> {
  const out: ListingAssets = { photos: [] };
  if (!read) return out;
  const get = async (key: string): Promise<EngineAsset | undefined> => {
    try {
      const asset = await read(key);
      if (!asset) log(`image ${key} not found; its file inputs stay empty`);
      return asset ?? undefined;
    } catch (err) {
      log(`image ${key} unreadable (${err instanceof Error ? err.message : String(err)}); its file inputs stay empty`);
      return undefined;
    }
  };
  if (profile.logoKey) out.logo = await get(profile.logoKey);
  for (const key of profile.photoKeys ?? []) {
    const photo = await get(key);
    if (photo) out.photos.push(photo);
  }
  return out;
}

/** Base64 of bytes without Node's Buffer (the Worker and the page both read it). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In chunks: String.fromCharCode takes its bytes as arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
