/**
 * `POST /webhooks/belvo` (CONTRACT.md section 8): the secret, the body's bounds and shape, a repeat
 * delivered once, 404 without BELVO_WEBHOOK_SECRET; never a call to Belvo, never the secret in a
 * log line. Each event is read back with `Query.linkEvents`.
 */
import { loadConfig } from "../src/config.js";
import { LINK_ID, TEST_REQUEST_ID } from "./helpers/fixtures.js";
import { NOW } from "./helpers/gateway.js";
import {
  LINK_EVENT_FIELDS,
  WEBHOOK_SECRET,
  linkEvent,
  postWebhook,
  webhook,
} from "./helpers/events.js";
import { useGateway } from "./helpers/kit.js";

const kit = useGateway({
  upstream: "fake",
  perTest: true,
  events: { webhookSecret: WEBHOOK_SECRET },
});

const READ = `query Read($link: ID!, $after: String) { linkEvents(link: $link, after: $after) { ${LINK_EVENT_FIELDS} } }`;

async function kept(link = LINK_ID) {
  const answer = await kit.post(READ, { link });
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data as { linkEvents: unknown[] }).linkEvents;
}

const refusal = (code: string, message: string) => ({
  errors: [{ message, extensions: { code, requestId: TEST_REQUEST_ID } }],
});

afterEach(() => {
  // Nothing in a webhook makes the gateway call Belvo; the secret is never written down.
  expect(kit.fake.requests).toEqual([]);
  expect(kit.logs.join("")).not.toContain(WEBHOOK_SECRET);
});

it("keeps a webhook: 202 at once, then read back by Query.linkEvents", async () => {
  const answer = await postWebhook(kit.url, webhook("wh-1", LINK_ID));
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 202,
    body: { status: "accepted" },
  });
  expect(await kept()).toEqual([linkEvent("wh-1", LINK_ID, NOW.toISOString())]);
});

it.each([
  ["no Authorization", null, {}],
  ["a wrong secret", "whsec-test-4c1f9a7e2c", {}],
  ["the secret as Basic", null, { authorization: `Basic ${WEBHOOK_SECRET}` }],
  ["a prefix of the secret", WEBHOOK_SECRET.slice(0, -1), {}],
])("refuses %s: 401, nothing kept", async (_, secret, headers) => {
  const answer = await postWebhook(kit.url, webhook("wh-1", LINK_ID), secret, headers);
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 401,
    body: refusal(
      "UNAUTHENTICATED",
      "Send BELVO_WEBHOOK_SECRET as `Authorization: Bearer <secret>`.",
    ),
  });
  expect(await kept()).toEqual([]);
});

it("is not behind GATEWAY_API_KEYS: the webhook secret alone lets Belvo in", async () => {
  await kit.restart({ apiKeys: ["client-key-0123456789abcdef"] });
  expect((await postWebhook(kit.url, webhook("wh-1", LINK_ID))).status).toBe(202);
  const answer = await kit.post(
    READ,
    { link: LINK_ID },
    {
      authorization: "Bearer client-key-0123456789abcdef",
    },
  );
  expect(answer.body).toEqual({
    data: { linkEvents: [linkEvent("wh-1", LINK_ID, NOW.toISOString())] },
  });
});

it("delivers a webhook id seen before once, acknowledging it again", async () => {
  expect((await postWebhook(kit.url, webhook("wh-1", LINK_ID))).status).toBe(202);
  const again = await postWebhook(kit.url, webhook("wh-1", LINK_ID, { webhook_code: "changed" }));
  expect({ status: again.status, body: again.body }).toEqual({
    status: 202,
    body: { status: "accepted" },
  });
  expect(await kept()).toEqual([linkEvent("wh-1", LINK_ID, NOW.toISOString())]);
});

it("refuses a body over 64 KiB with 413, and takes one of exactly 64 KiB", async () => {
  const body = webhook("wh-big", LINK_ID, { data: { pad: "" } });
  const room = 64 * 1024 - JSON.stringify(body).length;
  const exact = JSON.stringify({ ...body, data: { pad: "x".repeat(room) } });
  expect(Buffer.byteLength(exact)).toBe(64 * 1024);
  const over = JSON.stringify({
    ...body,
    webhook_id: "wh-big2",
    data: { pad: "x".repeat(room + 1) },
  });
  const answer = await postWebhook(kit.url, over);
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 413,
    body: refusal("PAYLOAD_TOO_LARGE", "The webhook body exceeds 65536 bytes."),
  });
  expect(await kept()).toEqual([]);
  expect((await postWebhook(kit.url, exact)).status).toBe(202);
  expect(await kept()).toHaveLength(1);
});

