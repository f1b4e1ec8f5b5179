import { createHash } from "node:crypto";

function digest(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

/** A version-4-shaped UUID derived from `seed`: the same seed always gives the same id. */
export function uuidFrom(seed: string): string {
  const hex = digest(seed);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 32 hex digits derived from `seed` (Belvo's session and request id shape). */
export function hex32From(seed: string): string {
  return digest(seed).slice(0, 32);
}

/** A number in [0, 1) derived from `seed`. */
export function fractionFrom(seed: string): number {
  return parseInt(digest(seed).slice(0, 12), 16) / 2 ** 48;
}
