/**
 * The typed client's `subscribeLinkEvents` (graphql-sse) against a real gateway: events as they
 * arrive, `after`, and a reconnection with the last cursor once the gateway it listened to drains
 * (a second gateway on the same Redis takes over: nothing lost, nothing twice); a refused key ends
 * it with UNAUTHENTICATED.
 */
import { BelvoGatewayClient, type LinkEvent } from "@belvo-graphql-gateway/client";
import { LINK_ID } from "./helpers/fixtures.js";
import { SUBSCRIBED, WEBHOOK_SECRET, logged, postWebhook, webhook } from "./helpers/events.js";
import { useGateway } from "./helpers/kit.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";

const KEY = "client-key-0123456789abcdef";
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

const kit = useGateway(
  { upstream: "fake", perTest: true, apiKeys: [KEY], events: { webhookSecret: WEBHOOK_SECRET } },
  () => ({ redisUrl: redis.url }),
);

/** Resolves once `events` holds `count` events. */
async function received(events: LinkEvent[], count: number) {
  const deadline = Date.now() + 5_000;
  while (events.length < count) {
    if (Date.now() > deadline) throw new Error(`${events.length} of ${count} events arrived`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("delivers events, and after a drain goes on from the last cursor on another gateway", async () => {
  const link = `${LINK_ID.slice(0, -2)}a1`;
  const other = await kit.another();
  // The client talks to the first gateway; once it drains, a proxy would send it elsewhere: here
  // its fetch goes to the other gateway from then on.
  let target = kit.url;
  const client = new BelvoGatewayClient(`${kit.url}/graphql`, {
    apiKey: KEY,
    fetch: (input, init) =>
      fetch(
        (input instanceof Request ? input.url : input.toString()).replace(kit.url, target),
        init,
      ),
  });
  const events: LinkEvent[] = [];
  const stop = client.subscribeLinkEvents(link, (event) => events.push(event), {
    retryBaseMs: 10,
  });
  await logged(kit.logs, SUBSCRIBED);
  await postWebhook(kit.url, webhook("cl-1", link));
  await received(events, 1);
  target = other.url;
  const seen = other.logs.length;
  await kit.gateway.shutdown(1_000);
  // Sent while no gateway streams to the client: it comes by the replay.
  await postWebhook(other.url, webhook("cl-2", link));
  await logged(other.logs, SUBSCRIBED, 1, seen);
  await postWebhook(other.url, webhook("cl-3", link));
  await received(events, 3);
  stop();
  expect(events.map((event) => [event.id, event.link, event.code])).toEqual([
    ["cl-1", link, "historical_update"],
    ["cl-2", link, "historical_update"],
    ["cl-3", link, "historical_update"],
  ]);
});

it("ends with UNAUTHENTICATED for a refused key", async () => {
  const client = new BelvoGatewayClient(`${kit.url}/graphql`, {
    apiKey: "wrong-key-0123456789abcdef",
  });
  const error = await new Promise<{ code: string; status: number | null }>((resolve) => {
    client.subscribeLinkEvents(LINK_ID, () => undefined, { onError: resolve });
  });
  expect({ code: error.code, status: error.status }).toEqual({
    code: "UNAUTHENTICATED",
    status: 401,
  });
});
