/**
 * Small things at the edge: what reaches the log of a client's strings, what a validation message
 * may quote, media types in any case, the request id on Apollo's own HTTP errors, and the outcome
 * logged for a client that left.
 */
import { request as httpRequest } from "node:http";
import request from "supertest";
import {
  LINK_BODY,
  LINK_ID,
  SESSION_HEX,
  TEST_REQUEST_ID,
  resumeInput,
  LINK_REPLY,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { refusal } from "./helpers/outcomes.js";
import { RESUME_LINK } from "./helpers/graphql.js";

const SECRET_TOKEN = "918273";

const kit = useGateway({ upstream: "fake", replies: [LINK_REPLY], perTest: true });

it("logs at most 200 characters of a 900 KB operation name", async () => {
  await kit.restart({ limits: { maxDocumentBytes: 1_000_000 } });
  const name = `Op${"x".repeat(900_000)}`;
  const { status } = await kit.post(`query ${name} { __typename }`);
  expect(status).toBe(200);
  const text = kit.logs.join("");
  expect(text.length).toBeLessThan(2_000);
  const logged = kit.lines().find((line) => line.msg === "graphql operation")?.operation as {
    name: string;
  };
  expect(logged.name.startsWith("Opxxx")).toBe(true);
  expect(logged.name.length).toBeLessThanOrEqual(220);
  expect(logged.name).toContain("[900002 characters]");
});

describe("a value written inline with the wrong type does not come back in the message", () => {
  it.each([
    [
      "a number where a String is expected",
      `mutation { resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: ${SECRET_TOKEN}}) { __typename } }`,
    ],
    [
      "an object where a String is expected",
      `mutation { resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: {t: "${SECRET_TOKEN}"}}) { __typename } }`,
    ],
    [
      "a name in an enum position",
      `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "u", password: "p", accessMode: tok${SECRET_TOKEN}}) { __typename } }`,
    ],
    [
      "a string in an enum position",
      `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "u", password: "p", accessMode: "${SECRET_TOKEN}"}) { __typename } }`,
    ],
    [
      "a number where a Boolean is expected",
      `mutation { resumeBalances(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", saveData: ${SECRET_TOKEN}}) { __typename } }`,
    ],
  ])("%s", async (_case, query) => {
    const { status, body } = await kit.post(query);
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    expect(JSON.stringify(body)).not.toContain(SECRET_TOKEN);
    expect(kit.fake.requests).toEqual([]);
  });

  it("the message still names the field and the expected type", async () => {
    const { body } = await kit.post(
      `mutation { resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: ${SECRET_TOKEN}}) { __typename } }`,
    );
    expect(body).toEqual({
      errors: [
        {
          message:
            "Invalid input.token: expected String; String cannot represent a non string value.",
          locations: [{ line: 1, column: expect.any(Number) as unknown }],
          extensions: {
            code: "GRAPHQL_VALIDATION_FAILED",
            field: "input.token",
            requestId: TEST_REQUEST_ID,
          },
        },
      ],
    });
  });
});

it("an unknown enum value keeps its suggestions, never the value", async () => {
  const { body } = await kit.post(
    `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "u", password: "p", accessMode: SINGL}) { __typename } }`,
  );
  expect(body).toMatchObject({
    errors: [
      {
        message:
          'Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT. Did you mean "SINGLE"?',
        extensions: { field: "input.accessMode" },
      },
    ],
  });
});

it.each(["Application/JSON", "APPLICATION/JSON; charset=UTF-8", "application/json;CHARSET=utf-8"])(
  "takes a body sent as %s (media types are case-insensitive)",
  async (contentType) => {
    const response = await request(kit.url)
      .post("/graphql")
      .set({ "content-type": contentType, "x-request-id": TEST_REQUEST_ID })
      .send(
        JSON.stringify({
          query: RESUME_LINK,
          variables: { input: resumeInput("123456") },
        }),
      );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      data: { resumeLink: { __typename: "Link", id: LINK_ID } },
    });
  },
);

describe("Apollo's own HTTP errors carry the request id", () => {
  it.each<[string, () => request.Test, number]>([
    ["a GET without a query", () => request(kit.url).get("/graphql"), 400],
    [
      "a PUT",
      () => request(kit.url).put("/graphql").set("content-type", "application/json").send("{}"),
      405,
    ],
    [
      "a POST body without a query",
      () =>
        request(kit.url)
          .post("/graphql")
          .set("content-type", "application/json")
          .send({ variables: {} }),
      400,
    ],
    [
      "a POST whose JSON is not an object",
      () => request(kit.url).post("/graphql").set("content-type", "application/json").send("3"),
      400,
    ],
    [
      "a simple-request POST (CSRF)",
      () => request(kit.url).post("/graphql").set("content-type", "text/plain").send("{}"),
      400,
    ],
  ])("%s", async (_case, send, status) => {
    const response = await send().set("x-request-id", TEST_REQUEST_ID);
    expect(response.status).toBe(status);
    const body = JSON.parse(response.text) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors).toHaveLength(1);
    for (const error of body.errors) expect(error.extensions.requestId).toBe(TEST_REQUEST_ID);
  });
});

