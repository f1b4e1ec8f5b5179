/**
 * The secret under which the gateway names what it keeps in a store: every guard counter (rate,
 * failed MFA, failed logins) and every idempotency entry is stored under an HMAC of what it is
 * about, never under a plain hash. A plain SHA-256 of an institution and a username gives the
 * username back to anyone who reads Redis (a CPF is 11 digits: seconds on one core); an HMAC
 * does not, without this secret.
 *
 * Every replica must name things alike, so the secret is shared: `STORE_KEY_SECRET` when set,
 * otherwise derived from the Belvo key pair every replica already holds. Both go through HKDF, so
 * the stored names tell nothing of the key pair either.
 */
import { hkdfSync } from "node:crypto";
import type { BelvoUpstream } from "../config.js";

const SALT = "belvo-graphql-gateway";
const INFO = "store keys v1";

/** 32 bytes: the HMAC key of the guards' and idempotency store's names. */
export function storeKeySecret(configured: string | null, upstream: BelvoUpstream): Buffer {
  const material = configured ?? `${upstream.secretId}\u0000${upstream.secretPassword}`;
  return Buffer.from(hkdfSync("sha256", material, SALT, INFO, 32));
}
