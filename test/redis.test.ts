/**
 * The guards on a real redis-server (started here on a free loopback port): two gateways enforce
 * one limit together, keys are hashes, and a Redis that stops answering or dies makes the guards
 * refuse (never hang, never let a request through uncounted, never lose an answer Belvo gave).
 * `.ci/run` installs Debian's redis-server; a machine without it skips this file outside CI, and
 * CI fails instead.
 */
import { createHash } from "node:crypto";
import request from "supertest";
import { redisStore, checkStore, closeStore, type GuardStore } from "../src/guards/store.js";
import { storeKeySecret } from "../src/guards/store-keys.js";
import { LINK_BODY, challengeEntry, errorList, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";
import { installed } from "./helpers/system.js";
import { useGateway } from "./helpers/kit.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { type TestGateway } from "./helpers/gateway.js";

const describeWithRedis = installed("redis-server", "the shared counters' test")
  ? describe
  : describe.skip;

const DEADLINES = { commandTimeoutMs: 300, connectTimeoutMs: 1_000 };
const CLIENT_KEY = "client-key-aaaaaaaaaaaaaaaa";
const AUTH = { authorization: `Bearer ${CLIENT_KEY}` };

async function connectedStore(url: string): Promise<GuardStore> {
  const store = redisStore(url, DEADLINES, () => undefined);
  await checkStore(store);
  return store;
}

const resume = (url: string, token = "999999") =>
  postGraphQL(url, RESUME_LINK, { input: resumeInput(token) }, AUTH);

const REGISTER = `mutation($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }`;

const register = (url: string, username: string) =>
  postGraphQL(
    url,
    REGISTER,
    { input: { institution: "erebor_mx_retail", username, password: "pw" } },
    AUTH,
  );

const outcome = (body: Record<string, unknown>) => {
  const result = body as {
    data: Record<string, { __typename: string }> | null;
    errors?: { extensions: { code: string } }[];
  };
  const data = result.data ? Object.values(result.data)[0] : undefined;
  return data?.__typename ?? result.errors?.[0]?.extensions.code ?? "?";
};

function redisOf(store: GuardStore) {
  if (store.kind !== "redis") throw new Error("expected Redis");
  return store.redis;
}

/** A text, and its SHA-256, in the encodings a key could hold them. */
function encodings(text: string): string[] {
  const digest = createHash("sha256").update(text).digest();
  return [
    text,
    Buffer.from(text).toString("hex"),
    Buffer.from(text).toString("base64"),
    ...(["hex", "base64", "base64url"] as const).map((encoding) => digest.toString(encoding)),
  ];
}

/** Two gateways sharing their guard counters on one real redis-server, before one fake Belvo. */
function useReplicas() {
  const kit = useGateway({
    upstream: "fake",
    lazy: true,
    replies: [{ status: 428, body: [challengeEntry()] }],
  });
  const replicas = {
    kit,
    redis: undefined as RedisServer | undefined,
    gateways: [] as TestGateway[],
    stores: [] as GuardStore[],
  };
  beforeAll(async () => {
    replicas.redis = await startRedisServer();
    for (let i = 0; i < 2; i++) {
      const store = await connectedStore(replicas.redis.url);
      replicas.stores.push(store);
      // The first also counts requests per client key (refused at the HTTP edge), the second not
      // (refused by the attempt cap in the resolver).
      replicas.gateways.push(
        await kit.another({
          guardStore: store,
          apiKeys: [CLIENT_KEY],
          limits: { ratePerMinute: i === 0 ? 1_000 : null },
        }),
      );
    }
  });
  afterAll(async () => {
    replicas.redis?.server.kill("SIGCONT");
    await Promise.all(replicas.gateways.map((gateway) => gateway.close()));
    await Promise.all(replicas.stores.map((store) => closeStore(store)));
    replicas.redis?.stop();
  });
  beforeEach(async () => {
    const store = replicas.stores[0]!;
    if (store.kind === "redis" && store.redis.status === "ready") await store.redis.flushall();
  });
  return replicas;
}

/** Waits until the fake Belvo got a request (the call is in flight). */
async function untilSent(fake: FakeUpstream): Promise<void> {
  for (let tries = 0; fake.requests.length === 0; tries++) {
    if (tries > 100) throw new Error("the resume never reached the fake upstream");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeWithRedis("with REDIS_URL", () => {
  const replicas = useReplicas();
  const { gateways, stores } = replicas;

  it("two gateways share one failed-attempt limit per link", async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) outcomes.push(outcome((await resume(gateways[i % 2]!.url)).body));
    expect(outcomes).toEqual([
      ...Array<string>(5).fill("MfaChallenge"),
      "RATE_LIMITED",
      "RATE_LIMITED",
    ]);
    expect(replicas.kit.fake.requests).toHaveLength(5);
  });

  it("stores every counter under an HMAC: no link id, username or client key, in clear or as a hash anyone can recompute", async () => {
    const CPF = "12345678909";
    replicas.kit.fake.reply({ status: 400, body: errorList("login_error", "Invalid credentials") });
    expect(outcome((await register(gateways[0]!.url, CPF)).body)).toBe("UPSTREAM_REJECTED");
    expect(outcome((await resume(gateways[0]!.url)).body)).toBe("UPSTREAM_REJECTED");
    const redis = redisOf(stores[0]!);
    const keys = await redis.keys("*");
    expect(keys.map((key) => key.split(":")[1]).sort()).toEqual([
      "login-failures",
      "mfa-failures",
      "rate",
    ]);
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    const stored = [...keys, ...values].join("\n").toLowerCase();
    for (const clear of [LINK_ID, CPF, "erebor_mx_retail", CLIENT_KEY]) {
      for (const form of encodings(clear)) expect(stored).not.toContain(form.toLowerCase());
    }
    // What the keys were before: SHA-256 of the cap's name and what it counts.
    for (const text of [
      `login-failures\nerebor_mx_retail\n${CPF}`,
      `erebor_mx_retail\n${CPF}`,
      `mfa-failures\n${LINK_ID}`,
    ]) {
      for (const form of encodings(text)) expect(stored).not.toContain(form.toLowerCase());
    }
    for (const key of keys)
      expect(key).toMatch(/^belvo-gateway:(rate|mfa-failures|login-failures):[0-9a-f]{64}$/);
  });

  it("forgets the counter of a login or a resume that succeeded, at once", async () => {
    replicas.kit.fake.reply({ status: 201, body: LINK_BODY });
    expect(outcome((await register(gateways[1]!.url, "bea.username")).body)).toBe("Link");
    replicas.kit.fake.reply({ status: 200, body: LINK_BODY });
    expect(outcome((await resume(gateways[1]!.url)).body)).toBe("Link");
    expect(await redisOf(stores[0]!).keys("*")).toEqual([]);
  });
});

describeWithRedis("with REDIS_URL, a Redis that stops answering (SIGSTOP)", () => {
  const replicas = useReplicas();
  const { gateways } = replicas;
  afterEach(() => replicas.redis!.server.kill("SIGCONT"));

  it.each([
    ["the per-key rate at the HTTP edge", 0],
    ["the failed-attempt cap in the resolver", 1],
  ])(
    "%s refuses with 503 GUARD_UNAVAILABLE and Retry-After, sends nothing upstream, and /ready turns 503",
    async (_guard, index) => {
      const gateway = gateways[index]!;
      replicas.redis!.server.kill("SIGSTOP");
      const refused = await resume(gateway.url, "123456");
      expect(refused.status).toBe(503);
      expect(refused.headers["retry-after"]).toBe("2");
      expect(refused.body).toMatchObject({
        errors: [
          {
            message: expect.stringContaining("nothing was sent upstream") as unknown,
            extensions: { code: "GUARD_UNAVAILABLE", retryable: true, retryAfter: 2 },
          },
        ],
      });
      expect(JSON.stringify(refused.body)).not.toContain("http");
      expect(replicas.kit.fake.requests).toEqual([]);
      expect((await request(gateway.url).get("/ready")).status).toBe(503);
      expect((await request(gateway.url).get("/health")).status).toBe(200);

      replicas.redis!.server.kill("SIGCONT");
      expect((await request(gateway.url).get("/ready")).status).toBe(200);
    },
  );

  it("delivers a success Belvo gave while Redis stopped answering (the refund fails, is logged)", async () => {
    const gateway = gateways[1];
    replicas.kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 500 });
    const pending = resume(gateway!.url);
    await untilSent(replicas.kit.fake);
    replicas.redis!.server.kill("SIGSTOP");
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body).toMatchObject({ data: { resumeLink: { __typename: "Link", id: LINK_ID } } });
    expect(gateway!.logs.join("")).toContain("could not give a counted attempt back");
  });
});

