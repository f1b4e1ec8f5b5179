/**
 * GraphQL over HTTP, to the letter: the specification's own audit (`serverAudits` of graphql-http,
 * what server authors run to claim conformance) against a development gateway and a production one
 * with an API key. Each non-ok check is pinned by id, so a regression (or a fix) fails here; the
 * docs/errors.md (Status codes and media types) says why each one is left.
 */
import { serverAudits, type AuditResult } from "graphql-http";
import { LINK_ID, LINK_REPLY, resumeInput } from "./helpers/fixtures.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";

const KEY = "audit-key-4c1d9e";

const kit = useGateway({ upstream: "fake", lazy: true });

/** Every check's result, ok or not, with its id and name. */
async function audit(url: string, headers: Record<string, string> = {}): Promise<AuditResult[]> {
  const fetchFn = (input: string, init: RequestInit = {}) =>
    fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  return Promise.all(serverAudits({ url: `${url}/graphql`, fetchFn }).map(({ fn }) => fn()));
}

/** The checks that are not ok: `status id name`. */
function notOk(results: AuditResult[]): string[] {
  return results
    .filter((result) => result.status !== "ok")
    .map((result) => `${result.status} ${result.id} ${result.name}`)
    .sort();
}

it("runs the whole audit: 61 checks", async () => {
  const gateway = await kit.another();
  expect(await audit(gateway.url)).toHaveLength(61);
});

it("development, no keys: only the three GET MAYs are left, a GET without a preflight header being refused", async () => {
  const gateway = await kit.another();
  const results = await audit(gateway.url);
  expect(notOk(results)).toEqual([
    "notice 5A70 MAY accept application/x-www-form-urlencoded formatted GET requests",
    "notice 6A70 MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json",
    "notice D6D5 MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json",
  ]);
  // No MUST and no SHOULD among them.
  expect(results.filter((result) => result.status !== "ok" && !/^MAY /.test(result.name))).toEqual(
    [],
  );
  // Refused in the gateway's own words, naming the fix; nothing reached Belvo.
  const refused = results.find((result) => result.id === "5A70");
  const body = refused?.status === "notice" ? await refused.response.json() : null;
  expect(body).toMatchObject({
    errors: [
      {
        message: expect.stringContaining("apollo-require-preflight") as unknown,
        extensions: { code: "BAD_REQUEST" },
      },
    ],
  });
  expect(kit.fake.requests).toEqual([]);
});

it("development with the preflight header on every request: every check is ok", async () => {
  const gateway = await kit.another();
  expect(notOk(await audit(gateway.url, { "apollo-require-preflight": "true" }))).toEqual([]);
});

it("production with an API key: every check is ok but those that read __type (introspection is closed)", async () => {
  const gateway = await kit.another({ production: true, apiKeys: [KEY] });
  expect(notOk(await audit(gateway.url, { authorization: `Bearer ${KEY}` }))).toEqual([
    "error 28B9 MUST allow map {variables} parameter when accepting application/json",
    "notice 6A70 MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json",
    "notice D6D5 MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json",
    "warn 2EA1 SHOULD allow map {variables} parameter when accepting application/graphql-response+json",
  ]);
  expect(kit.fake.requests).toEqual([]);
});

it("production: each check left fails on closed introspection, nothing else", async () => {
  const gateway = await kit.another({ production: true, apiKeys: [KEY] });
  const results = await audit(gateway.url, { authorization: `Bearer ${KEY}` });
  for (const result of results) {
    if (result.status === "ok") continue;
    const body: unknown = await result.response.json();
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/introspection/i) as unknown,
          locations: [{ line: 1, column: expect.any(Number) as unknown }],
          extensions: expect.objectContaining({
            code: "GRAPHQL_VALIDATION_FAILED",
          }) as unknown,
        },
      ],
    });
  }
});

const JSON_TYPE = "application/json";
const GRAPHQL_RESPONSE = "application/graphql-response+json";

