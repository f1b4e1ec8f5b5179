/**
 * `Subscription.linkEvents` with the real client libraries: graphql-ws (`createClient` on `ws`) at
 * /graphql and graphql-sse (distinct connections) at /graphql/stream. Order, replay with `after`,
 * the keys (4401/4403, 401), subscriptions only, the caps, keep-alive, and the drain (1012).
 */
import { fileURLToPath } from "node:url";
import { KeptLinkEventsDocument, LinkEventsDocument } from "../packages/client/src/generated.js";
import { print } from "graphql";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { TrustedDocuments } from "../src/guards/trusted-documents.js";
import { createClient as createSseClient } from "graphql-sse";
import WebSocket from "ws";
import { LINK_ID } from "./helpers/fixtures.js";
import { NOW } from "./helpers/gateway.js";
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

const KEY = "client-key-0123456789abcdef";
const OTHER_LINK = "0d3b1a2c-9e8f-4a7b-8c6d-5e4f3a2b1c0d";

const kit = useGateway({
  upstream: "fake",
  perTest: true,
  apiKeys: [KEY],
  events: { webhookSecret: WEBHOOK_SECRET },
});

const SUBSCRIBE = `subscription Live($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { ${LINK_EVENT_FIELDS} } }`;
const READ = `query Read($link: ID!, $after: String, $first: Int) { linkEvents(link: $link, after: $after, first: $first) { ${LINK_EVENT_FIELDS} } }`;

const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
});

