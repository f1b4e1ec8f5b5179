/**
 * Events on one Redis shared by two gateways (CONTRACT.md section 8): an event received by one
 * reaches the other's subscribers, in the order Redis kept them; a repeat sent to both is kept
 * once; a cursor of one works on the other; what a link keeps (last N or last T, whichever is
 * more); a Redis that does not answer refuses the webhook 503 within REDIS_COMMAND_TIMEOUT_MS.
 */
import { createClient as createWsClient, type Client } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import WebSocket from "ws";
import { DEFAULT_EVENTS } from "../src/config.js";
import { EventHub } from "../src/events/hub.js";
import { RedisEventStore } from "../src/events/redis-store.js";
import { createLogger } from "../src/logger.js";
import { MemoryEventStore, type EventStore, type IncomingEvent } from "../src/events/store.js";
import { LINK_ID, TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { NOW, type TestGateway } from "./helpers/gateway.js";
import {
  LINK_EVENT_FIELDS,
  SUBSCRIBED,
  WEBHOOK_SECRET,
  linkEvent,
  logged,
  postWebhook,
  take,
  webhook,
} from "./helpers/events.js";
import { useGateway } from "./helpers/kit.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { installed } from "./helpers/system.js";

const withRedis = installed("redis-server", "the events' Redis test");
const describeWithRedis = withRedis ? describe : describe.skip;

const SUBSCRIBE = `subscription Live($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { ${LINK_EVENT_FIELDS} } }`;
const READ = `query Read($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { ${LINK_EVENT_FIELDS} } }`;

let redis: RedisServer;
if (withRedis) {
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
}

const kit = useGateway(
  { upstream: "fake", lazy: !withRedis, events: { webhookSecret: WEBHOOK_SECRET } },
  () => ({ redisUrl: redis.url }),
);
let other: TestGateway;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
});

function wsOn(gateway: TestGateway) {
  const client = createWsClient({
    url: `${gateway.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}
const event = (id: string, link: string) => ({
  data: { linkEvents: linkEvent(id, link, NOW.toISOString()) },
});
/** A link of the test's own: the Redis is shared by the file's tests. */
const linkOf = (n: number) => `${LINK_ID.slice(0, -2)}${String(n).padStart(2, "0")}`;

describeWithRedis("two gateways on one Redis", () => {
  beforeAll(async () => {
    other = await kit.another();
  });

  it("an event received by one gateway reaches the other's subscribers, in the order kept", async () => {
    const link = linkOf(1);
    const onOther = wsOn(other).iterate({ query: SUBSCRIBE, variables: { link } });
    const sseOnFirst = createSseClient({
      url: `${kit.url}/graphql/stream`,
      retryAttempts: 0,
    }).iterate({ query: SUBSCRIBE, variables: { link } });
    const [firstWs, firstSse] = [onOther.next(), sseOnFirst.next()];
    await logged(other.logs, SUBSCRIBED);
    await logged(kit.logs, SUBSCRIBED);
    for (const [gateway, id] of [
      [kit, "wh-1"],
      [other, "wh-2"],
      [kit, "wh-3"],
    ] as const) {
      expect((await postWebhook(gateway.url, webhook(id, link))).status).toBe(202);
    }
    const expected = [event("wh-1", link), event("wh-2", link), event("wh-3", link)];
    expect([(await firstWs).value, ...(await take(onOther, 2))]).toEqual(expected);
    expect([(await firstSse).value, ...(await take(sseOnFirst, 2))]).toEqual(expected);
    await onOther.return?.();
    await sseOnFirst.return?.();
  });

  it("a webhook sent again to the other gateway is acknowledged and delivered once", async () => {
    const link = linkOf(2);
    const seen = other.logs.length;
    const live = wsOn(other).iterate({ query: SUBSCRIBE, variables: { link } });
    const first = live.next();
    await logged(other.logs, SUBSCRIBED, 1, seen);
    expect((await postWebhook(kit.url, webhook("wh-dup", link))).status).toBe(202);
    expect((await postWebhook(other.url, webhook("wh-dup", link))).status).toBe(202);
    expect((await postWebhook(other.url, webhook("wh-next", link))).status).toBe(202);
    expect([(await first).value, ...(await take(live, 1))]).toEqual([
      event("wh-dup", link),
      event("wh-next", link),
    ]);
    const kept = await kit.post(READ, { link });
    const both = ["wh-dup", "wh-next"].map((id) => linkEvent(id, link, NOW.toISOString()));
    expect(kept.body).toEqual({ data: { linkEvents: both } });
    await live.return?.();
  });

  it("a cursor given by one gateway replays on the other", async () => {
    const link = linkOf(3);
    for (const id of ["wh-c1", "wh-c2", "wh-c3"]) await postWebhook(kit.url, webhook(id, link));
    const kept = await kit.post(READ, { link });
    expect(kept.body.errors).toBeUndefined();
    const [first] = (kept.body.data as { linkEvents: { cursor: string }[] }).linkEvents;
    const read = await fetch(`${other.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: READ, variables: { link, after: first!.cursor } }),
    });
    expect(await read.json()).toEqual({
      data: {
        linkEvents: [
          linkEvent("wh-c2", link, NOW.toISOString()),
          linkEvent("wh-c3", link, NOW.toISOString()),
        ],
      },
    });
    const live = wsOn(other).iterate({
      query: SUBSCRIBE,
      variables: { link, after: first!.cursor },
    });
    expect(await take(live, 2)).toEqual([event("wh-c2", link), event("wh-c3", link)]);
    await live.return?.();
  });
});

