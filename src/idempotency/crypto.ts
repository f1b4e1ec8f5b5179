/**
 * What the gateway keeps of an idempotency key: an index (to find the entry), a MAC key (for the
 * request's fingerprint) and an AES-256-GCM key (for the stored answer), all derived from the
 * client's key and scope by one hash. The key itself is never kept, so a dump of the store
 * reveals nothing without the keys only clients hold.
 */
import { createCipheriv, createDecipheriv, hash, randomFillSync } from "node:crypto";

export interface KeyMaterial {
  /** Where the entry lives: hex, and safe to log in part. */
  index: string;
  mac: Buffer;
  aead: Buffer;
}

const DOMAIN = "belvo-graphql-gateway idempotency v2";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * One SHA-512 of the domain, the scope (length-prefixed: no scope and key can pose as another
 * pair) and the key, cut in three: 16 bytes of index, 16 of MAC key, 32 of AES key. Each part is
 * a slice of a one-way function of the key, so the index the store holds tells nothing of the
 * other two. HKDF-SHA256 gave the same guarantees here at ten times the cost (four HMACs and key
 * objects for one hash: a tenth of a keyed request's work); neither stretches a weak key.
 */
export function deriveKeyMaterial(scope: string, key: string): KeyMaterial {
  const bytes = hash("sha512", `${DOMAIN}\u0000${scope.length}:${scope}\u0000${key}`, "buffer");
  return {
    index: bytes.subarray(0, 16).toString("hex"),
    mac: bytes.subarray(16, 32),
    aead: bytes.subarray(32, 64),
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
  // SHA-512/256 of key ‖ message is a MAC (truncated: no length extension), in one call.
  return hash(
    "sha512-256",
    `${mac.toString("base64")}\n${JSON.stringify(canonical(parts))}`,
    "base64url",
  );
}

/**
 * Random IVs, drawn from the system's generator a few hundred at a time: one call per seal cost
 * more than the seal itself. Each IV is used once (GCM's one requirement), and each AES key
 * seals one answer.
 */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;

function freshIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  // A view: seal() copies it into the box before the pool is refilled.
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** IV ‖ ciphertext ‖ tag; the index is bound as associated data, so entries cannot be swapped. */
export function seal(material: KeyMaterial, plaintext: string): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv("aes-256-gcm", material.aead, iv);
  cipher.setAAD(Buffer.from(material.index));
  const body = cipher.update(plaintext, "utf8");
  const last = cipher.final();
  return Buffer.concat([iv, body, last, cipher.getAuthTag()]);
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
