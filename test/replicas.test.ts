/**
 * Many replicas (issue 28, CONTRACT section 9): three compiled gateways behind the real HAProxy
 * (deploy/haproxy/haproxy.cfg: round robin, each replica checked on /ready every 100 ms here), a
 * Redis primary with its replica under a real Sentinel, and a recording fake Belvo. The replicas
 * start on REDIS_URL (the primary); the rolling restart brings each back on REDIS_SENTINELS, as an
 * operator moving to Sentinel would, and the failover runs on those. The tests run in order and
 * share the processes; each works on links and usernames of its own.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { LINK_BODY, SESSION_HEX, challengeEntry, errorList } from "./helpers/fixtures.js";
import { FakeUpstream, type RecordedRequest, type Reply } from "./helpers/fake-upstream.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { buildOnce } from "./helpers/process.js";
import {
  LoadBalancer,
  SentinelTopology,
  makeReplicas,
  startReplica,
  stopReplica,
  until,
  type Replica,
} from "./helpers/replicas.js";
import { installed } from "./helpers/system.js";
import { postWebhook, webhook, WEBHOOK_SECRET } from "./helpers/events.js";
import { createClient as createSseClient } from "graphql-sse";
import { REDIS_CLIENT_NAME } from "../src/redis-connection.js";

const why = "three replicas behind a load balancer (test/replicas.test.ts)";
const tools =
  installed("redis-server", why) &&
  installed("redis-sentinel", why) &&
  installed("/usr/sbin/haproxy", why, "-v");
const describeWithTools = tools ? describe : describe.skip;

const API_KEY = "replicas-test-client-key-01";
/** Failed MFA resumes per link, and failed logins per username, before the refusal. */
const CAP = 3;
const REGISTER = `mutation($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }`;

let fake: FakeUpstream;
let redis: SentinelTopology;
let balancer: LoadBalancer;
let replicas: Replica[] = [];

