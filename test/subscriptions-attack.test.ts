/**
 * Attacks on the subscription transports (CONTRACT.md section 8) with real sockets: a WebSocket
 * holds its connection at MAX_CONNECTIONS only while it serves a subscription, so sockets that
 * never authenticate cannot keep every other client out.
 */
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import WebSocket from "ws";
import { LINK_ID } from "./helpers/fixtures.js";
import { LINK_EVENT_FIELDS, SUBSCRIBED, WEBHOOK_SECRET, logged } from "./helpers/events.js";
import { postGraphQL } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";

const KEY = "client-key-0123456789abcdef";

const kit = useGateway({
  upstream: "fake",
  perTest: true,
  apiKeys: [KEY],
  events: { webhookSecret: WEBHOOK_SECRET },
});

const SUBSCRIBE = `subscription Live($link: ID!) { linkEvents(link: $link) { ${LINK_EVENT_FIELDS} } }`;

const opened: WebSocket[] = [];
const clients: WsClient[] = [];
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.terminate();
  await Promise.all(clients.splice(0).map((client) => Promise.resolve(client.dispose())));
});

/** A WebSocket at /graphql that upgrades and then says nothing (no connection_init). */
function silentSocket(url: string) {
  return new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    opened.push(socket);
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

const isOpen = (socket: WebSocket) => socket.readyState === WebSocket.OPEN;

it("WebSockets that never send connection_init do not hold MAX_CONNECTIONS: a request is served", async () => {
  const gateway = await kit.another({ http: { maxConnections: 3 } });
  const subscriber = createWsClient({
    url: `${gateway.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${KEY}` },
    retryAttempts: 0,
  });
  clients.push(subscriber);
  const live = subscriber.iterate({ query: SUBSCRIBE, variables: { link: LINK_ID } });
  // Ends with the gateway's 1012 when the test's gateway closes.
  const pending = live.next().catch(() => undefined);
  await logged(gateway.logs, SUBSCRIBED);
  const silent = [await silentSocket(gateway.url), await silentSocket(gateway.url)];

  const answer = await postGraphQL(gateway.url, "{ __typename }", undefined, {
    authorization: `Bearer ${KEY}`,
  });
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 200,
    body: { data: { __typename: "Query" } },
  });
  // The oldest silent socket made room; the subscription's connection was kept.
  if (silent[0]!.readyState !== WebSocket.CLOSED) {
    await new Promise((resolve) => silent[0]!.once("close", resolve));
  }
  expect(silent.map(isOpen)).toEqual([false, true]);
  expect(isOpen(silent[1]!)).toBe(true);
  await live.return?.();
  await pending;
});
