/**
 * What the idempotency store keeps when an answer is huge (issue 21, item 1): client A's one keyed
 * write whose answer is larger than A's share must not evict client V's stored answer (V's retry
 * would send its single-use token again); A's own retry is refused, never run again. With the
 * in-process store and with Redis (a real redis-server).
 */
import { MemoryIdempotencyStore, type MemoryStoreLimits } from "../src/idempotency/store.js";
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { RedisIdempotencyStore, type RedisStoreOptions } from "../src/idempotency/redis.js";
import type { IdempotencyStore } from "../src/idempotency/store.js";
import { ACCOUNT_BODY, LINK_BODY, LINK_ID } from "./helpers/fixtures.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { postRaw, resumeVariables, sleep } from "./helpers/idempotency.js";
import { useGateway } from "./helpers/kit.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { installed } from "./helpers/system.js";

const VICTIM = "victim-client-key-000001";
const ATTACKER = "attacker-client-key-00001";
const REQUEST_ID = { "x-request-id": "req-bounds-0001" };

/** `description` under 17 aliases: every transaction's text comes back 17 times. */
const ALIASES = Array.from({ length: 17 }, (_, i) => `d${i}: description`).join(" ");
const RETRIEVE_TRANSACTIONS = `mutation T($input: RetrieveTransactionsInput!) {
  retrieveTransactions(input: $input) { ... on TransactionList { transactions { ${ALIASES} } } }
}`;

/** Belvo's answer: 100 transactions, each with a 200-character description (about 40 KB; 340 KB as answered). */
function transactions(): string {
  const transaction = {
    id: "2b8a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    account: ACCOUNT_BODY,
    value_date: "2026-01-10",
    accounting_date: "2026-01-10T12:00:00Z",
    amount: 10.5,
    balance: 5874.13,
    currency: "MXN",
    description: "d".repeat(200),
    type: "OUTFLOW",
    status: "PROCESSED",
    collected_at: null,
    created_at: "2026-01-15T09:58:11Z",
  };
  return JSON.stringify(Array.from({ length: 100 }, () => transaction));
}

const kit = useGateway({ upstream: "fake", lazy: true });
const writes = () => kit.fake.requests.filter((request) => request.method !== "GET").length;

async function attack(store: IdempotencyStore): Promise<void> {
  const gateway = await kit.another({ apiKeys: [VICTIM, ATTACKER], idempotency: { store } });
  const as = (apiKey: string, key: string, body: unknown, accept = "application/json") =>
    postRaw(gateway.url, body, {
      ...REQUEST_ID,
      accept,
      authorization: `Bearer ${apiKey}`,
      "idempotency-key": key,
    });
  const resume = { query: RESUME_LINK, variables: resumeVariables() };
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const stored = await as(VICTIM, "victim-key", resume);
  expect(stored?.status).toBe(200);

  kit.fake.reply({
    status: 200,
    text: transactions(),
    headers: { "content-type": "application/json" },
  });
  const input = { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-14" };
  const huge = { query: RETRIEVE_TRANSACTIONS, variables: { input } };
  const first = await as(ATTACKER, "attacker-key", huge);
  expect(first?.status).toBe(200);
  expect(first?.text.length).toBeGreaterThan(300_000);

  // V's answer is still there: its retry replays it and Belvo sees one PATCH.
  const retried = await as(VICTIM, "victim-key", resume);
  expect(retried?.headers["idempotent-replayed"]).toBe("true");
  expect(retried?.text).toBe(stored?.text);
  // A's answer was too large to keep: its retry is refused, never sent to Belvo again.
  // Asked as a GraphQL client asks: the refusal comes in the media type it prefers.
  const refused = await as(ATTACKER, "attacker-key", huge, "application/graphql-response+json");
  expect(refused?.status).toBe(410);
  expect(refused?.headers["content-type"]).toBe("application/graphql-response+json; charset=utf-8");
  expect(JSON.parse(refused?.text ?? "")).toEqual({
    errors: [
      {
        message:
          "The request with this Idempotency-Key already ran, but its answer was too large to keep " +
          "(or was set aside for others); it is not run again. Read the result instead (e.g. the link).",
        extensions: { code: "IDEMPOTENCY_ANSWER_NOT_KEPT", requestId: "req-bounds-0001" },
      },
    ],
  });
  expect(writes()).toBe(2);
  const outcomes = gateway.logs.flatMap((text) => {
    const line = JSON.parse(text) as { idempotency?: { outcome?: string } };
    const idempotency = line.idempotency;
    return idempotency?.outcome === undefined ? [] : [idempotency.outcome];
  });
  expect(outcomes).toEqual(["outcome_only", "replayed", "not_kept"]);
  await gateway.close();
}

it("in-process store: A's huge answer keeps only its outcome; V's answer stays", async () => {
  // 30 000 bytes per client: V's answer fits, A's (over 300 000) is larger than the whole store.
  const limits: MemoryStoreLimits = {
    maxEntries: 1_000,
    maxBytes: 300_000,
    scopeShare: 0.1,
    youngMs: 600_000,
  };
  const store = new MemoryIdempotencyStore(limits);
  await attack(store);
  expect(store.keptBytes()).toBeLessThan(30_000);
});

const describeWithRedis = installed("redis-server", "the Redis store's bound")
  ? describe
  : describe.skip;

describeWithRedis("with Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it("an answer over the store's bound keeps only its outcome; V's answer stays", async () => {
    const store = new RedisIdempotencyStore(redis.url, { maxAnswerBytes: 100_000 });
    await store.connect();
    try {
      await attack(store);
    } finally {
      await store.close();
    }
  });
});

