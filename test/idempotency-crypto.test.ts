/** The idempotency store's key derivation and boxes (src/idempotency/crypto.ts). */
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import {
  canonicalJson,
  deriveKeyMaterial,
  fingerprint,
  open,
  scopeName,
  seal,
} from "../src/idempotency/crypto.js";

const DOMAIN = "belvo-graphql-gateway idempotency v4";
/** The store-key secret (guards/store-keys.ts). */
const SECRET = Buffer.alloc(32, 9);
const printable = fc.stringMatching(/^[\x20-\x7e]{1,255}$/);

it("derives index, MAC key and AES key as slices of HMAC-SHA512, under the store-key secret, over domain, scope and key", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), printable, (scope, key) => {
      const message = `${DOMAIN}\u0000${scope.length}:${scope}\u0000${key}`;
      const expected = createHmac("sha512", SECRET).update(message).digest();
      // Not a plain hash anyone could recompute from a guessed key.
      expect(deriveKeyMaterial(SECRET, scope, key).index).not.toBe(
        createHash("sha512").update(message).digest().subarray(0, 16).toString("hex"),
      );
      const material = deriveKeyMaterial(SECRET, scope, key);
      expect(material.index).toBe(expected.subarray(0, 16).toString("hex"));
      expect(material.mac).toBe(expected.subarray(16, 32).toString("hex"));
      expect(material.aead).toBe(expected.subarray(32, 64).toString("hex"));
    }),
  );
});

it("gives another index to every other scope and key, even where their text runs together", () => {
  const indexes = [
    deriveKeyMaterial(SECRET, "key:ab", "c-key"),
    deriveKeyMaterial(SECRET, "key:a", "bc-key"),
    deriveKeyMaterial(SECRET, "key:ab\u0000c", "key"),
    deriveKeyMaterial(SECRET, "anonymous", "c-key"),
  ].map((material) => material.index);
  expect(new Set(indexes).size).toBe(indexes.length);
});

it("names a client key's scope in the store by an HMAC under the store-key secret, never by the label or its hash", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), (scope) => {
      const name = scopeName(SECRET, scope);
      const message = `belvo-graphql-gateway idempotency scope v1\u0000${scope}`;
      expect(name).toBe(createHmac("sha256", SECRET).update(message).digest("hex").slice(0, 32));
      expect(name).not.toBe(createHash("sha256").update(scope).digest("hex").slice(0, 32));
      expect(name).not.toBe(scopeName(Buffer.alloc(32, 8), scope));
    }),
  );
  const label = `key:${createHash("sha256").update("client-key-0000001").digest("hex").slice(0, 32)}`;
  expect(scopeName(SECRET, label)).toMatch(/^[0-9a-f]{32}$/);
  expect(scopeName(SECRET, label)).not.toContain(label.slice(4, 20));
});

it("fingerprints the same request alike whatever its variables' order, and keys it by the MAC key", () => {
  const { mac } = deriveKeyMaterial(SECRET, "key:abc", "client-key-1");
  const other = deriveKeyMaterial(SECRET, "key:abc", "client-key-2").mac;
  const one = fingerprint(mac, ["query", null, { input: { token: "123456", link: "l" } }]);
  expect(fingerprint(mac, ["query", null, { input: { link: "l", token: "123456" } }])).toBe(one);
  expect(fingerprint(mac, ["query", null, { input: { link: "l", token: "123457" } }])).not.toBe(
    one,
  );
  expect(fingerprint(other, ["query", null, { input: { token: "123456", link: "l" } }])).not.toBe(
    one,
  );
});

it("never seals two answers with the same IV, across refills of the IV pool", () => {
  const material = deriveKeyMaterial(SECRET, "key:abc", "client-key-1");
  const ivs = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const sealed = seal(material, `answer ${i}`);
    ivs.add(sealed.subarray(0, 12).toString("hex"));
    expect(open(material, sealed)).toBe(`answer ${i}`);
  }
  expect(ivs.size).toBe(1_000);
});

it("writes canonical JSON: the same value in any key order is the same text, and reads back", () => {
  const reversed = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reversed)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(
            Object.keys(value)
              .reverse()
              .map((key) => [key, reversed((value as Record<string, unknown>)[key])]),
          )
        : value;
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value);
      expect(canonicalJson(reversed(value))).toBe(text);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }),
  );
  expect(canonicalJson({ b: [1, { d: null, c: "é\n" }], a: -0.5, "10": 1, "9": 2 })).toBe(
    '{"10":1,"9":2,"a":-0.5,"b":[1,{"c":"é\\n","d":null}]}',
  );
});

it("writes the same canonical JSON at any depth a body may hold", () => {
  // Hundreds of levels, keys out of order at each: the same text as JSON.stringify, keys sorted.
  fc.assert(
    fc.property(
      fc.jsonValue({ maxDepth: 3 }),
      fc.integer({ min: 250, max: 600 }),
      (leaf, depth) => {
        let value: unknown = leaf;
        for (let level = 0; level < depth; level++) {
          value = level % 2 === 0 ? [1, value, { z: null, a: "x" }] : { b: value, a: [] };
        }
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(text.startsWith(depth % 2 === 0 ? '{"a":[],"b":' : "[1,")).toBe(true);
      },
    ),
    { numRuns: 30 },
  );
  const deep = JSON.parse(`${"[".repeat(200_000)}{"b":1,"a":2}${"]".repeat(200_000)}`) as unknown;
  expect(canonicalJson(deep)).toBe(`${"[".repeat(200_000)}{"a":2,"b":1}${"]".repeat(200_000)}`);
});

it("gives another index, MAC key and AES key under another store-key secret", () => {
  const one = deriveKeyMaterial(SECRET, "key:abc", "client-key-1");
  const other = deriveKeyMaterial(Buffer.alloc(32, 10), "key:abc", "client-key-1");
  expect(other.index).not.toBe(one.index);
  expect(other.mac).not.toBe(one.mac);
  expect(other.aead).not.toBe(one.aead);
});