describeWithRedis("a Redis that does not answer", () => {
  it("refuses a webhook with 503 EVENTS_UNAVAILABLE when Redis does not answer, within the deadline", async () => {
    const gateway = await kit.another({ redisCommandTimeoutMs: 100 });
    redis.server.kill("SIGSTOP");
    try {
      const started = Date.now();
      const answer = await postWebhook(gateway.url, webhook("wh-frozen", linkOf(4)));
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 503,
        body: {
          errors: [
            {
              message: "The event store did not answer; send the webhook again.",
              extensions: {
                code: "EVENTS_UNAVAILABLE",
                retryable: true,
                requestId: TEST_REQUEST_ID,
              },
            },
          ],
        },
      });
      expect(answer.headers.get("retry-after")).toBe("1");
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      redis.server.kill("SIGCONT");
    }
  });
});

describeWithRedis("what a link keeps", () => {
  const retention = { ...DEFAULT_EVENTS, keepCount: 3, maxPerLink: 1_000 };
  const stores: [string, (keepMs: number, clock: () => number) => Promise<EventStore>][] = [
    [
      "in memory",
      (keepMs, clock) => Promise.resolve(new MemoryEventStore({ ...retention, keepMs }, clock)),
    ],
    [
      "in Redis",
      async (keepMs) => {
        const store = new RedisEventStore(
          redis.url,
          { ...retention, keepMs },
          {
            commandTimeoutMs: 1_000,
            connectTimeoutMs: 1_000,
            onError: () => undefined,
            prefix: `keep-${keepMs}-${Math.random()}:`,
          },
        );
        await store.connect();
        return store;
      },
    ],
  ];
  const incoming = (id: string): IncomingEvent => ({
    id,
    link: LINK_ID,
    type: "TRANSACTIONS",
    code: "historical_update",
    processType: null,
    requestId: null,
    externalId: null,
    receivedAt: NOW.toISOString(),
    data: null,
  });

  it.each(stores)(
    "%s: the last N once older than T; all of the last T however many",
    async (_, open) => {
      let now = Date.now();
      // Everything is older than T (1 ms): the last 3 stay.
      const short = await open(1, () => now);
      for (let n = 1; n <= 5; n++) await short.append(incoming(`short-${n}`));
      now += 10;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await short.append(incoming("short-6"));
      expect((await short.read(LINK_ID, "0-0", 100)).map((kept) => kept.id)).toEqual([
        "short-4",
        "short-5",
        "short-6",
      ]);
      await short.close();
      // Everything is younger than T (a day): all stay.
      const long = await open(86_400_000, () => now);
      for (let n = 1; n <= 6; n++) await long.append(incoming(`long-${n}`));
      expect(await long.read(LINK_ID, "0-0", 100)).toHaveLength(6);
      await long.close();
    },
  );
});

describeWithRedis("a Redis that goes away", () => {
  it("leaves no command of the pub/sub unhandled (a rejection would end the process)", async () => {
    const own = await startRedisServer();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const hub = await EventHub.redis(
        own.url,
        { ...DEFAULT_EVENTS, webhookSecret: null },
        { commandTimeoutMs: 200, connectTimeoutMs: 200, onError: () => undefined },
        createLogger("silent", false),
      );
      const feed = await hub.subscribe(LINK_ID, { after: null });
      own.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await feed.return();
      await hub.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      own.stop();
    }
  });
});
