/** The in-process store's bounds, the sealing of answers, and how long answers are kept. */
import { deriveKeyMaterial, open, seal } from "../src/idempotency/crypto.js";
import { IdempotencyGate } from "../src/idempotency/gate.js";
import {
  MemoryIdempotencyStore,
  type Entry,
  type MemoryStoreLimits,
} from "../src/idempotency/store.js";
import { GatewayMetrics } from "../src/metrics.js";
import { LINK_BODY, challengeEntry } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { postRaw, resumeVariables, sleep } from "./helpers/idempotency.js";

/** The store-key secret (guards/store-keys.ts) these tests derive under. */
const SECRET = Buffer.alloc(32, 3);

/** A store on a clock the test moves; `entry` reads an index without claiming it. */
function clocked(limits: Partial<MemoryStoreLimits>) {
  const clock = { now: 1_000_000 };
  const store = new MemoryIdempotencyStore(
    { maxEntries: 100, maxBytes: 100_000, scopeShare: 0.1, youngMs: 60_000, ...limits },
    () => clock.now,
  );
  const entry = async (index: string) => {
    const claim = await store.claim(index, "f", "someone", 60_000, "probe");
    if (claim.kind === "claimed") await store.release(index, "someone");
    return claim.kind === "taken" ? claim.entry : null;
  };
  /** Claims and completes `index` in `scope` with an answer of `bytes`: whether it was kept. */
  const answer = async (index: string, scope: string, bytes: number) => {
    const claim = await store.claim(index, "f", "owner", 60_000, scope);
    if (claim.kind !== "claimed") throw new Error(`${index}: ${claim.kind}`);
    return store.complete(index, "f", "x".repeat(bytes), 600_000);
  };
  return { clock, store, entry, answer };
}
const kept = (entry: Entry | null) => entry?.state === "done" && entry.box !== null;
const outcomeOnly = (entry: Entry | null) => entry?.state === "done" && entry.box === null;

it("at its bound sets aside the oldest answer still kept, past the outcomes set aside before", async () => {
  const { store, entry, answer } = clocked({ maxBytes: 10_000, scopeShare: 1, youngMs: 0 });
  for (let i = 0; i < 10; i++) expect(await answer(`a-${i}`, "key:A", 1_000)).toBe(true);
  expect(await answer("n-0", "key:A", 1_000)).toBe(true);
  expect(await answer("n-1", "key:A", 1_000)).toBe(true);
  // Stored again (a lapsed claim taken over): the newest answer, behind every other.
  expect(await store.complete("a-5", "f", "x".repeat(1_000), 600_000)).toBe(true);
  for (let i = 2; i < 6; i++) expect(await answer(`n-${i}`, "key:A", 1_000)).toBe(true);
  const states = await Promise.all(
    ["a-0", "a-1", "a-2", "a-3", "a-4", "a-5", "a-6", "a-7"].map(async (index) =>
      kept(await entry(index)) ? "kept" : outcomeOnly(await entry(index)) ? "outcome" : "none",
    ),
  );
  expect(states).toEqual([
    ...["outcome", "outcome", "outcome", "outcome", "outcome"],
    ...["kept", "outcome", "kept"],
  ]);
  expect(store.keptBytes()).toBe(10_000);
  await store.close();
});

