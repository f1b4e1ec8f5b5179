/**
 * The GraphQL clients frontends already use, as they are, against the real gateway: Apollo Client 4
 * reads every refusal of the gateway as `CombinedGraphQLErrors` with its `extensions.code`
 * (it reads the body of a 4xx or 5xx only in `application/graphql-response+json`); urql with its
 * defaults (queries as GET) is served with a key, and told the fix in the gateway's words without
 * one; a form body (`curl -d`) is told the fix too.
 */
import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
  type DocumentNode,
} from "@apollo/client";
import { Client, fetchExchange, type AnyVariables } from "@urql/core";
import { BelvoGatewayClient, GatewayClientError } from "@belvo-graphql-gateway/client";
import { LINK_REPLY, institutionBody, page, resumeInput } from "./helpers/fixtures.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";

const KEY = "frontend-key-5e2a71";
const INPUT = { input: resumeInput("123456") };
const BEARER = { authorization: `Bearer ${KEY}` };
const INSTITUTIONS = gql`
  query Institutions {
    institutions(countryCode: "MX") {
      name
    }
  }
`;

const kit = useGateway({
  upstream: "fake",
  lazy: true,
  route: () => page([institutionBody("erebor_mx_retail")]),
});

function apollo(uri: string, options: ConstructorParameters<typeof HttpLink>[0] = {}) {
  return new ApolloClient({ link: new HttpLink({ uri, ...options }), cache: new InMemoryCache() });
}

/** What Apollo Client 4 makes of a refusal: the error a query or a mutation rejects with. */
async function apolloError(
  client: ApolloClient,
  document: DocumentNode,
  mutation = false,
): Promise<unknown> {
  try {
    if (mutation) await client.mutate({ mutation: document, variables: INPUT });
    else await client.query({ query: document, fetchPolicy: "no-cache" });
  } catch (error) {
    return error;
  }
  throw new Error("Apollo Client did not reject");
}

/** The first GraphQL error's code and message, as Apollo Client 4 hands them to an app. */
function graphQLError(error: unknown): { code: unknown; message: string } {
  if (!CombinedGraphQLErrors.is(error)) {
    throw new Error(`Not CombinedGraphQLErrors: ${String(error)}`);
  }
  const [first] = error.errors;
  return { code: first?.extensions?.code, message: first?.message ?? "" };
}

