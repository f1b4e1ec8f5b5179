/**
 * What the idempotency store keeps when an answer is huge (issue 21, item 1): client A's one keyed
 * write whose answer is larger than A's share must not evict client V's stored answer (V's retry
 * would send its single-use token again); A's own retry is refused, never run again. With the
 * in-process store and with Redis (a real redis-server).
 */
import { MemoryIdempotencyStore, type MemoryStoreLimits } from "../src/idempotency/store.js";
import { RedisIdempotencyStore } from "../src/idempotency/redis.js";
import type { IdempotencyStore } from "../src/idempotency/store.js";
import { ACCOUNT_BODY, LINK_BODY, LINK_ID } from "./helpers/fixtures.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { postRaw, resumeVariables } from "./helpers/idempotency.js";
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