it("refuses a body over 64 KiB sent without a length (chunked) with 413", async () => {
  const big = JSON.stringify(webhook("wh-big", LINK_ID, { data: { pad: "x".repeat(70_000) } }));
  const response = await fetch(`${kit.url}/webhooks/belvo`, {
    method: "POST",
    headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, "content-type": "application/json" },
    body: new Blob([big]).stream(),
    duplex: "half",
  });
  expect(response.status).toBe(413);
  expect(await kept()).toEqual([]);
});

it.each([
  ["not JSON", "{webhook_id: 1", "The webhook body is not JSON."],
  ["a JSON list", "[]", "The webhook body is not a JSON object."],
  ...(["webhook_id", "webhook_type", "webhook_code", "link_id"] as const).map((key) => [
    `no ${key}`,
    JSON.stringify({ ...webhook("wh-1", LINK_ID), [key]: undefined }),
    `The webhook lacks \`${key}\`.`,
  ]),
  [
    "a number as webhook_id",
    JSON.stringify({ ...webhook("wh-1", LINK_ID), webhook_id: 7 }),
    "`webhook_id` must be a non-empty string of at most 512 characters.",
  ],
  [
    "data that is a list",
    JSON.stringify({ ...webhook("wh-1", LINK_ID), data: [1] }),
    "`data` must be a JSON object.",
  ],
])("refuses %s with 400 naming the problem", async (_, body, message) => {
  const answer = await postWebhook(kit.url, body);
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 400,
    body: refusal("BAD_REQUEST", message),
  });
  expect(await kept()).toEqual([]);
});

it("answers 404 without BELVO_WEBHOOK_SECRET", async () => {
  await kit.restart({ events: { webhookSecret: null } });
  const answer = await postWebhook(kit.url, webhook("wh-1", LINK_ID));
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 404,
    body: refusal("NOT_FOUND", "Nothing at /webhooks/belvo; GraphQL is served at /graphql."),
  });
});

it("takes POST only", async () => {
  const response = await fetch(`${kit.url}/webhooks/belvo`, {
    headers: { authorization: `Bearer ${WEBHOOK_SECRET}` },
  });
  expect(response.status).toBe(405);
  expect(response.headers.get("allow")).toBe("POST");
});

describe("BELVO_WEBHOOK_SECRET", () => {
  it("of fewer than 16 printable characters stops start-up, without quoting it", () => {
    expect(() => loadConfig({ BELVO_WEBHOOK_SECRET: "short-secret-15" })).toThrow(
      "BELVO_WEBHOOK_SECRET: must be at least 16 printable characters without spaces (e.g. openssl rand -hex 24).",
    );
    expect(() => loadConfig({ BELVO_WEBHOOK_SECRET: "with a space 0123456" })).toThrow(
      /^BELVO_WEBHOOK_SECRET: must be/,
    );
    expect(loadConfig({ BELVO_WEBHOOK_SECRET: WEBHOOK_SECRET }).events.webhookSecret).toBe(
      WEBHOOK_SECRET,
    );
    expect(loadConfig({}).events.webhookSecret).toBeNull();
  });
});

describe("attack: a webhook that no JSON.stringify can write back", () => {
  // 60 KB under the 64 KiB bound, 10,000 levels deep: JSON.parse takes it, but JSON.stringify
  // (Redis's append, graphql-ws's send, the query's answer) overflows the stack at ~5,000 levels,
  // so once kept it would poison every read of its link until it aged out.
  const deep = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

  it("refuses data nested deeper than 32 levels with 400; the link's events stay readable", async () => {
    const body = JSON.stringify(webhook("wh-deep", LINK_ID, { data: {} })).replace(
      '"data":{}',
      `"data":${deep(10_000)}`,
    );
    expect(Buffer.byteLength(body)).toBeLessThan(64 * 1024);
    const answer = await postWebhook(kit.url, body);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: refusal("BAD_REQUEST", "`data` nests deeper than 32 levels."),
    });
    expect((await postWebhook(kit.url, webhook("wh-2", LINK_ID))).status).toBe(202);
    expect(await kept()).toEqual([linkEvent("wh-2", LINK_ID, NOW.toISOString())]);
  });

  it("takes data nested exactly 32 levels", async () => {
    const data = JSON.parse(deep(32)) as Record<string, unknown>;
    expect((await postWebhook(kit.url, webhook("wh-32", LINK_ID, { data }))).status).toBe(202);
    expect(await kept()).toEqual([linkEvent("wh-32", LINK_ID, NOW.toISOString(), { data })]);
  });
});
