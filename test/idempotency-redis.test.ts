/**
 * Idempotency across replicas: two gateways on one real redis-server (started here on a free
 * loopback port, as in redis.test.ts). A retry reaching the other replica joins or replays, Belvo
 * sees one write, and a dump of Redis holds no link id, amount, token or key in clear.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { RedisIdempotencyStore } from "../src/idempotency/redis.js";
import { BALANCES_TEXT, LINK_BODY } from "./helpers/fixtures.js";
import { RESUME_BALANCES, RESUME_LINK } from "./helpers/graphql.js";
import { type TestGateway } from "./helpers/gateway.js";
import { postRaw, resumeVariables, sleep } from "./helpers/idempotency.js";
import { installed } from "./helpers/system.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { useGateway } from "./helpers/kit.js";

const describeWithRedis = installed("redis-server", "the shared idempotency store's test")
  ? describe
  : describe.skip;

const TOKEN = "947261";
const API_KEY = "replica-test-client-key-01";

/** The two replicas, their stores, and every key the tests sent (none may be in Redis in clear). */
const gateways: TestGateway[] = [];
const stores: RedisIdempotencyStore[] = [];
const keysUsed: string[] = [];

function post(replica: number, query: string, key: string, leaveAfterMs?: number) {
  keysUsed.push(key);
  return postRaw(
    gateways[replica]!.url,
    { query, variables: resumeVariables(TOKEN) },
    { "idempotency-key": key, authorization: `Bearer ${API_KEY}` },
    leaveAfterMs,
  );
}

/**
 * No index anyone could recompute from a guessed key: each is an HMAC under the store-key
 * secret, not a plain hash of the client's scope and key.
 */
function expectNoPlainIndex(keys: string[]): void {
  const scope = `key:${createHash("sha256").update(API_KEY).digest("hex").slice(0, 32)}`;
  for (const key of keysUsed) {
    for (const domain of ["v3", "v4"]) {
      const message = `belvo-graphql-gateway idempotency ${domain}\u0000${scope.length}:${scope}\u0000${key}`;
      const plain = createHash("sha512").update(message).digest("hex");
      expect(keys.join("\n")).not.toContain(plain.slice(0, 32));
    }
  }
}

/** What `key` holds, as text: an entry (a string) or a client key's answer budget (sorted sets, a hash). */
async function valueOf(client: Redis, key: string): Promise<string | null> {
  const type = await client.type(key);
  if (type === "hash") return JSON.stringify(await client.hgetall(key));
  if (type === "zset") return (await client.zrange(key, 0, -1, "WITHSCORES")).join(" ");
  return client.get(key);
}