describe("Apollo Client 4 reads the gateway's own refusals as CombinedGraphQLErrors", () => {
  it("401 UNAUTHENTICATED: no key", async () => {
    const gateway = await kit.another({ apiKeys: [KEY] });
    const error = await apolloError(apollo(`${gateway.url}/graphql`), INSTITUTIONS);
    expect(graphQLError(error)).toEqual({
      code: "UNAUTHENTICATED",
      message: "Send a valid gateway API key as `Authorization: Bearer <key>`.",
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("404 NOT_FOUND: a mistyped endpoint", async () => {
    const gateway = await kit.another();
    const error = await apolloError(apollo(`${gateway.url}/graphq`), INSTITUTIONS);
    expect(graphQLError(error)).toEqual({
      code: "NOT_FOUND",
      message: "Nothing at /graphq; GraphQL is served at /graphql.",
    });
  });

  it("405 METHOD_NOT_ALLOWED: a mutation sent as a GET, never run", async () => {
    const gateway = await kit.another({ apiKeys: [KEY] });
    const client = apollo(`${gateway.url}/graphql`, {
      headers: BEARER,
      fetchOptions: { method: "GET" },
    });
    const error = await apolloError(client, gql(RESUME_LINK), true);
    expect(graphQLError(error)).toEqual({
      code: "METHOD_NOT_ALLOWED",
      message:
        "A GET runs queries only: send a mutation as a POST with `Content-Type: application/json`.",
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("405 METHOD_NOT_ALLOWED: a method /graphql does not take", async () => {
    const gateway = await kit.another();
    const client = apollo(`${gateway.url}/graphql`, { fetchOptions: { method: "PUT" } });
    expect(graphQLError(await apolloError(client, INSTITUTIONS))).toEqual({
      code: "METHOD_NOT_ALLOWED",
      message: "/graphql takes GET (queries) and POST (any operation), not PUT.",
    });
  });
});

describe("Apollo Client 4 reads the gateway's limits as CombinedGraphQLErrors too", () => {
  it("413 PAYLOAD_TOO_LARGE: a body over MAX_BODY_BYTES", async () => {
    const gateway = await kit.another({ limits: { maxBodyBytes: 200 } });
    const client = apollo(`${gateway.url}/graphql`);
    const padded = gql`
      ${"#".repeat(300)}
      query Institutions {
        institutions(countryCode: "MX") {
          name
        }
      }
    `;
    expect(graphQLError(await apolloError(client, padded))).toEqual({
      code: "PAYLOAD_TOO_LARGE",
      message: "The request body exceeds 200 bytes.",
    });
  });

  it("503 SHUTTING_DOWN: a request that arrives while the gateway drains", async () => {
    const gateway = await kit.another();
    kit.fake.route = () => ({ ...LINK_REPLY, delayMs: 600 });
    const holding = apollo(`${gateway.url}/graphql`)
      .mutate({ mutation: gql(RESUME_LINK), variables: INPUT })
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const draining = gateway.shutdown(5_000);
    const error = await apolloError(apollo(`${gateway.url}/graphql`), INSTITUTIONS);
    expect(graphQLError(error)).toEqual({
      code: "SHUTTING_DOWN",
      message: "The gateway is shutting down; retry.",
    });
    await holding;
    await draining;
  });

  it("and a served query is data, as before", async () => {
    const gateway = await kit.another();
    const { data } = await apollo(`${gateway.url}/graphql`).query({ query: INSTITUTIONS });
    expect(data).toEqual({
      institutions: [{ __typename: "Institution", name: "erebor_mx_retail" }],
    });
  });
});

describe("the typed client reads the same refusals, with their code and status", () => {
  const failure = async (client: BelvoGatewayClient) => {
    const error = await client.institutions("MX").catch((caught: unknown) => caught);
    if (!(error instanceof GatewayClientError))
      throw new Error(`Not a GatewayClientError: ${String(error)}`);
    const { code, status, message, retryable } = error;
    return { code, status, message, retryable };
  };

  it.each<[string, () => Promise<{ url: string }>, string, number, string]>([
    [
      "no key",
      () => kit.another({ apiKeys: [KEY] }).then(({ url }) => ({ url: `${url}/graphql` })),
      "UNAUTHENTICATED",
      401,
      "Send a valid gateway API key as `Authorization: Bearer <key>`.",
    ],
    [
      "a mistyped endpoint",
      () => kit.another().then(({ url }) => ({ url: `${url}/graphq` })),
      "NOT_FOUND",
      404,
      "Nothing at /graphq; GraphQL is served at /graphql.",
    ],
    [
      "a body over MAX_BODY_BYTES",
      () =>
        kit
          .another({ limits: { maxBodyBytes: 100 } })
          .then(({ url }) => ({ url: `${url}/graphql` })),
      "PAYLOAD_TOO_LARGE",
      413,
      "The request body exceeds 100 bytes.",
    ],
    [
      "an operation over MAX_UPSTREAM_COST",
      () =>
        kit
          .another({ limits: { maxUpstreamCost: 2 } })
          .then(({ url }) => ({ url: `${url}/graphql` })),
      "QUERY_TOO_COSTLY",
      400,
      "The operation could cost Belvo 3 (a read counts 3, its attempts; a write 10); one operation may cost 2 (MAX_UPSTREAM_COST). Split it into several operations.",
    ],
  ])("%s (not retryable)", async (_case, start, code, status, message) => {
    const { url } = await start();
    expect(await failure(new BelvoGatewayClient(url))).toEqual({
      code,
      status,
      message,
      retryable: false,
    });
  });
});

describe("urql with its defaults sends queries as GET", () => {
  const urql = (url: string, options: Partial<ConstructorParameters<typeof Client>[0]> = {}) =>
    new Client({ url: `${url}/graphql`, exchanges: [fetchExchange], ...options });
  const query = (client: Client) =>
    client.query<unknown, AnyVariables>(INSTITUTIONS, {}, { requestPolicy: "network-only" });

  it("with a valid key: the GET is served (no preflight header needed)", async () => {
    const gateway = await kit.another({ apiKeys: [KEY] });
    const result = await query(
      urql(gateway.url, { fetchOptions: { headers: BEARER } }),
    ).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ institutions: [{ name: "erebor_mx_retail" }] });
    expect(kit.fake.requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("without a key (development, no GATEWAY_API_KEYS): refused in the gateway's words, with the fix; nothing sent to Belvo", async () => {
    const gateway = await kit.another();
    const result = await query(urql(gateway.url)).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.networkError).toBeUndefined();
    expect(
      result.error?.graphQLErrors.map(({ message, extensions }) => [message, extensions.code]),
    ).toEqual([
      [
        "A GET without the header `apollo-require-preflight` (or a gateway API key) could come from another site's page (cross-site request forgery), so it is not run. Send the operation as a POST with `Content-Type: application/json`, or a GET query with the header `apollo-require-preflight: true` (urql sends queries as GET: set `preferGetMethod: false`, or add the header in `fetchOptions`).",
        "BAD_REQUEST",
      ],
    ]);
    expect(kit.fake.requests).toEqual([]);
  });

  it.each<[string, Partial<ConstructorParameters<typeof Client>[0]>]>([
    ["preferGetMethod: false", { preferGetMethod: false }],
    ["the preflight header", { fetchOptions: { headers: { "apollo-require-preflight": "true" } } }],
  ])("either fix serves it: %s", async (_fix, options) => {
    const gateway = await kit.another();
    const result = await query(urql(gateway.url, options)).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ institutions: [{ name: "erebor_mx_retail" }] });
  });
});

it("a form body (curl -d) is told to send JSON, in the gateway's words; nothing sent to Belvo", async () => {
  const gateway = await kit.another();
  const response = await fetch(`${gateway.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-request-id": "curl-1" },
    body: JSON.stringify({ query: "{ institutions { name } }" }),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(await response.json()).toEqual({
    errors: [
      {
        message:
          "The gateway reads a POST body only as JSON, and this one was sent as `application/x-www-form-urlencoded`: a form or text body could come from another site's page (cross-site request forgery). Send the operation as a POST with `Content-Type: application/json`, or a GET query with the header `apollo-require-preflight: true` (urql sends queries as GET: set `preferGetMethod: false`, or add the header in `fetchOptions`).",
        extensions: { code: "BAD_REQUEST", requestId: "curl-1" },
      },
    ],
  });
  expect(kit.fake.requests).toEqual([]);
});
