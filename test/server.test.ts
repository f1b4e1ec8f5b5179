/** The HTTP surface: health, routing, client keys, body limits, landing page, production posture. */
import { GraphQLError } from "graphql";
import request from "supertest";
import { formatError, isUnexpected } from "../src/errors.js";
import {
  LINK_ID,
  TEST_REQUEST_ID,
  errorList,
  resumeInput,
  LINK_REPLY,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { refusal } from "./helpers/outcomes.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";

const API_KEY = "client-key-5f1e2d3c4b5a6978";
const kit = useGateway({
  upstream: "fake",
  perTest: true,
  lazy: true,
  replies: [LINK_REPLY],
});
const INPUT = { input: resumeInput("123456") };

it("GET /health answers 200 {status: ok}", async () => {
  const gateway = await kit.another();
  const response = await request(gateway.url).get("/health");
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: "ok" });
});

it("an unknown path answers 404 and says where GraphQL is", async () => {
  const gateway = await kit.another();
  const response = await request(gateway.url).get("/nope").set("x-request-id", TEST_REQUEST_ID);
  expect(response.status).toBe(404);
  expect(response.body).toEqual(
    refusal("NOT_FOUND", "Nothing at /nope; GraphQL is served at /graphql."),
  );
});

describe("with GATEWAY_API_KEYS", () => {
  it.each([
    ["no Authorization header", {}],
    ["an unknown key", { authorization: "Bearer client-key-0000000000000000" }],
    ["a key in Basic form", { authorization: `Basic ${API_KEY}` }],
  ])("%s is HTTP 401 UNAUTHENTICATED with no upstream call", async (_case, headers) => {
    const gateway = await kit.another({ apiKeys: [API_KEY] });
    const {
      status,
      body,
      headers: answerHeaders,
    } = await postGraphQL(gateway.url, RESUME_LINK, INPUT, headers);
    expect(status).toBe(401);
    expect(answerHeaders["www-authenticate"]).toBe('Bearer realm="belvo-graphql-gateway"');
    expect(body).toEqual(
      refusal("UNAUTHENTICATED", "Send a valid gateway API key as `Authorization: Bearer <key>`."),
    );
    expect(kit.fake.requests).toEqual([]);
  });

  it("a known key is served", async () => {
    const gateway = await kit.another({ apiKeys: ["other-key-000000000000", API_KEY] });
    const { status, body } = await postGraphQL(gateway.url, RESUME_LINK, INPUT, {
      authorization: `Bearer ${API_KEY}`,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ data: { resumeLink: { __typename: "Link", id: LINK_ID } } });
    expect(kit.fake.requests).toHaveLength(1);
  });
});

it("a body over the limit is HTTP 413 with no upstream call", async () => {
  const gateway = await kit.another({ limits: { maxBodyBytes: 2048 } });
  const response = await request(gateway.url)
    .post("/graphql")
    .set({ "content-type": "application/json", "x-request-id": TEST_REQUEST_ID })
    .send({ query: RESUME_LINK, variables: INPUT, padding: "x".repeat(4096) });
  expect(response.status).toBe(413);
  expect(response.body).toEqual(
    refusal("PAYLOAD_TOO_LARGE", "The request body exceeds 2048 bytes."),
  );
  expect(kit.fake.requests).toEqual([]);
});

it("a body that is not JSON is HTTP 400", async () => {
  const gateway = await kit.another();
  const response = await request(gateway.url)
    .post("/graphql")
    .set({ "content-type": "application/json", "x-request-id": TEST_REQUEST_ID })
    .send("{nope");
  expect(response.status).toBe(400);
  expect(response.body).toEqual(refusal("BAD_REQUEST", "The request body is not valid JSON."));
});

it("a batch of operations is refused", async () => {
  const gateway = await kit.another();
  const response = await request(gateway.url)
    .post("/graphql")
    .set("content-type", "application/json")
    .send([
      { query: RESUME_LINK, variables: INPUT },
      { query: RESUME_LINK, variables: INPUT },
    ]);
  expect(response.status).toBe(400);
  expect(kit.fake.requests).toEqual([]);
});

it("outside production, a browser GET of /graphql is Apollo Sandbox pre-filled with the example", async () => {
  const gateway = await kit.another({ apiKeys: [API_KEY] });
  const response = await request(gateway.url).get("/graphql").set("accept", "text/html");
  expect(response.status).toBe(200);
  expect(response.text).toContain("embeddable-sandbox");
  expect(response.text).toContain("ResumeLinkInput");
  expect(response.text).toContain("39cd6a88-8ee3-4e59-a861-b8a2187e0f4c");
  expect(response.text).not.toContain(API_KEY);
});

describe("in production", () => {
  it("serves no landing page", async () => {
    const gateway = await kit.another({ production: true });
    const response = await request(gateway.url).get("/graphql").set("accept", "text/html");
    expect(response.text).not.toContain("embeddable-sandbox");
  });

  it("refuses introspection and hides field suggestions", async () => {
    const gateway = await kit.another({ production: true });
    const introspection = await postGraphQL(gateway.url, "{ __schema { types { name } } }");
    expect(introspection.body).toMatchObject({
      errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }],
    });
    const typo = await postGraphQL(gateway.url, '{ lnk(id: "x") { id } }');
    expect(JSON.stringify(typo.body)).not.toContain("Did you mean");
  });

  it("answers a resolver's error as itself, not as a 500 (graphql-jit's errors have a read-only message)", async () => {
    const gateway = await kit.another({ production: true });
    kit.fake.reply({
      status: 400,
      body: errorList("institution_down", "The institution is down."),
    });
    const { status, body } = await postGraphQL(gateway.url, "{ institutions { name } }");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      errors: [{ path: ["institutions"], extensions: { code: "UPSTREAM_REJECTED" } }],
    });
  });

  it("serves introspection outside production", async () => {
    const gateway = await kit.another();
    const { body } = await postGraphQL(gateway.url, '{ __type(name: "MfaChallenge") { name } }');
    expect(body).toEqual({ data: { __type: { name: "MfaChallenge" } } });
  });
});

it("formatError masks an unexpected error, never its details in the answer", () => {
  const wrapped = new GraphQLError("Cannot read properties of undefined", {
    path: ["resumeLink"],
    originalError: new TypeError("boom at /srv/secret-path"),
  });
  expect(isUnexpected(wrapped)).toBe(true);
  const formatted = formatError(
    {
      message: wrapped.message,
      path: ["resumeLink"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    },
    wrapped,
  );
  expect(formatted).toEqual({
    message: "Internal server error",
    path: ["resumeLink"],
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  });
});

it("CSRF prevention refuses a simple-request POST (text/plain) with no upstream call, in the gateway's words", async () => {
  const gateway = await kit.another();
  const response = await request(gateway.url)
    .post("/graphql")
    .set({ "content-type": "text/plain", "x-request-id": TEST_REQUEST_ID })
    .send(JSON.stringify({ query: RESUME_LINK, variables: INPUT }));
  expect(response.status).toBe(400);
  // Refused before its body is read: the connection is not kept to read it to its end.
  expect(response.headers.connection).toBe("close");
  expect(JSON.parse(response.text)).toEqual(
    refusal(
      "BAD_REQUEST",
      "The gateway reads a POST body only as JSON, and this one was sent as `text/plain`: a form or text body could come from another site's page (cross-site request forgery). Send the operation as a POST with `Content-Type: application/json`, or a GET query with the header `apollo-require-preflight: true` (urql sends queries as GET: set `preferGetMethod: false`, or add the header in `fetchOptions`).",
    ),
  );
  expect(kit.fake.requests).toEqual([]);
});