describeWithRedis("Idempotency-Key with REDIS_URL", () => {
  let redis: RedisServer;
  let dir: string;
  const kit = useGateway({ upstream: "fake", lazy: true });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "idem-redis-"));
    redis = await startRedisServer(dir);
    for (let i = 0; i < 2; i++) {
      const store = new RedisIdempotencyStore(redis.url, {
        prefix: `test-${new URL(redis.url).port}:`,
      });
      await store.connect();
      stores.push(store);
      gateways.push(await kit.another({ apiKeys: [API_KEY], idempotency: { store } }));
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all(stores.map((store) => store.close()));
    redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a retry on replica B joins the request running on replica A; one PATCH", async () => {
    kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 3_000 });
    const key = `replica-key-${Date.now()}`;
    const left = post(0, RESUME_LINK, key, 1_000);
    await sleep(1_500);
    const joined = await post(1, RESUME_LINK, key);
    expect(await left).toBeNull();
    expect(joined?.status).toBe(200);
    expect(joined?.text).toContain(`"id":"${LINK_BODY.id}"`);
    expect(joined?.headers["idempotent-replayed"]).toBe("true");
    const replayed = await post(0, RESUME_LINK, key);
    expect(replayed?.text).toBe(joined?.text);
    expect(replayed?.headers["idempotent-replayed"]).toBe("true");
    expect(kit.fake.requests.filter((request) => request.method === "PATCH")).toHaveLength(1);
  });

  it("replays balances stored by replica A on replica B", async () => {
    kit.fake.reply({
      status: 201,
      text: BALANCES_TEXT,
      headers: { "content-type": "application/json" },
    });
    const key = `balances-key-${Date.now()}`;
    const first = await post(0, RESUME_BALANCES, key);
    expect(first?.text).toContain('"balance":"12345678901234567.89"');
    const again = await post(1, RESUME_BALANCES, key);
    expect(again?.text).toBe(first?.text);
    expect(again?.headers["idempotent-replayed"]).toBe("true");
    expect(kit.fake.requests).toHaveLength(1);
  });

  it("leaves nothing readable in a dump of Redis", async () => {
    const client = new Redis(redis.url, { commandTimeout: 2_000 });
    try {
      const keys = await client.keys("*");
      expect(keys.length).toBeGreaterThan(0);
      const values = await Promise.all(keys.map((key) => valueOf(client, key)));
      expect(keys.some((key) => /:idem:scope:[0-9a-f]{32}:bytes$/.test(key))).toBe(true);
      await client.save();
      const dump = readFileSync(join(dir, "dump.rdb")).toString("latin1");
      const plainKey = createHash("sha256").update(API_KEY).digest("hex").slice(0, 16);
      const secrets = [LINK_BODY.id, "12345678901234567.89", TOKEN, API_KEY, plainKey];
      for (const text of [dump, keys.join("\n"), values.join("\n")]) {
        for (const secret of [...secrets, ...keysUsed]) expect(text).not.toContain(secret);
      }
      expectNoPlainIndex(keys);
    } finally {
      client.disconnect();
    }
  });
});

describe("Idempotency-Key with a frozen Redis", () => {
  const kit = useGateway({ upstream: "fake", lazy: true });

  it("refuses with 503 GUARD_UNAVAILABLE within the command deadline, sending nothing", async () => {
    const sockets = new Set<Socket>();
    const frozen = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => frozen.listen(0, "127.0.0.1", resolve));
    const { port } = frozen.address() as AddressInfo;
    const store = new RedisIdempotencyStore(`redis://127.0.0.1:${port}`, {
      commandTimeoutMs: 300,
      connectTimeoutMs: 300,
    });
    kit.fake.reply({ status: 200, body: LINK_BODY });
    const gateway = await kit.another({ idempotency: { store } });
    try {
      const started = Date.now();
      const answer = await postRaw(
        gateway.url,
        { query: RESUME_LINK, variables: resumeVariables() },
        { "idempotency-key": "frozen-redis-key" },
      );
      expect(answer?.status).toBe(503);
      expect(answer?.headers["retry-after"]).toBe("1");
      expect(answer?.text).toContain('"code":"GUARD_UNAVAILABLE"');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(kit.fake.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      store.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => frozen.close(resolve));
    }
  });
});