function wsClient(key: string | null = KEY, closes?: (code: number, reason: string) => void) {
  const client = createWsClient({
    url: `${kit.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key === null ? undefined : { Authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes?.(code, reason);
      },
    },
  });
  clients.push(client);
  return client;
}

/** The status a WebSocket upgrade at /graphql gets (101 when it opens). */
function upgradeStatus(options: WebSocket.ClientOptions = {}) {
  return new Promise<number>((resolve) => {
    const socket = new WebSocket(
      `${kit.url.replace("http", "ws")}/graphql`,
      "graphql-transport-ws",
      options,
    );
    socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("error", () => resolve(0));
  });
}

function sseClient(key: string | null = KEY) {
  return createSseClient({
    url: `${kit.url}/graphql/stream`,
    singleConnection: false,
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
    retryAttempts: 0,
  });
}

async function send(...ids: string[]) {
  for (const id of ids) expect((await postWebhook(kit.url, webhook(id, LINK_ID))).status).toBe(202);
}

async function keptEvents(after?: string) {
  const answer = await kit.post(READ, { link: LINK_ID, after }, { authorization: `Bearer ${KEY}` });
  return (answer.body.data as { linkEvents: { id: string; cursor: string }[] }).linkEvents;
}

const event = (id: string) => ({ data: { linkEvents: linkEvent(id, LINK_ID, NOW.toISOString()) } });

describe.each([
  ["graphql-ws", () => wsClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } })],
  ["graphql-sse", () => sseClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } })],
])("over %s", (_, subscribe) => {
  it("delivers new events in the order received, only the link's", async () => {
    await send("wh-before");
    const live = subscribe();
    const first = live.next();
    await logged(kit.logs, SUBSCRIBED);
    await send("wh-1", "wh-2");
    await postWebhook(kit.url, webhook("wh-other", OTHER_LINK));
    await send("wh-3");
    const results = [(await first).value, ...(await take(live, 2))];
    expect(results).toEqual([event("wh-1"), event("wh-2"), event("wh-3")]);
    await live.return?.();
  });
});

describe.each([
  [
    "graphql-ws",
    (after: string) =>
      wsClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID, after } }),
  ],
  [
    "graphql-sse",
    (after: string) =>
      sseClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID, after } }),
  ],
])("over %s with after", (_, subscribe) => {
  it("replays what came after the cursor, then goes on live", async () => {
    await send("wh-1", "wh-2", "wh-3");
    const [first] = await keptEvents();
    const live = subscribe(first!.cursor);
    expect(await take(live, 2)).toEqual([event("wh-2"), event("wh-3")]);
    await send("wh-4");
    expect(await take(live, 1)).toEqual([event("wh-4")]);
    await live.return?.();
  });
});

it("replays more than a page, in order, with no gap while live events arrive", async () => {
  await send(...Array.from({ length: 120 }, (_, index) => `wh-${index}`));
  const [first] = await keptEvents();
  const live = wsClient().iterate({
    query: `subscription($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { id } }`,
    variables: { link: LINK_ID, after: first!.cursor },
  });
  const head = await take(live, 10);
  await send("wh-120", "wh-121");
  const rest = await take(live, 111);
  const ids = [...head, ...rest].map(
    (result) => (result.data as { linkEvents: { id: string } }).linkEvents.id,
  );
  expect(ids).toEqual(Array.from({ length: 121 }, (_, index) => `wh-${index + 1}`));
  await live.return?.();
});

describe("Query.linkEvents", () => {
  it("reads from the oldest kept, after a cursor, `first` at most", async () => {
    await send("wh-1", "wh-2", "wh-3");
    const all = await keptEvents();
    expect(all.map((kept) => kept.id)).toEqual(["wh-1", "wh-2", "wh-3"]);
    expect((await keptEvents(all[1]!.cursor)).map((kept) => kept.id)).toEqual(["wh-3"]);
    const answer = await kit.post(
      READ,
      { link: LINK_ID, first: 1 },
      { authorization: `Bearer ${KEY}` },
    );
    expect(answer.body).toEqual({
      data: { linkEvents: [linkEvent("wh-1", LINK_ID, NOW.toISOString())] },
    });
  });

  it("refuses a cursor that is not one, or is another link's, naming `after`", async () => {
    await postWebhook(kit.url, webhook("wh-other", OTHER_LINK));
    const answer = await kit.post(READ, { link: OTHER_LINK }, { authorization: `Bearer ${KEY}` });
    const otherCursor = (answer.body.data as { linkEvents: { cursor: string }[] }).linkEvents[0]!
      .cursor;
    for (const [after, problem] of [
      ["nonsense", "not a cursor; give a LinkEvent's `cursor` as it came."],
      [otherCursor, "a cursor of another link's events."],
    ]) {
      const refused = await kit.post(
        READ,
        { link: LINK_ID, after },
        { authorization: `Bearer ${KEY}` },
      );
      expect(refused.body.errors).toEqual([
        expect.objectContaining({
          message: `Invalid after: ${problem}`,
          extensions: expect.objectContaining({
            code: "BAD_USER_INPUT",
            field: "after",
          }) as unknown,
        }),
      ]);
    }
  });
});

describe("keys", () => {
  it("closes a WebSocket whose connection_init has no key with 4401, a wrong key with 4403", async () => {
    for (const [key, code] of [
      [null, 4401],
      ["wrong-key-0123456789abcdef", 4403],
    ] as const) {
      const closed = new Promise<number>((resolve) => {
        const live = wsClient(key, (closeCode) => resolve(closeCode)).iterate({
          query: SUBSCRIBE,
          variables: { link: LINK_ID },
        });
        void live.next().catch(() => undefined);
      });
      expect(await closed).toBe(code);
    }
  });

  it("refuses an SSE subscription without a key with 401", async () => {
    const response = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: { accept: "text/event-stream", "content-type": "application/json" },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { link: LINK_ID } }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: "Send a valid gateway API key as `Authorization: Bearer <key>`.",
          extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) as unknown },
        },
      ],
    });
  });

  it("refuses a WebSocket upgrade from an origin CORS_ORIGINS does not allow (403)", async () => {
    expect(await upgradeStatus({ origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus({ origin: "http://localhost:3000" })).toBe(101);
  });

  it("refuses a WebSocket upgrade naming a Host that is not the gateway's (421)", async () => {
    expect(await upgradeStatus({ headers: { host: "rebound.example" } })).toBe(421);
  });
});

describe("what is served", () => {
  it("serves subscriptions only: a query over WebSocket or SSE is refused, naming POST /graphql", async () => {
    const query = `query { linkEvents(link: "${LINK_ID}") { id } }`;
    const message = "Only subscriptions are served here; send a query to POST /graphql.";
    await expect(take(wsClient().iterate({ query }), 1)).rejects.toEqual([
      { message, extensions: { code: "BAD_REQUEST" } },
    ]);
    const response = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: {
        accept: "text/event-stream",
        "content-type": "application/json",
        authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ query }),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 400,
      body: { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] },
    });
  });

  it("answers a subscription sent to POST /graphql with where subscriptions are served", async () => {
    const answer = await kit.post(SUBSCRIBE, { link: LINK_ID }, { authorization: `Bearer ${KEY}` });
    expect(answer.body).toEqual({
      errors: [
        {
          message:
            "Subscriptions are served over WebSocket at /graphql (graphql-transport-ws) and Server-Sent Events at /graphql/stream, not over a POST.",
          extensions: { code: "BAD_REQUEST", requestId: expect.any(String) as unknown },
        },
      ],
    });
    expect(kit.logs.join("")).not.toContain('"level":50');
  });

  it("caps subscriptions per WebSocket and per client (TOO_MANY_SUBSCRIPTIONS)", async () => {
    await kit.restart({
      events: { webhookSecret: WEBHOOK_SECRET, perConnection: 1, perClient: 2 },
    });
    const client = wsClient();
    const one = client.iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
    void one.next();
    await logged(kit.logs, SUBSCRIBED);
    await expect(
      take(client.iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } }), 1),
    ).rejects.toEqual([
      {
        message: "More than 1 subscriptions on one WebSocket; end one first.",
        extensions: { code: "TOO_MANY_SUBSCRIPTIONS" },
      },
    ]);
    const two = wsClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
    void two.next();
    await logged(kit.logs, SUBSCRIBED, 2);
    const response = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: {
        accept: "text/event-stream",
        "content-type": "application/json",
        authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { link: LINK_ID } }),
    });
    expect(response.status).toBe(429);
    expect(
      ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!
        .extensions.code,
    ).toBe("TOO_MANY_SUBSCRIPTIONS");
    await one.return?.();
    await two.return?.();
  });
});

describe("TRUSTED_DOCUMENTS", () => {
  it("runs the typed client's subscription over WebSocket and SSE, and refuses any other", async () => {
    const manifest = fileURLToPath(
      new URL("../packages/client/src/trusted-documents.json", import.meta.url),
    );
    await kit.restart({ trustedDocuments: TrustedDocuments.fromFile(manifest) });
    const message = "This gateway runs only its trusted documents (the typed client's operations).";
    await expect(
      take(wsClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } }), 1),
    ).rejects.toEqual([{ message, extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED" } }]);
    const trusted = print(LinkEventsDocument);
    await send("wh-1", "wh-2");
    const kept = await kit.post(
      print(KeptLinkEventsDocument),
      { link: LINK_ID },
      { authorization: `Bearer ${KEY}` },
    );
    const [first] = (kept.body.data as { linkEvents: { cursor: string }[] }).linkEvents;
    const live = wsClient().iterate({
      query: trusted,
      variables: { link: LINK_ID, after: first!.cursor },
    });
    expect(((await take(live, 1))[0]!.data as { linkEvents: { id: string } }).linkEvents.id).toBe(
      "wh-2",
    );
    await live.return?.();
    const response = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: {
        accept: "text/event-stream",
        "content-type": "application/json",
        authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { link: LINK_ID } }),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 400,
      body: { errors: [{ message, extensions: { code: "PERSISTED_QUERY_NOT_ALLOWED" } }] },
    });
  });
});

describe("RATE_LIMIT_PER_MINUTE", () => {
  it("counts each WebSocket subscription as a request of its client", async () => {
    await kit.restart({ limits: { ratePerMinute: 1 } });
    const client = wsClient();
    const one = client.iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
    void one.next();
    await logged(kit.logs, SUBSCRIBED);
    await expect(
      take(client.iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } }), 1),
    ).rejects.toEqual([
      {
        message: "More than 1 requests in a minute; retry later.",
        extensions: { code: "RATE_LIMITED", retryAfter: expect.any(Number) as unknown },
      },
    ]);
    await one.return?.();
  });
});

describe("keep-alive", () => {
  it("pings a WebSocket every SUBSCRIPTION_KEEP_ALIVE_MS", async () => {
    await kit.restart({ events: { webhookSecret: WEBHOOK_SECRET, keepAliveMs: 30 } });
    const socket = new WebSocket(
      `${kit.url.replace("http", "ws")}/graphql`,
      "graphql-transport-ws",
    );
    let pings = 0;
    socket.on("ping", () => pings++);
    await new Promise((resolve) => socket.once("open", resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.close();
    expect(pings).toBeGreaterThanOrEqual(2);
  });

  it("opens an SSE stream with a keep-alive comment", async () => {
    const response = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: {
        accept: "text/event-stream",
        "content-type": "application/json",
        authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { link: LINK_ID } }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(Buffer.from(value).toString()).toBe(":\n\n");
    await reader.cancel();
  });
});

describe("the drain", () => {
  it("closes WebSockets with 1012 and ends SSE streams, after the requests in flight", async () => {
    kit.fake.reply({ status: 200, body: [], delayMs: 300 });
    const closes: number[] = [];
    const order: string[] = [];
    const ws = wsClient(KEY, (code) => {
      closes.push(code);
      order.push("ws closed");
    }).iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
    const wsDone = ws.next().catch(() => undefined);
    const sse = sseClient().iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
    const sseDone = sse.next();
    await logged(kit.logs, SUBSCRIBED, 2);
    const slow = kit
      .post(`{ institutions { name } }`, {}, { authorization: `Bearer ${KEY}` })
      .then((answer) => order.push(`query answered ${answer.status}`));
    await kit.fake.received(1);
    const stopping = kit.gateway.shutdown(5_000);
    // While the query runs, the gateway still listens but takes no new subscription.
    expect(await upgradeStatus()).toBe(503);
    const refused = await fetch(`${kit.url}/graphql/stream`, {
      method: "POST",
      headers: { accept: "text/event-stream", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query: SUBSCRIBE, variables: { link: LINK_ID } }),
    });
    expect(refused.status).toBe(503);
    await stopping;
    await slow;
    await wsDone;
    expect(await sseDone).toEqual({ done: true, value: undefined });
    expect(closes).toEqual([1012]);
    expect(order).toEqual(["query answered 200", "ws closed"]);
  });
});
