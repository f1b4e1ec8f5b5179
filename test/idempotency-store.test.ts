/** The in-process store's bounds, the sealing of answers, and how long answers are kept. */
import { deriveKeyMaterial, open, seal } from "../src/idempotency/crypto.js";
import { IdempotencyGate } from "../src/idempotency/gate.js";
import { MemoryIdempotencyStore, type Entry } from "../src/idempotency/store.js";
import { GatewayMetrics } from "../src/metrics.js";
import { LINK_BODY, challengeEntry } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { postRaw, resumeVariables, sleep } from "./helpers/idempotency.js";

/** The store-key secret (guards/store-keys.ts) these tests derive under. */
const SECRET = Buffer.alloc(32, 3);

describe("MemoryIdempotencyStore", () => {
  it("evicts the oldest answers past its bounds, never a claim in flight", async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 4, maxBytes: 1_000, scopeShare: 1 });
    await store.claim("running", "f", "owner", 60_000);
    for (const index of ["a", "b", "c"]) await store.complete(index, "f", Buffer.alloc(10), 60_000);
    expect(store.size).toBe(4);
    // Full: the oldest answers go, down to nine tenths of the bound, then "d" comes in.
    await store.complete("d", "f", Buffer.alloc(10), 60_000);
    const taken = async (index: string) =>
      (await store.claim(index, "f", "other", 60_000)).kind === "taken";
    expect(await taken("running")).toBe(true);
    expect(await taken("c")).toBe(true);
    expect(await taken("d")).toBe(true);
    expect(await taken("a")).toBe(false);
    // Over the byte bound: every older answer goes; the claims in flight stay.
    await store.complete("big", "f", Buffer.alloc(990), 60_000);
    expect(await taken("running")).toBe(true);
    expect(await taken("big")).toBe(true);
    expect(await taken("c")).toBe(false);
    await store.close();
  });

  it("one client's flood evicts only its own answers, never another client's", async () => {
    const store = new MemoryIdempotencyStore({
      maxEntries: 100,
      maxBytes: 100_000,
      scopeShare: 0.1,
    });
    await store.claim("a-answer", "f", "owner", 60_000, "key:A");
    await store.complete("a-answer", "f", Buffer.alloc(10), 60_000);
    for (let i = 0; i < 200; i++) {
      await store.claim(`b-${i}`, "f", "owner", 60_000, "key:B");
      await store.complete(`b-${i}`, "f", Buffer.alloc(10), 60_000);
    }
    const taken = async (index: string) =>
      (await store.claim(index, "f", "other", 60_000, "key:C")).kind === "taken";
    expect(await taken("a-answer")).toBe(true);
    // B keeps its newest tenth of the bound; its oldest answers went.
    expect(await taken("b-199")).toBe(true);
    expect(await taken("b-0")).toBe(false);
    expect(store.size).toBeLessThanOrEqual(1 + 10 + 2);
    await store.close();
  });

  it("forgets an answer after its time, and refuses claims once closed", async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(undefined, () => now);
    await store.complete("a", "f", Buffer.alloc(1), 1_000);
    expect((await store.claim("a", "f", "o", 10)).kind).toBe("taken");
    now = 1_001;
    expect((await store.claim("a", "f", "o", 10)).kind).toBe("claimed");
    await store.close();
    await expect(store.claim("b", "f", "o", 10)).rejects.toThrow("closed");
  });

  it("lets only the owner release its claim, and wakes a join when it does", async () => {
    const store = new MemoryIdempotencyStore();
    await store.claim("a", "f", "owner", 60_000);
    const joined = store.settled("a", Date.now() + 5_000);
    await store.release("a", "someone-else");
    await store.release("a", "owner");
    expect(await joined).toBeNull();
    await store.close();
  });
});

describe("sealed answers", () => {
  it("open only with the same client key, scope and index", () => {
    const material = deriveKeyMaterial(SECRET, "key:abc", "client-key-1");
    const sealed = seal(material, '{"balance":"12.30"}');
    expect(sealed.toString("latin1")).not.toContain("12.30");
    expect(open(material, sealed)).toBe('{"balance":"12.30"}');
    expect(open(deriveKeyMaterial(SECRET, "key:abc", "client-key-2"), sealed)).toBeNull();
    expect(open(deriveKeyMaterial(SECRET, "anonymous", "client-key-1"), sealed)).toBeNull();
    expect(deriveKeyMaterial(SECRET, "key:abc", "client-key-1").index).toBe(material.index);
    expect(material.index).not.toContain("client-key-1");
  });
});

describe("what the gate stores", () => {
  /** The in-process store, as a store whose answers leave the process (Redis) would be used. */
  class LeavingStore extends MemoryIdempotencyStore {
    override readonly sealsAnswers = true;
  }
  const settings = {
    waitMs: 1_000,
    ttlMs: 60_000,
    leaseMs: 60_000,
    maxTokens: 1_000,
    keySecret: SECRET,
  };
  const facts = (body: unknown) => ({
    method: "POST",
    header: ["client-key-1"],
    scope: "key:abc",
    body,
    ids: { requestId: "r" },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });

  it.each([
    ["kept in this process: the answer's text", new MemoryIdempotencyStore(), "string"],
    ["leaving it (Redis): sealed, nothing in clear", new LeavingStore(), "object"],
  ])("%s; a retry replays it byte for byte", async (_, store, kind) => {
    const gate = new IdempotencyGate(store, settings, new GatewayMetrics());
    const body = { query: RESUME_LINK, variables: resumeVariables() };
    const first = await gate.begin(facts(body));
    if (first.kind !== "owner") throw new Error(first.kind);
    const answer = '{"data":{"balance":"12.30"}}';
    await first.claim.finish(
      { status: 200, contentType: "application/json", body: answer },
      true,
      null,
    );
    const index = deriveKeyMaterial(SECRET, "key:abc", "client-key-1").index;
    const claim = await store.claim(index, "f", "other", 60_000);
    const box = claim.kind === "taken" ? (claim.entry as Entry & { state: "done" }).box : null;
    expect(typeof box).toBe(kind);
    expect(
      Buffer.from(box ?? "")
        .toString("latin1")
        .includes("12.30"),
    ).toBe(kind === "string");
    expect(await gate.begin(facts(body))).toMatchObject({
      kind: "answer",
      status: 200,
      body: answer,
    });
    await store.close();
  });
});

describe("how long an answer is kept", () => {
  const kit = useGateway({ upstream: "fake", idempotency: { ttlMs: 300 } });

  it("at least as long as the longest MFA session seen, else IDEMPOTENCY_TTL_MS", async () => {
    const { fake } = kit;
    const post = (key: string) =>
      postRaw(
        kit.url,
        { query: RESUME_LINK, variables: resumeVariables() },
        { "idempotency-key": key },
      );
    fake.reply({ status: 200, body: LINK_BODY });
    await post("link-key");
    fake.reply({ status: 428, body: [challengeEntry({ expiry: 720 })] });
    await post("challenge-key");
    await sleep(500);
    expect((await post("challenge-key"))?.headers["idempotent-replayed"]).toBe("true");
    // The longest session seen (720 s) now holds for every answer stored after it.
    fake.reply({ status: 200, body: LINK_BODY });
    expect((await post("link-key"))?.headers["idempotent-replayed"]).toBeUndefined();
    await sleep(500);
    expect((await post("link-key"))?.headers["idempotent-replayed"]).toBe("true");
    expect(fake.requests).toHaveLength(3);
  });
});
