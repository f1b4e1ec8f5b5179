/**
 * What the gateway keeps of an idempotency key: an index (to find the entry), a MAC key (for the
 * request's fingerprint) and an AES-256-GCM key (for the stored answer), all derived from the
 * client's key with HKDF, salted with the client's scope. The key itself is never kept, so a dump
 * of the store reveals nothing without the keys only clients hold.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

export interface KeyMaterial {
  /** Where the entry lives: hex, and safe to log in part. */
  index: string;
  mac: Buffer;
  aead: Buffer;
}

const INFO = "belvo-graphql-gateway idempotency v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function deriveKeyMaterial(scope: string, key: string): KeyMaterial {
  const bytes = Buffer.from(hkdfSync("sha256", key, scope, INFO, 96));
  return {
    index: bytes.subarray(0, 32).toString("hex"),
    mac: bytes.subarray(32, 64),
    aead: bytes.subarray(64, 96),
  };
}

/** Object keys sorted at every level: the same variables in another order are the same request. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * A keyed digest of what makes two requests the same (document, operation name, variables):
 * keyed, because the variables hold a token that a plain hash would let anyone guess back.
 */
export function fingerprint(mac: Buffer, parts: readonly unknown[]): string {
  return createHmac("sha256", mac)
    .update(JSON.stringify(canonical(parts)))
    .digest("base64url");
}

/** IV ‖ ciphertext ‖ tag; the index is bound as associated data, so entries cannot be swapped. */
export function seal(material: KeyMaterial, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", material.aead, iv);
  cipher.setAAD(Buffer.from(material.index));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** The plaintext, or null when the box was not sealed with this key for this index. */
export function open(material: KeyMaterial, sealed: Buffer): string | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", material.aead, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(material.index));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return null;
  }
}