/** One outcome (docs/errors.md: Status codes and media types): how to send it, its code, its statuses. */
type Row = [
  outcome: string,
  send: { method?: string; body?: string; search?: string; headers?: Record<string, string> },
  code: string,
  statusInJson: number,
  statusInGraphQLResponse: number,
];
const post = (body: unknown) => ({ body: JSON.stringify(body) });
/** 18 levels, over MAX_DEPTH (15): `link { accounts { link { … id } } }`. */
const DEEP = `{ link(id: "683005d6-f45c-4adb-b289-f1a12f50f80c") { ${"accounts { link { ".repeat(8)}id${" } }".repeat(8)} } }`;
const ROWS: Row[] = [
  ["the body is not JSON", { body: '{ "not JSON' }, "BAD_REQUEST", 400, 400],
  ["no query", post({ variables: {} }), "BAD_REQUEST", 400, 400],
  ["a query that is not a string", post({ query: 7 }), "BAD_REQUEST", 400, 400],
  [
    "a text body",
    { body: "query=x", headers: { "content-type": "text/plain" } },
    "BAD_REQUEST",
    400,
    400,
  ],
  ["the document does not parse", post({ query: "{" }), "GRAPHQL_PARSE_FAILED", 200, 400],
  [
    "the document is over MAX_TOKENS",
    post({ query: `{ ${"__typename ".repeat(2_100)} }` }),
    "GRAPHQL_PARSE_FAILED",
    200,
    400,
  ],
  [
    "the document does not validate",
    post({ query: "{ nope }" }),
    "GRAPHQL_VALIDATION_FAILED",
    200,
    400,
  ],
  [
    "the document is deeper than MAX_DEPTH",
    post({ query: DEEP }),
    "GRAPHQL_VALIDATION_FAILED",
    200,
    400,
  ],
  [
    "the operation cannot be chosen",
    post({ query: "query A { __typename } query B { __typename }" }),
    "OPERATION_RESOLUTION_FAILURE",
    200,
    400,
  ],
  [
    "the variables cannot be coerced",
    post({ query: "query Q($id: ID!) { link(id: $id) { id } }", variables: { id: null } }),
    "BAD_USER_INPUT",
    200,
    400,
  ],
  [
    "a mutation sent as a GET",
    {
      method: "GET",
      search: `?query=${encodeURIComponent("mutation { __typename }")}`,
      headers: { "apollo-require-preflight": "true" },
    },
    "METHOD_NOT_ALLOWED",
    405,
    405,
  ],
  [
    "a method /graphql does not take",
    { method: "PUT", body: "{}" },
    "METHOD_NOT_ALLOWED",
    405,
    405,
  ],
  [
    "an operation over MAX_UPSTREAM_COST (11 reads of 3)",
    post({
      query: `{ ${Array.from({ length: 11 }, (_, i) => `i${i}: institutions { name }`).join(" ")} }`,
    }),
    "QUERY_TOO_COSTLY",
    400,
    400,
  ],
  [
    "a GET without a preflight header",
    { method: "GET", search: "?query=%7B__typename%7D" },
    "BAD_REQUEST",
    400,
    400,
  ],
];

type ErrorsOnly = { data?: unknown; errors: { extensions: { code: string } }[] };

describe.each([[JSON_TYPE, 3] as const, [GRAPHQL_RESPONSE, 4] as const])(
  "status codes and media types, accepting %s",
  (accept, column) => {
    it.each(ROWS)("%s", async (...row) => {
      const [, send, code] = row;
      const gateway = await kit.another();
      const response = await fetch(`${gateway.url}/graphql${send.search ?? ""}`, {
        method: send.method ?? "POST",
        headers: {
          accept,
          ...(send.method === "GET" ? {} : { "content-type": "application/json" }),
          ...send.headers,
        },
        body: send.body,
      });
      expect([response.status, response.headers.get("content-type")]).toEqual([
        row[column],
        `${accept}; charset=utf-8`,
      ]);
      const body = (await response.json()) as ErrorsOnly;
      expect(body).not.toHaveProperty("data");
      expect(body.errors.map((error) => error.extensions.code)).toEqual([code]);
      expect(kit.fake.requests).toEqual([]);
    });

    it("an operation that ran, its field failing on Belvo's 500, is a 200 with data", async () => {
      kit.fake.route = () => ({ status: 500, body: "boom" });
      const gateway = await kit.another();
      const response = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: { accept, "content-type": "application/json" },
        body: JSON.stringify({ query: `{ link(id: "${LINK_ID}") { id } }` }),
      });
      expect([response.status, response.headers.get("content-type")]).toEqual([
        200,
        `${accept}; charset=utf-8`,
      ]);
      expect(await response.json()).toMatchObject({
        data: { link: null },
        errors: [{ extensions: { code: "UPSTREAM_ERROR" } }],
      });
    });

    it("a refusal of the gateway keeps its status: 401 UNAUTHENTICATED", async () => {
      const gateway = await kit.another({ apiKeys: [KEY] });
      const response = await fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: { accept, "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect([response.status, response.headers.get("content-type")]).toEqual([
        401,
        `${accept}; charset=utf-8`,
      ]);
      const body = (await response.json()) as ErrorsOnly;
      expect(body.errors.map((error) => error.extensions.code)).toEqual(["UNAUTHENTICATED"]);
    });
  },
);

it("an Accept that allows neither GraphQL media type: 406 NOT_ACCEPTABLE before anything runs", async () => {
  kit.fake.route = () => LINK_REPLY;
  const gateway = await kit.another();
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { accept: "text/html", "content-type": "application/json", "x-request-id": "r-406" },
    body: JSON.stringify({ query: RESUME_LINK, variables: { input: resumeInput("123456") } }),
  });
  expect([response.status, response.headers.get("content-type")]).toEqual([
    406,
    "application/json; charset=utf-8",
  ]);
  expect(await response.json()).toEqual({
    errors: [
      {
        message:
          "The Accept header allows neither `application/graphql-response+json` nor `application/json`, the media types of a GraphQL answer; nothing was run.",
        extensions: { code: "NOT_ACCEPTABLE", requestId: "r-406" },
      },
    ],
  });
  // Apollo alone would have resumed the link (the token spent) and then answered 406.
  expect(kit.fake.requests).toEqual([]);
});