describeWithRedis("a join with REDIS_URL", () => {
  let redis: RedisServer;
  let admin: Redis;
  const opened: RedisIdempotencyStore[] = [];
  const store = async () => {
    const made = new RedisIdempotencyStore(redis.url, { prefix: "joins:" });
    await made.connect();
    opened.push(made);
    return made;
  };
  /** How many times Redis ran `command` since the last RESETSTAT. */
  const calls = async (command: string) => {
    const stats = await admin.info("commandstats");
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url, { commandTimeout: 2_000 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((made) => made.close()));
    admin.disconnect();
    redis.stop();
  });

  it("waits for the message the answer publishes, not polling Redis ten times a second", async () => {
    const [owner, replica] = [await store(), await store()];
    expect(await owner.claim("slow-index", "f", "owner", 60_000)).toEqual({ kind: "claimed" });
    await admin.config("RESETSTAT");
    const joins = [1, 2, 3].map(() =>
      replica
        .settled("slow-index", Date.now() + 10_000)
        .then((entry) => ({ entry, at: Date.now() })),
    );
    await sleep(1_500);
    // One look each when it starts, one each at the slow look (every second): not 15 each.
    expect(await calls("get")).toBeLessThanOrEqual(6);
    const storedAt = Date.now();
    expect(await owner.complete("slow-index", "f", Buffer.from("answer"), 60_000)).toBe(true);
    for (const { entry, at } of await Promise.all(joins)) {
      expect(entry).toEqual({ state: "done", fingerprint: "f", box: Buffer.from("answer") });
      expect(at - storedAt).toBeLessThan(300);
    }
    expect(await calls("get")).toBeLessThanOrEqual(9);
  });

  it("a claim released wakes its joins; one that lapses (publishing nothing) is found by the slow look", async () => {
    const [owner, replica] = [await store(), await store()];
    await owner.claim("released-index", "f", "owner", 60_000);
    const released = replica.settled("released-index", Date.now() + 10_000);
    await sleep(100);
    const releasedAt = Date.now();
    await owner.release("released-index", "owner");
    expect(await released).toBeNull();
    expect(Date.now() - releasedAt).toBeLessThan(300);
    await owner.claim("lapsing-index", "f", "owner", 300);
    const started = Date.now();
    expect(await replica.settled("lapsing-index", Date.now() + 5_000)).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describeWithRedis("an answer Redis has no room for", () => {
  let redis: RedisServer;
  let admin: Redis;
  let owner: RedisIdempotencyStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url, { commandTimeout: 2_000 });
    owner = new RedisIdempotencyStore(redis.url, { prefix: "full:" });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.close();
    admin.disconnect();
    redis.stop();
  });

  it("keeps the claim for the answer's lifetime: the retry is refused, never run again", async () => {
    expect(await owner.claim("spent-index", "f", "owner", 300)).toEqual({ kind: "claimed" });
    // The write went upstream meanwhile; now Redis is full (maxmemory, noeviction): another
    // client's answers took the room, and the answer cannot be stored.
    await admin.config("SET", "maxmemory", "1");
    try {
      await expect(
        owner.complete("spent-index", "f", Buffer.from("answer"), 60_000),
      ).rejects.toThrow(/OOM/);
    } finally {
      await admin.config("SET", "maxmemory", "0");
    }
    // Past the claim's lease, the retry finds the request still counted as run: it does not
    // claim the key and send the spent token again.
    await sleep(500);
    const retry = await owner.claim("spent-index", "f", "retry", 300);
    expect(retry).toEqual({
      kind: "taken",
      entry: { state: "pending", fingerprint: "f", owner: "owner" },
    });
    expect(await admin.pttl("full:idem:spent-index")).toBeGreaterThan(50_000);
  });
});

describeWithRedis("closing the store after Redis has gone", () => {
  it("resolves once Redis has died (the shutdown goes on to its last steps)", async () => {
    const redis = await startRedisServer();
    const store = new RedisIdempotencyStore(redis.url, { prefix: "gone:" });
    await store.connect();
    expect(await store.claim("gone-key", "f", "owner", 300)).toEqual({ kind: "claimed" });
    redis.server.kill("SIGKILL");
    await new Promise((resolve) => redis.server.once("exit", resolve));
    await expect(store.close()).resolves.toBeUndefined();
  });

  it("resolves when Redis is frozen (QUIT meets its deadline, the connection is dropped)", async () => {
    const redis = await startRedisServer();
    const store = new RedisIdempotencyStore(redis.url, { prefix: "frozen:" });
    await store.connect();
    redis.server.kill("SIGSTOP");
    try {
      await expect(store.close()).resolves.toBeUndefined();
    } finally {
      redis.server.kill("SIGCONT");
      redis.stop();
    }
  });
});