/** Every replica's settings: production, short deadlines, the caps at CAP. */
function settings(): Record<string, string> {
  return {
    NODE_ENV: "production",
    BELVO_URL: fake.url,
    BELVO_SECRET_ID: "replicas-test-secret-id",
    BELVO_SECRET_PASSWORD: "replicas-test-secret-password",
    GATEWAY_API_KEYS: API_KEY,
    METRICS_PUBLIC: "true",
    STORE_KEY_SECRET: "replicas-test-store-key-secret-0123456789",
    MFA_MAX_FAILED_ATTEMPTS: String(CAP),
    LOGIN_MAX_FAILED_ATTEMPTS: String(CAP),
    BELVO_TIMEOUT_MS: "5000",
    SHUTDOWN_GRACE_MS: "5000",
    IDEMPOTENCY_WAIT_MS: "5000",
    REDIS_COMMAND_TIMEOUT_MS: "500",
    REDIS_CONNECT_TIMEOUT_MS: "2000",
    BELVO_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
}
const onRedisUrl = () => ({ ...settings(), REDIS_URL: redis.primary.url });
const onSentinel = () => ({ ...settings(), ...redis.settings });

/** What Belvo answers a resume of a link (by default: the link, valid). */
const resumes = new Map<string, Reply>();

function belvo(request: RecordedRequest): Reply {
  const link = (request.body as { link?: string } | undefined)?.link ?? "";
  if (request.method === "PATCH")
    return resumes.get(link) ?? { status: 200, body: { ...LINK_BODY, id: link } };
  if (request.method === "POST")
    return { status: 400, body: errorList("login_error", "Invalid credentials") };
  return { status: 404, body: { detail: "Not found." } };
}

/** What Belvo got for this link (a resume) or username (a login). */
function sentFor(name: string): number {
  return fake.requests.filter((sent) => {
    const body = sent.body as { link?: string; username?: string } | undefined;
    return body?.link === name || body?.username === name;
  }).length;
}

interface Answer {
  status: number;
  text: string;
  /** The answer's __typename, or its error's code. */
  outcome: string;
  /** The replica that answered (HAProxy says). */
  servedBy: string | null;
  replayed: boolean;
}

function outcomeOf(text: string): string {
  try {
    const body = JSON.parse(text) as {
      data?: Record<string, { __typename: string } | null> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const code = body.errors?.[0]?.extensions?.code;
    return code ?? Object.values(body.data ?? {})[0]?.__typename ?? text;
  } catch {
    return text;
  }
}

/** POSTs one operation through the load balancer. */
async function post(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${balancer.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${API_KEY}`,
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    outcome: outcomeOf(text),
    servedBy: response.headers.get("x-served-by"),
    replayed: response.headers.get("idempotent-replayed") === "true",
  };
}

/** A resume sent to one replica itself, not through the balancer. */
async function direct(replica: Replica, link: string): Promise<Answer> {
  const response = await fetch(`${replica.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      query: RESUME_LINK,
      variables: { input: { session: SESSION_HEX, link, token: "123456" } },
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    outcome: outcomeOf(text),
    servedBy: null,
    replayed: false,
  };
}

const resume = (link: string, headers: Record<string, string> = {}) =>
  post(RESUME_LINK, { input: { session: SESSION_HEX, link, token: "123456" } }, headers);
const login = (username: string) =>
  post(REGISTER, { input: { institution: "erebor_mx_retail", username, password: "wrong" } });
const keyed = (key: string) => ({ "idempotency-key": key });

/** Until HAProxy sends a request to `replica` (it is checked up again after a restart). */
async function servedAgainBy(replica: Replica): Promise<void> {
  await until(`HAProxy to send to ${replica.name}`, async () => {
    const response = await fetch(`${balancer.url}/ready`);
    await response.text();
    return response.headers.get("x-served-by") === replica.name;
  });
}

/** Each replica answers /ready 200 (its Redis answers). */
async function everyReplicaReady(): Promise<void> {
  for (const replica of replicas)
    await until(`${replica.name} ready`, async () => (await fetch(`${replica.url}/ready`)).ok);
}

beforeAll(async () => {
  if (!tools) return;
  const built = buildOnce();
  [fake, redis, replicas] = await Promise.all([
    FakeUpstream.start(),
    SentinelTopology.start(),
    makeReplicas(3),
  ]);
  fake.route = belvo;
  await built;
  await Promise.all(replicas.map((replica) => startReplica(replica, onRedisUrl())));
  balancer = await LoadBalancer.start(replicas);
  for (const replica of replicas) await servedAgainBy(replica);
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => stopReplica(replica)));
  await balancer?.stop();
  redis?.stop();
  await fake?.close();
});

describeWithTools("the caps", () => {
  it("the MFA cap holds across replicas: past CAP failed resumes of a link, each is refused before Belvo", async () => {
    const link = randomUUID();
    resumes.set(link, { status: 428, body: [challengeEntry({ link })] });
    const answers: Answer[] = [];
    for (let i = 0; i < CAP + 3; i++) answers.push(await resume(link));
    expect(answers.map(({ outcome }) => outcome)).toEqual([
      ...Array<string>(CAP).fill("MfaChallenge"),
      ...Array<string>(3).fill("RATE_LIMITED"),
    ]);
    // One failure on each replica: alone, each would have let CAP through.
    expect(new Set(answers.map(({ servedBy }) => servedBy))).toEqual(
      new Set(replicas.map(({ name }) => name)),
    );
    expect(sentFor(link)).toBe(CAP);
  });

  it("the login cap holds across replicas: past CAP wrong passwords for a username, each is refused before Belvo", async () => {
    const username = `user-${randomUUID()}`;
    const answers: Answer[] = [];
    for (let i = 0; i < CAP + 3; i++) answers.push(await login(username));
    expect(answers.map(({ outcome }) => outcome)).toEqual([
      ...Array<string>(CAP).fill("UPSTREAM_REJECTED"),
      ...Array<string>(3).fill("RATE_LIMITED"),
    ]);
    expect(new Set(answers.slice(0, CAP).map(({ servedBy }) => servedBy)).size).toBe(3);
    expect(sentFor(username)).toBe(CAP);
  });
});

describeWithTools("Idempotency-Key across replicas", () => {
  it("a retry that lands on another replica is replayed, byte for byte; Belvo saw one write", async () => {
    const link = randomUUID();
    const key = randomUUID();
    const first = await resume(link, keyed(key));
    const retry = await resume(link, keyed(key));
    expect(first).toMatchObject({ status: 200, outcome: "Link", replayed: false });
    expect(retry.servedBy).not.toBe(first.servedBy);
    expect(retry).toMatchObject({ status: 200, text: first.text, replayed: true });
    expect(sentFor(link)).toBe(1);
  });

  it("a retry on another replica while the first is still at Belvo joins it: one write, one answer", async () => {
    const link = randomUUID();
    const key = randomUUID();
    resumes.set(link, { status: 200, body: { ...LINK_BODY, id: link }, delayMs: 500 });
    const first = resume(link, keyed(key));
    await until("the first at Belvo", () => sentFor(link) === 1);
    const retry = await resume(link, keyed(key));
    const answered = await first;
    expect(answered).toMatchObject({ status: 200, outcome: "Link", replayed: false });
    expect(retry.servedBy).not.toBe(answered.servedBy);
    expect(retry).toMatchObject({ status: 200, text: answered.text, replayed: true });
    expect(sentFor(link)).toBe(1);
  });
});

type Outcome = { link: string; status: number; outcome: string };

/**
 * Resumes, one after another on each of `streams` connections, until `stop` is called; each stays
 * 50 ms at Belvo, so some are in flight at any moment.
 */
function steadyStream(streams: number) {
  const outcomes: Outcome[] = [];
  let streaming = true;
  const stream = async () => {
    while (streaming) {
      const link = randomUUID();
      resumes.set(link, { status: 200, body: { ...LINK_BODY, id: link }, delayMs: 50 });
      const answer = await resume(link).catch((error: Error) => ({
        status: 0,
        outcome: error.message,
      }));
      outcomes.push({ link, status: answer.status, outcome: answer.outcome });
    }
  };
  const running = Array.from({ length: streams }, stream);
  return {
    outcomes,
    stop: async () => {
      streaming = false;
      await Promise.all(running);
    },
  };
}

describeWithTools("a rolling restart", () => {
  it("one replica at a time under a steady stream: each request answered, or refused SHUTTING_DOWN before Belvo", async () => {
    const stream = steadyStream(3);
    const during: number[] = [];
    try {
      for (const replica of replicas) {
        const before = stream.outcomes.length;
        // A resume of its own at Belvo when the SIGTERM comes: the drain waits for it, and the
        // stream's requests HAProxy still sends meanwhile are refused SHUTTING_DOWN.
        const slow = randomUUID();
        resumes.set(slow, { status: 200, body: { ...LINK_BODY, id: slow }, delayMs: 600 });
        const inFlight = direct(replica, slow);
        await until("the slow resume at Belvo", () => sentFor(slow) === 1);
        expect(await stopReplica(replica)).toBe(0);
        expect(await inFlight).toMatchObject({ status: 200, outcome: "Link" });
        // Back on Sentinel (the failover below needs every replica there).
        await startReplica(replica, onSentinel());
        await servedAgainBy(replica);
        during.push(stream.outcomes.length - before);
      }
    } finally {
      await stream.stop();
    }
    const lost = stream.outcomes.filter(
      ({ status, outcome }) =>
        !(status === 200 && outcome === "Link") && !(status === 503 && outcome === "SHUTTING_DOWN"),
    );
    expect(lost).toEqual([]);
    for (const { link, outcome } of stream.outcomes)
      expect({ link, sent: sentFor(link) }).toEqual({
        link,
        sent: outcome === "Link" ? 1 : 0,
      });
    // The stream went on while each replica was away, and met the drains.
    for (const count of during) expect(count).toBeGreaterThan(0);
    expect(stream.outcomes.some(({ outcome }) => outcome === "SHUTTING_DOWN")).toBe(true);
  }, 60_000);
});

describeWithTools("a Sentinel failover", () => {
  it("loses no cap and no stored answer that Redis kept; new counts go to the new primary", async () => {
    const capped = randomUUID();
    resumes.set(capped, { status: 428, body: [challengeEntry({ link: capped })] });
    for (let i = 0; i < CAP; i++) expect((await resume(capped)).outcome).toBe("MfaChallenge");
    const link = randomUUID();
    const key = randomUUID();
    const stored = await resume(link, keyed(key));
    expect(stored).toMatchObject({ status: 200, outcome: "Link" });
    // What Redis kept: acknowledged by the replica before the primary is swapped.
    const primary = new Redis(redis.primary.url);
    expect(await primary.call("WAIT", "1", "5000")).toBe(1);
    primary.disconnect();

    await redis.failover();
    // Every connection of every replica leaves the old primary for the new one (ioredis hears
    // Sentinel's +switch-master). Nothing waits for Sentinel to demote the old primary (it does
    // some 10 s later): a write that reached it meanwhile would be one Redis did not keep.
    await until("the replicas on the new primary", async () => {
      const left = await redis.clientsNamed(redis.primary, REDIS_CLIENT_NAME);
      const joined = await redis.clientsNamed(redis.replica, REDIS_CLIENT_NAME);
      return left === 0 && joined >= 2 * replicas.length;
    });
    await everyReplicaReady();
    for (const replica of replicas) await servedAgainBy(replica);

    for (let i = 0; i < 3; i++) {
      expect((await resume(capped)).outcome).toBe("RATE_LIMITED");
      expect(await resume(link, keyed(key))).toMatchObject({
        status: 200,
        text: stored.text,
        replayed: true,
      });
    }
    expect(sentFor(capped)).toBe(CAP);
    expect(sentFor(link)).toBe(1);
    // Counted on the new primary, by every replica together.
    const fresh = randomUUID();
    resumes.set(fresh, { status: 428, body: [challengeEntry({ link: fresh })] });
    const outcomes: string[] = [];
    for (let i = 0; i < CAP + 1; i++) outcomes.push((await resume(fresh)).outcome);
    expect(outcomes).toEqual([...Array<string>(CAP).fill("MfaChallenge"), "RATE_LIMITED"]);
  }, 30_000);
});

describeWithTools("deadlines through Sentinel", () => {
  it("a primary that stops answering (SIGSTOP): refused GUARD_UNAVAILABLE within the command deadline, nothing sent to Belvo", async () => {
    const primary = await redis.current();
    const link = randomUUID();
    primary.server.kill("SIGSTOP");
    try {
      const began = Date.now();
      const refused = await resume(link);
      // REDIS_COMMAND_TIMEOUT_MS is 500: well under the 5 s a Sentinel waits to call it down.
      expect(Date.now() - began).toBeLessThan(3_000);
      expect(refused).toMatchObject({ status: 503, outcome: "GUARD_UNAVAILABLE" });
      expect((await fetch(`${replicas[0]!.url}/ready`)).status).toBe(503);
    } finally {
      primary.server.kill("SIGCONT");
    }
    expect(sentFor(link)).toBe(0);
    await everyReplicaReady();
  });
});

describeWithTools("events across replicas", () => {
  const SUBSCRIBE = `subscription ($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { id link } }`;

  /** The kept events of `link`, read on one replica (a cursor works on any). */
  async function kept(replica: Replica, link: string): Promise<{ id: string; cursor: string }[]> {
    const response = await fetch(`${replica.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({
        query: `query ($link: ID!) { linkEvents(link: $link) { id cursor } }`,
        variables: { link },
      }),
    });
    const body = (await response.json()) as {
      data: { linkEvents: { id: string; cursor: string }[] };
    };
    return body.data.linkEvents;
  }

  it("an event received by one replica reaches subscribers on every replica (on Sentinel, after the failover)", async () => {
    const link = randomUUID();
    const earlier = `wh-${randomUUID()}`;
    expect((await postWebhook(replicas[0]!.url, webhook(earlier, link))).status).toBe(202);
    // Each subscriber starts after the earlier event, by a cursor read on another replica: what
    // follows it reaches every one, whether it arrives before or after its subscription is live.
    const after = (await kept(replicas[1]!, link))[0]!.cursor;
    const subscribers = replicas.map((replica) =>
      createSseClient({
        url: `${replica.url}/graphql/stream`,
        headers: { authorization: `Bearer ${API_KEY}` },
        retryAttempts: 0,
      }).iterate({ query: SUBSCRIBE, variables: { link, after } }),
    );
    const firsts = subscribers.map((subscriber) => subscriber.next());
    const id = `wh-${randomUUID()}`;
    expect((await postWebhook(replicas[2]!.url, webhook(id, link))).status).toBe(202);
    const received = await Promise.all(firsts);
    expect(received.map((result) => result.value)).toEqual(
      replicas.map(() => ({ data: { linkEvents: { id, link } } })),
    );
    for (const subscriber of subscribers) await subscriber.return?.();
  });
});

describeWithTools("a replica that dies mid-request", () => {
  /** The replica running an operation now (its gauge says so; METRICS_PUBLIC is on). */
  async function busyReplica(): Promise<Replica | undefined> {
    for (const replica of replicas) {
      const metrics = await (await fetch(`${replica.url}/metrics`)).text();
      if (/^gateway_operations_in_flight(?:\{[^}]*\})? [1-9]/m.test(metrics)) return replica;
    }
    return undefined;
  }

  it("a write without Idempotency-Key whose replica is killed while it is at Belvo is not sent again by HAProxy (Belvo saw it once)", async () => {
    const link = randomUUID();
    resumes.set(link, { status: 200, body: { ...LINK_BODY, id: link }, delayMs: 1_000 });
    const answer = resume(link).then(
      ({ status }) => status,
      () => "cut",
    );
    await until("the resume at Belvo", () => sentFor(link) === 1);
    const victim = await busyReplica();
    expect(victim).toBeDefined();
    victim!.process!.child.kill("SIGKILL");
    await victim!.process!.exit;
    victim!.process = null;
    // HAProxy met an empty response: resent to another replica, the token would reach Belvo twice.
    // It answers 502 or cuts the client's connection, as the replica cut its own.
    expect([502, "cut"]).toContain(await answer);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(sentFor(link)).toBe(1);
    await startReplica(victim!, onSentinel());
    await servedAgainBy(victim!);
  }, 30_000);
});