describeWithRedis("with REDIS_URL, a Redis that dies", () => {
  const replicas = useReplicas();
  const { gateways } = replicas;

  it("a Redis that died: refused with 503 while it is gone, a success delivered when it dies mid-call", async () => {
    const gateway = gateways[1];
    replicas.kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 500 });
    const pending = resume(gateway!.url, "654321");
    await untilSent(replicas.kit.fake);
    replicas.redis!.server.kill("SIGKILL");
    expect((await pending).body).toMatchObject({ data: { resumeLink: { __typename: "Link" } } });
    const refused = await resume(gateway!.url);
    expect(refused.status).toBe(503);
    expect(outcome(refused.body)).toBe("GUARD_UNAVAILABLE");
    expect(replicas.kit.fake.requests).toHaveLength(1);
    expect((await request(gateway!.url).get("/ready")).status).toBe(503);
  });
});

it("names stored things under STORE_KEY_SECRET when set, else under a secret every replica derives alike from the Belvo key pair", () => {
  const pair = {
    kind: "belvo",
    url: "http://127.0.0.1:9",
    secretId: "id-1",
    secretPassword: "pw-1",
  } as const;
  const derived = storeKeySecret(null, pair);
  expect(storeKeySecret(null, { ...pair, url: "http://10.0.0.2:9" })).toEqual(derived);
  expect(storeKeySecret(null, { ...pair, secretPassword: "pw-2" })).not.toEqual(derived);
  const configured = storeKeySecret("c".repeat(32), pair);
  expect(configured).not.toEqual(derived);
  expect(storeKeySecret("c".repeat(32), { ...pair, secretPassword: "pw-2" })).toEqual(configured);
  // Neither is the key pair or the setting itself.
  for (const secret of [derived, configured]) {
    expect(secret).toHaveLength(32);
    expect(secret.toString("latin1")).not.toContain("pw-1");
    expect(secret.toString("latin1")).not.toContain("c".repeat(8));
  }
});