/** The attacker's keyed `retrieveTransactions` with `key`: a 340 KB answer. */
function hugeWrite(gatewayUrl: string, key: string) {
  const input = { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-14" };
  return postRaw(
    gatewayUrl,
    { query: RETRIEVE_TRANSACTIONS, variables: { input } },
    { ...REQUEST_ID, authorization: `Bearer ${ATTACKER}`, "idempotency-key": key },
  );
}

const replyTransactions = () =>
  kit.fake.reply({
    status: 200,
    text: transactions(),
    headers: { "content-type": "application/json" },
  });

/** The outcomes the gateway logged, in order. */
function loggedOutcomes(logs: string[]): string[] {
  return logs.flatMap((text) => {
    const outcome = (JSON.parse(text) as { idempotency?: { outcome?: string } }).idempotency
      ?.outcome;
    return outcome === undefined ? [] : [outcome];
  });
}

/** The Redis server of the budget tests, an admin connection to it, and the stores opened. */
const budgets = {
  redis: undefined as unknown as RedisServer,
  admin: undefined as unknown as Redis,
  stores: [] as RedisIdempotencyStore[],
};

/** A store whose client keys may each keep about one attacker's answer (455 KB as stored). */
async function budgeted(prefix: string, options: RedisStoreOptions = {}) {
  const store = new RedisIdempotencyStore(budgets.redis.url, {
    prefix,
    scopeBytes: 700_000,
    ...options,
  });
  await store.connect();
  budgets.stores.push(store);
  return store;
}

/** Nothing in Redis names a client key, its plain hash or its label; scope names are HMACs. */
async function expectNoClientKeyIn(prefix: string): Promise<void> {
  const keys = await budgets.admin.keys(`${prefix}*`);
  const scopes = keys.filter((key) => key.startsWith(`${prefix}idem:scope:`));
  expect(scopes.length).toBeGreaterThan(0);
  for (const key of scopes) expect(key).toMatch(/^[a-z]+:idem:scope:[0-9a-f]{32}:[a-z]+$/);
  const values = await Promise.all(
    scopes.map(async (key) => {
      const type = await budgets.admin.type(key);
      return type === "hash"
        ? JSON.stringify(await budgets.admin.hgetall(key))
        : (await budgets.admin.zrange(key, 0, -1)).join("\n");
    }),
  );
  const text = [...keys, ...values].join("\n");
  for (const apiKey of [VICTIM, ATTACKER]) {
    const plain = createHash("sha256").update(apiKey).digest("hex");
    const label = `key:${plain.slice(0, 32)}`;
    const labelHash = createHash("sha256").update(label).digest("hex");
    for (const secret of [apiKey, plain.slice(0, 16), labelHash.slice(0, 16)]) {
      expect(text).not.toContain(secret);
    }
  }
  expect(text).not.toContain("key:");
}

async function overBudget(): Promise<void> {
  const store = await budgeted("budget:");
  const gateway = await kit.another({ apiKeys: [VICTIM, ATTACKER], idempotency: { store } });
  const resume = { query: RESUME_LINK, variables: resumeVariables() };
  const victim = () =>
    postRaw(gateway.url, resume, {
      ...REQUEST_ID,
      authorization: `Bearer ${VICTIM}`,
      "idempotency-key": "victim-key",
    });
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const stored = await victim();
  expect(stored?.status).toBe(200);

  replyTransactions();
  const answers = [];
  for (const key of ["a-1", "a-2", "a-3"]) answers.push(await hugeWrite(gateway.url, key));
  for (const answer of answers) expect(answer?.text.length).toBeGreaterThan(300_000);
  // The first fits A's budget; the next two would take A over it, and A's only kept answer is
  // young: they keep their outcome, and their retries are refused, never sent again.
  const replayed = await hugeWrite(gateway.url, "a-1");
  expect(replayed?.headers["idempotent-replayed"]).toBe("true");
  expect(replayed?.text).toBe(answers[0]?.text);
  for (const key of ["a-2", "a-3"]) {
    const refused = await hugeWrite(gateway.url, key);
    expect(refused?.status).toBe(410);
    expect(JSON.parse(refused?.text ?? "")).toEqual({
      errors: [
        {
          message:
            "The request with this Idempotency-Key already ran, but its answer was too large to " +
            "keep (or was set aside for others); it is not run again. Read the result instead (e.g. the link).",
          extensions: { code: "IDEMPOTENCY_ANSWER_NOT_KEPT", requestId: "req-bounds-0001" },
        },
      ],
    });
  }
  // V's answer, in its own budget, is untouched by A's.
  const retried = await victim();
  expect(retried?.headers["idempotent-replayed"]).toBe("true");
  expect(retried?.text).toBe(stored?.text);
  expect(writes()).toBe(4);
  expect(loggedOutcomes(gateway.logs)).toEqual([
    "outcome_only",
    "outcome_only",
    "replayed",
    "not_kept",
    "not_kept",
    "replayed",
  ]);
  await gateway.close();
  await expectNoClientKeyIn("budget:");
}

async function expiring(): Promise<void> {
  const store = await budgeted("expiry:");
  const gateway = await kit.another({
    apiKeys: [ATTACKER],
    idempotency: { store, ttlMs: 700 },
  });
  replyTransactions();
  await hugeWrite(gateway.url, "e-1");
  await hugeWrite(gateway.url, "e-2");
  expect((await hugeWrite(gateway.url, "e-2"))?.status).toBe(410);
  await sleep(750);
  const kept = await hugeWrite(gateway.url, "e-3");
  const replayed = await hugeWrite(gateway.url, "e-3");
  expect(replayed?.headers["idempotent-replayed"]).toBe("true");
  expect(replayed?.text).toBe(kept?.text);
  expect(writes()).toBe(3);
  expect(loggedOutcomes(gateway.logs)).toEqual(["outcome_only", "not_kept", "replayed"]);
  await gateway.close();
}

async function settingAside(): Promise<void> {
  const store = await budgeted("aside:", { scopeBytes: 1_000, youngMs: 200 });
  const answer = async (index: string, scope: string) => {
    await store.claim(index, "f", "owner", 60_000);
    return store.complete(index, "f", Buffer.alloc(600, 1), 60_000, scope);
  };
  const box = async (index: string) => {
    const entry = await store.settled(index, Date.now());
    return entry?.state === "done" ? entry.box : undefined;
  };
  expect(await answer("old-index", "a".repeat(32))).toBe(true);
  expect(await answer("other-index", "b".repeat(32))).toBe(true);
  // The client's only answer is young: the new one keeps its outcome.
  expect(await answer("young-index", "a".repeat(32))).toBe(false);
  await sleep(250);
  // Now it is old: it is set aside (its outcome stays), and the new answer is kept whole.
  expect(await answer("new-index", "a".repeat(32))).toBe(true);
  expect(await box("old-index")).toBeNull();
  expect(await box("young-index")).toBeNull();
  expect(await box("new-index")).toEqual(Buffer.alloc(600, 1));
  // Another client's answer, as old, is never touched.
  expect(await box("other-index")).toEqual(Buffer.alloc(600, 1));
}

describeWithRedis("with Redis: each client key's budget of kept answers", () => {
  beforeAll(async () => {
    budgets.redis = await startRedisServer();
    budgets.admin = new Redis(budgets.redis.url, { commandTimeout: 2_000 });
  });
  afterAll(async () => {
    await Promise.allSettled(budgets.stores.map((store) => store.close()));
    budgets.admin.disconnect();
    budgets.redis.stop();
  });

  it(
    "A's answers beyond its budget keep only their outcome (retry 410, one call); V's is replayed",
    overBudget,
  );
  it("the count drops as answers expire: A's next answer is kept whole again", expiring);
  it(
    "makes room by setting aside the client's old answers only, never another client's",
    settingAside,
  );
});

it("refuses a keyed write RATE_LIMITED, sending nothing, while the client's entries are all young", async () => {
  // One entry per client key: the first answer is young for ten minutes.
  const limits: MemoryStoreLimits = {
    maxEntries: 10,
    maxBytes: 300_000,
    scopeShare: 0.1,
    youngMs: 600_000,
  };
  const gateway = await kit.another({
    apiKeys: [VICTIM],
    idempotency: { store: new MemoryIdempotencyStore(limits) },
  });
  const resume = (key: string, token: string) =>
    postRaw(
      gateway.url,
      { query: RESUME_LINK, variables: resumeVariables(token) },
      { ...REQUEST_ID, authorization: `Bearer ${VICTIM}`, "idempotency-key": key },
    );
  kit.fake.reply({ status: 200, body: LINK_BODY });
  expect((await resume("first-key", "111111"))?.status).toBe(200);
  const refused = await resume("second-key", "222222");
  expect(refused?.status).toBe(200);
  expect(refused?.headers["retry-after"]).toBe("600");
  expect(JSON.parse(refused?.text ?? "")).toEqual({
    errors: [
      {
        message:
          "This client key holds as many idempotent requests as the gateway keeps for one client; " +
          "nothing was sent upstream. Retry after `retryAfter` seconds.",
        extensions: {
          code: "RATE_LIMITED",
          requestId: "req-bounds-0001",
          retryAfter: 600,
          retryable: true,
        },
      },
    ],
  });
  // The first answer still replays; Belvo saw one write.
  expect((await resume("first-key", "111111"))?.headers["idempotent-replayed"]).toBe("true");
  expect(writes()).toBe(1);
  await gateway.close();
});