it("a persisted-query id that is not its document's sha256 is a 400 that says so, not an internal error", async () => {
  const response = await request(kit.url)
    .post("/graphql")
    .set("content-type", "application/json")
    .send({
      query: "{ __typename }",
      extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
    });
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({
    errors: [{ message: "provided sha does not match query", extensions: { code: "BAD_REQUEST" } }],
  });
});

it("a request whose client left before the answer is logged CLIENT_GONE, not OK", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 400 });
  const { port } = new URL(kit.url);
  const sent = httpRequest({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/graphql",
    headers: { "content-type": "application/json", "x-request-id": TEST_REQUEST_ID },
  });
  sent.on("error", () => undefined);
  sent.end(
    JSON.stringify({
      query: RESUME_LINK,
      variables: { input: resumeInput("123456") },
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  sent.destroy();
  for (let i = 0; i < 40 && !kit.lines().some((line) => line.msg === "graphql operation"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(kit.lines().find((line) => line.msg === "graphql operation")).toMatchObject({
    requestId: TEST_REQUEST_ID,
    operation: { name: "ResumeLink", outcome: "CLIENT_GONE" },
  });
  // Belvo answered: the result is not lost on the gateway's side (the link can be fetched again).
  expect(kit.fake.requests).toHaveLength(1);
});

describe("a document over MAX_DOCUMENT_BYTES (32 KiB by default)", () => {
  const padded = `#${"x".repeat(40_000)}\n${RESUME_LINK}`;
  const input = resumeInput(SECRET_TOKEN);

  it("is refused (413) before Apollo keeps it, by POST", async () => {
    const { status, body } = await kit.post(padded, { input });
    expect(status).toBe(413);
    expect(body).toEqual(
      refusal(
        "PAYLOAD_TOO_LARGE",
        "The GraphQL document exceeds 32768 characters (MAX_DOCUMENT_BYTES).",
      ),
    );
    expect(kit.fake.requests).toEqual([]);
  });

  it("and by GET, as Apollo decodes it (a smaller limit: Node caps a URL at 16 KiB itself)", async () => {
    await kit.restart({ limits: { maxDocumentBytes: 4_096 } });
    const { status } = await request(kit.url)
      .get(`/graphql?%71uery=${encodeURIComponent(`#${"x".repeat(5_000)}\n{ __typename }`)}`)
      .set({ "apollo-require-preflight": "1", "x-request-id": TEST_REQUEST_ID });
    expect(status).toBe(413);
  });

  it("a document within it runs as before", async () => {
    const { status } = await kit.post(`#${"x".repeat(30_000)}\n{ __typename }`);
    expect(status).toBe(200);
  });
});

describe("a method a known path does not take is METHOD_NOT_ALLOWED (405), with Allow", () => {
  it.each<[string, string, string, string]>([
    [
      "PUT",
      "/graphql",
      "GET, POST",
      "/graphql takes GET (queries) and POST (any operation), not PUT.",
    ],
    [
      "DELETE",
      "/graphql",
      "GET, POST",
      "/graphql takes GET (queries) and POST (any operation), not DELETE.",
    ],
    ["POST", "/health", "GET, HEAD", "/health takes GET (or HEAD), not POST."],
    ["PUT", "/ready", "GET, HEAD", "/ready takes GET (or HEAD), not PUT."],
    ["POST", "/metrics", "GET, HEAD", "/metrics takes GET (or HEAD), not POST."],
  ])("%s %s", async (method, path, allow, message) => {
    const send = request(kit.url);
    const verb = method.toLowerCase() as "put" | "delete" | "post";
    const response = await send[verb](path).set({
      "x-request-id": TEST_REQUEST_ID,
      accept: "application/graphql-response+json",
    });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers["content-type"]).toBe(
      "application/graphql-response+json; charset=utf-8",
    );
    expect(JSON.parse(response.text)).toEqual(refusal("METHOD_NOT_ALLOWED", message));
    expect(kit.fake.requests).toEqual([]);
  });

  it("HEAD /health still answers", async () => {
    expect((await request(kit.url).head("/health")).status).toBe(200);
  });
});
