/**
 * The client-key check decides on what Apollo reads (the decoded query string), never on the raw
 * URL: no spelling of a GraphQL request gets data without a key, and in production nothing but
 * /health, /ready and /metrics answers without one.
 */
import { request as httpRequest } from "node:http";
import { LINK_ID, LINK_REPLY } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";

const API_KEY = "client-key-5f1e2d3c4b5a6978";
const QUERY = `{ link(id:"${LINK_ID}"){ id externalId } }`;
const BROWSER = { accept: "text/html, application/json", "apollo-require-preflight": "1" };

const kit = useGateway({
  upstream: "fake",
  perTest: true,
  lazy: true,
  replies: [LINK_REPLY],
});

const keyed = (production: boolean) => kit.another({ apiKeys: [API_KEY], production });

/** A request sent byte for byte as written: no client library re-encodes the path. */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

const encoded = encodeURIComponent(QUERY);
const persisted = encodeURIComponent(
  JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } }),
);
const ATTACKS: [string, string][] = [
  ["query percent-encoded (%71uery)", `/graphql?%71uery=${encoded}`],
  ["query partly percent-encoded (qu%65ry)", `/graphql?qu%65ry=${encoded}`],
  ["query upper-case percent-encoded (%51uery, %71UERY)", `/graphql?%51uery=${encoded}`],
  ["query in upper-case hex (%71%75%65%72%79)", `/graphql?%71%75%65%72%79=${encoded}`],
  ["query after an empty parameter", `/graphql?&&query=${encoded}`],
  ["query with + for spaces", `/graphql?%71uery=${encoded.replace(/%20/g, "+")}`],
  ["query twice", `/graphql?%71uery=${encoded}&query=${encoded}`],
  ["extensions percent-encoded", `/graphql?%65xtensions=${persisted}&%71uery=${encoded}`],
  ["extensions only", `/graphql?extensions=${persisted}`],
  ["operationName and variables", `/graphql?operationName=x&variables=%7B%7D&%71uery=${encoded}`],
  ["a fragment after the query", `/graphql?%71uery=${encoded}#x`],
];

describe.each([
  ["outside production", false],
  ["in production", true],
])("%s, without a key", (_mode, production) => {
  it.each(ATTACKS)("a browser GET with %s is 401, with no upstream call", async (_case, path) => {
    const gateway = await keyed(production);
    const answer = await raw(gateway.url, "GET", path, BROWSER);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain("UNAUTHENTICATED");
    expect(answer.text).not.toContain(LINK_ID);
    expect(kit.fake.requests).toEqual([]);
  });

  it.each([
    ["text/html", "text/html, application/json"],
    ["upper-case TEXT/HTML", "TEXT/HTML"],
  ])("a POST accepting %s is 401, with no upstream call", async (_case, accept) => {
    const gateway = await keyed(production);
    const answer = await raw(
      gateway.url,
      "POST",
      "/graphql",
      { ...BROWSER, accept, "content-type": "application/json" },
      JSON.stringify({ query: QUERY }),
    );
    expect(answer.status).toBe(401);
    expect(kit.fake.requests).toEqual([]);
  });
});

it("in production, a browser GET of /graphql without a key is 401: there is no landing page", async () => {
  const gateway = await keyed(true);
  const answer = await raw(gateway.url, "GET", "/graphql", BROWSER);
  expect(answer.status).toBe(401);
  expect(answer.text).not.toContain("embeddable-sandbox");
});

it("in production, /health, /ready and /metrics (METRICS_PUBLIC=true: no METRICS_TOKEN) answer without a key", async () => {
  const gateway = await keyed(true);
  for (const path of ["/health", "/ready", "/metrics"]) {
    expect((await raw(gateway.url, "GET", path, {})).status).toBe(200);
  }
});

it("outside production, a keyless browser GET with no parameters is the landing page", async () => {
  const gateway = await keyed(false);
  const answer = await raw(gateway.url, "GET", "/graphql", BROWSER);
  expect(answer.status).toBe(200);
  expect(answer.text).toContain("embeddable-sandbox");
});

it("outside production, a keyless GET that names text/html but prefers JSON is 401, not let through", async () => {
  const gateway = await keyed(false);
  const answer = await raw(gateway.url, "GET", "/graphql", {
    ...BROWSER,
    accept: "application/json, text/html;q=0.1",
    "apollo-require-preflight": "true",
  });
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.text)).toEqual({
    errors: [
      {
        message: "Send a valid gateway API key as `Authorization: Bearer <key>`.",
        extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) as string },
      },
    ],
  });
  expect(kit.fake.requests).toEqual([]);
});

it("with a key, the same GET is served", async () => {
  const gateway = await keyed(true);
  const answer = await raw(gateway.url, "GET", `/graphql?%71uery=${encoded}`, {
    ...BROWSER,
    accept: "application/json",
    authorization: `Bearer ${API_KEY}`,
  });
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.text)).toEqual({
    data: { link: { id: LINK_ID, externalId: "customer-42" } },
  });
});
