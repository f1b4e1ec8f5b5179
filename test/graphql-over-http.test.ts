/**
 * GraphQL over HTTP, to the letter: the specification's own audit (`serverAudits` of graphql-http,
 * what server authors run to claim conformance) against a development gateway and a production one
 * with an API key. Each non-ok check is pinned by id, so a regression (or a fix) fails here; the
 * README (GraphQL over HTTP) says why each one is left.
 */
import { serverAudits, type AuditResult } from "graphql-http";
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