describe("the in-process store's bounds", () => {
  it("keeps only the outcome of an answer over its scope's share; another client's stays", async () => {
    // The attack: V's small answer is stored; A's one answer is larger than A's whole share.
    const { store, entry, answer } = clocked({});
    expect(await answer("victim", "key:V", 300)).toBe(true);
    expect(await answer("huge", "key:A", 65_000)).toBe(false);
    expect(kept(await entry("victim"))).toBe(true);
    expect(outcomeOnly(await entry("huge"))).toBe(true);
    expect(store.keptBytes("key:A")).toBe(0);
    expect(store.keptBytes()).toBe(300);
    // No single entry exceeds the store's bound, whatever the share.
    const whole = clocked({ maxBytes: 1_000, scopeShare: 1 });
    expect(await whole.answer("too-big", "key:A", 1_001)).toBe(false);
    expect(whole.store.keptBytes()).toBe(0);
    await store.close();
    await whole.store.close();
  });

  it("makes room only within the scope that overflows: a full store touches no other client's", async () => {
    const { store, entry, answer } = clocked({ scopeShare: 0.5, youngMs: 0 });
    for (let i = 0; i < 5; i++) expect(await answer(`a-${i}`, "key:A", 9_000)).toBe(true);
    for (let i = 0; i < 5; i++) expect(await answer(`b-${i}`, "key:B", 9_000)).toBe(true);
    // The store is at its bound (90 000 of 100 000), no scope over its share: C's answer cannot
    // be kept whole, and nobody else's answer goes for it.
    expect(await answer("c-0", "key:C", 20_000)).toBe(false);
    for (let i = 0; i < 5; i++) {
      expect(kept(await entry(`a-${i}`))).toBe(true);
      expect(kept(await entry(`b-${i}`))).toBe(true);
    }
    // A over its own share sets aside its own oldest answers (their outcomes stay).
    expect(await answer("a-5", "key:A", 9_000)).toBe(true);
    expect(outcomeOnly(await entry("a-0"))).toBe(true);
    expect(kept(await entry("a-1"))).toBe(true);
    expect(kept(await entry("b-0"))).toBe(true);
    expect(store.keptBytes()).toBeLessThanOrEqual(100_000);
    await store.close();
  });

  it("within one scope, a huge answer never sets aside a small young one; a young one only for its size", async () => {
    const { clock, store, entry, answer } = clocked({});
    // One frontend's scope (10 000 bytes): user 1's small answer, then user 2's huge one.
    expect(await answer("small", "key:F", 1_000)).toBe(true);
    expect(await answer("huge", "key:F", 9_500)).toBe(false);
    expect(kept(await entry("small"))).toBe(true);
    expect(outcomeOnly(await entry("huge"))).toBe(true);
    // Once old, the small answer gives way (its outcome stays: a retry is refused, not re-sent).
    clock.now += 60_000;
    expect(await answer("huge-later", "key:F", 9_500)).toBe(true);
    expect(outcomeOnly(await entry("small"))).toBe(true);
    // A young large answer gives way to a smaller one that needs its room.
    expect(await answer("small-later", "key:F", 2_000)).toBe(true);
    expect(outcomeOnly(await entry("huge-later"))).toBe(true);
    expect(kept(await entry("small-later"))).toBe(true);
    await store.close();
  });

  it("drops whole entries only when old, never a claim in flight; else refuses the claim", async () => {
    const { clock, store, entry } = clocked({ maxEntries: 30, scopeShare: 0.1 });
    await store.claim("running", "f", "owner", 600_000, "key:A");
    for (const index of ["a", "b"]) {
      await store.claim(index, "f", "owner", 60_000, "key:A");
      await store.complete(index, "f", "answer", 600_000);
    }
    // Three entries is A's share: a fourth claim waits until A's oldest answer is old.
    clock.now += 10_000;
    expect(await store.claim("c", "f", "owner", 60_000, "key:A")).toEqual({
      kind: "full",
      retryAfterMs: 50_000,
    });
    clock.now += 50_000;
    expect((await store.claim("c", "f", "owner", 60_000, "key:A")).kind).toBe("claimed");
    expect(await entry("a")).toBeNull();
    expect(await entry("running")).toMatchObject({ state: "pending" });
    expect(kept(await entry("b"))).toBe(true);
    await store.close();
  });
});

describe("MemoryIdempotencyStore", () => {
  it("one client's flood evicts only its own answers, never another client's", async () => {
    const store = new MemoryIdempotencyStore({
      maxEntries: 100,
      maxBytes: 100_000,
      scopeShare: 0.1,
      youngMs: 0,
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

  it("counts an answer stored twice once", async () => {
    const { store } = clocked({});
    await store.claim("twice", "f", "owner", 60_000, "key:A");
    await store.complete("twice", "f", "x".repeat(1_000), 600_000);
    await store.complete("twice", "f", "x".repeat(400), 600_000);
    expect(store.keptBytes("key:A")).toBe(400);
    expect(store.keptBytes()).toBe(400);
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
