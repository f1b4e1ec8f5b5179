/** The typed client against the running gateway and emulator, as a frontend would use it. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, isUnionType } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import {
  BelvoGatewayClient,
  GatewayClientError,
  possibleTypes,
  type LinkResult,
} from "@belvo-graphql-gateway/client";
import { useGateway } from "./helpers/kit.js";
import { freePort } from "./helpers/system.js";

const API_KEY = "client-test-key-000000001";
const PASSWORD = "numeric_code";
let client: BelvoGatewayClient;
const kit = useGateway({ upstream: "emulator", apiKeys: [API_KEY] });
beforeAll(() => {
  client = new BelvoGatewayClient(`${kit.url}/graphql`, { apiKey: API_KEY });
});

const NO_LINK = "00000000-0000-4000-8000-000000000000";
const BAD_LOGIN = { username: "user_invalid", password: "pass_invalid" };
/** Where a challenge is resumed: its session and link. */
const sessionOf = ({ session, link }: { session: string; link: string }) => ({ session, link });

/** Compiles only if every member is handled: the union is discriminated. */
function describeResult(result: LinkResult): string {
  switch (result.__typename) {
    case "Link":
      return `link ${result.status}`;
    case "MfaChallenge":
      return `challenge ${result.tokenGenerationData?.type ?? "?"}`;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

async function failure(call: Promise<unknown>): Promise<GatewayClientError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayClientError);
  return error as GatewayClientError;
}

it("walks the whole MFA journey with typed unions", async () => {
  const registered = await client.registerLink({
    institution: "heimdall_mx_retail",
    username: "mfa_numeric",
    password: PASSWORD,
  });
  expect(describeResult(registered)).toBe("challenge numeric");
  if (registered.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const wrong = await client.resumeLink({ ...sessionOf(registered), token: "999999" });
  expect(describeResult(wrong)).toBe("challenge numeric");
  if (wrong.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const link = await client.resumeLink({ ...sessionOf(wrong), token: "111111" });
  expect(describeResult(link)).toBe("link VALID");

  const retrieval = await client.retrieveBalances({
    link: registered.link,
    dateFrom: "2026-01-14",
    dateTo: "2026-01-15",
  });
  expect(retrieval.__typename).toBe("MfaChallenge");
  if (retrieval.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const balances = await client.resumeBalances({ ...sessionOf(retrieval), token: "111111" });
  if (balances.__typename !== "BalanceList") throw new Error("expected balances");
  expect(balances.saved).toBe(true);
  expect(balances.balances.length).toBeGreaterThan(0);
  expect(typeof balances.balances[0]?.balance).toBe("string");

  expect(await client.link(registered.link)).toMatchObject({
    id: registered.link,
    status: "VALID",
  });
  expect(await client.link("00000000-0000-4000-8000-000000000000")).toBeNull();
  expect((await client.institutions("BR")).map((institution) => institution?.name)).toContain(
    "gotham_br_business",
  );
});

it("surfaces each error code as a GatewayClientError carrying code, retryable, upstream and requestId", async () => {
  const badInput = await failure(client.resumeLink({ session: "nope", link: NO_LINK, token: "1" }));
  expect(badInput).toMatchObject({
    code: "BAD_USER_INPUT",
    retryable: false,
    upstream: null,
    status: 200,
  });
  expect(badInput.requestId).toMatch(/^[0-9a-f-]{36}$/);

  const rejected = await failure(
    client.registerLink({ institution: "erebor_mx_retail", ...BAD_LOGIN }),
  );
  expect(rejected).toMatchObject({
    code: "UPSTREAM_REJECTED",
    retryable: false,
    upstream: { status: 400, code: "login_error" },
  });

  const challenge = await client.registerLink({
    institution: "heimdall_mx_retail",
    username: "mfa_default",
    password: "pass_valid",
  });
  if (challenge.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  await client.resumeLink({ ...sessionOf(challenge), token: "111111" });
  const expired = await failure(client.resumeLink({ ...sessionOf(challenge), token: "111111" }));
  expect(expired).toMatchObject({
    code: "MFA_SESSION_EXPIRED",
    upstream: { status: 400, code: "session_expired" },
  });

  let session = challenge.session;
  const again = await client.retrieveBalances({ link: challenge.link, dateFrom: "2026-01-15" });
  if (again.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  session = again.session;
  for (let i = 0; i < 5; i++) {
    const fresh = await client.resumeBalances({ session, link: challenge.link, token: "999999" });
    if (fresh.__typename !== "MfaChallenge") throw new Error("expected a challenge");
    session = fresh.session;
  }
  const limited = await failure(
    client.resumeBalances({ session, link: challenge.link, token: "999999" }),
  );
  expect(limited).toMatchObject({
    code: "RATE_LIMITED",
    retryAfter: expect.any(Number) as unknown,
  });
});

it("surfaces a refused key and an unreachable gateway as GatewayClientErrors too", async () => {
  const anonymous = new BelvoGatewayClient(`${kit.url}/graphql`, {
    apiKey: "not-a-known-key-0000",
  });
  expect(await failure(anonymous.institutions())).toMatchObject({
    code: "UNAUTHENTICATED",
    status: 401,
  });

  const port = await freePort();
  const nowhere = new BelvoGatewayClient(`http://127.0.0.1:${port}/graphql?key=k1`);
  const unreachable = await failure(nowhere.institutions());
  expect(unreachable).toMatchObject({
    code: "NETWORK_ERROR",
    retryable: true,
    status: null,
    errors: [],
  });
  expect(unreachable.message).toBe(
    `The gateway at http://127.0.0.1:${port}/graphql could not be reached (ECONNREFUSED).`,
  );
});

it("carries every error of the answer, and the input field each is about", async () => {
  const invalid = await failure(
    client.resumeLink({ session: "nope", link: "00000000-0000-4000-8000-000000000000" }),
  );
  expect(invalid.field).toMatch(/session$/);
  expect(invalid.errors).toEqual([
    {
      message: invalid.message,
      code: "BAD_USER_INPUT",
      field: invalid.field,
      path: expect.any(Array) as unknown,
    },
  ]);
});

describe("a URL or key the client cannot use", () => {
  function refusal(endpoint: string, apiKey?: string): GatewayClientError {
    let caught: unknown;
    try {
      new BelvoGatewayClient(endpoint, { apiKey });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayClientError);
    expect(caught).toMatchObject({ code: "CONFIGURATION_ERROR", retryable: false, status: null });
    return caught as GatewayClientError;
  }

  it.each([
    ["127.0.0.1:4000/graphql", "http://127.0.0.1:4000/graphql"],
    ["localhost:4000/graphql", "http://localhost:4000/graphql"],
    ["ws://gateway.example/graphql", "http://gateway.example/graphql"],
  ])("%s is refused at construction, with a suggestion", (endpoint, suggestion) => {
    expect(refusal(endpoint).message).toBe(
      `The gateway URL "${endpoint}" is not an http:// or https:// URL with a host; did you mean ${suggestion}?`,
    );
  });

  it("refuses a user name or password in the URL (fetch would), without repeating them", () => {
    const message = refusal("https://someone:pw-in-url@gateway.example/graphql").message;
    expect(message).toBe(
      "The gateway URL https://gateway.example/graphql holds a user name or password, which fetch refuses: send the gateway's key with the apiKey option.",
    );
  });

  it("says so for an empty URL, and never repeats a credential or a query", () => {
    expect(refusal(" ").message).toBe("The gateway URL is empty.");
    const message = refusal("admin:hunter2-in-url@gateway:4000/graphql?key=k2").message;
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("k2");
    expect(message).toContain("…@gateway:4000/graphql");
  });

  it("refuses a key that cannot be a header value, without quoting it", () => {
    const message = refusal("http://127.0.0.1:4000/graphql", "key-with\nnewline").message;
    expect(message).toContain("apiKey");
    expect(message).not.toContain("newline");
  });
});

const TWO_ERRORS = [
  {
    message: "Invalid input.token: expected 1 to 64 characters.",
    path: ["resumeLink"],
    extensions: { code: "BAD_USER_INPUT", field: "input.token", requestId: "r-1" },
  },
  {
    message: "Invalid input.session.",
    extensions: { code: "BAD_USER_INPUT", field: "input.session" },
  },
];

describe("what other servers answer", () => {
  let other: Server;
  let base: string;
  beforeAll(async () => {
    other = createServer((req, res) => {
      const answers: Record<string, [number, Record<string, string>, string]> = {
        "/page": [200, { "content-type": "text/html; charset=utf-8" }, "<!doctype html><p>hi"],
        "/missing": [404, { "content-type": "text/html" }, "<h1>Not Found</h1>"],
        "/proxy": [502, { "content-type": "text/html" }, "<h1>Bad Gateway</h1>"],
        "/bare": [200, {}, "ok"],
        "/health": [200, { "content-type": "application/json" }, '{"status":"ok"}'],
        "/json404": [404, { "content-type": "application/json" }, '{"detail":"Not found"}'],
        "/broken": [200, { "content-type": "application/json" }, "{not json"],
        "/two-errors": [
          200,
          { "content-type": "application/graphql-response+json" },
          JSON.stringify({ data: null, errors: TWO_ERRORS }),
        ],
      };
      const [status, headers, body] = answers[req.url ?? ""] ?? [500, {}, ""];
      res.writeHead(status, headers).end(body);
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it.each([
    ["/page", "HTTP 200 with text/html", false, 200],
    ["/missing", "HTTP 404 with text/html", false, 404],
    ["/proxy", "HTTP 502 with text/html", true, 502],
    ["/bare", "HTTP 200 with no content type", false, 200],
    ["/json404", "HTTP 404 with application/json", false, 404],
    ["/health", "an answer that is not a GraphQL response", false, null],
    ["/broken", "an answer that is not a GraphQL response", false, null],
  ])("%s answers NOT_GRAPHQL saying what came back", async (path, what, retryable, status) => {
    const error = await failure(new BelvoGatewayClient(`${base}${path}`).institutions());
    expect(error).toMatchObject({ code: "NOT_GRAPHQL", retryable, status, errors: [] });
    expect(error.message).toBe(
      `The server at ${base}${path} answered ${what}, not GraphQL: is this the gateway's /graphql URL?`,
    );
  });

  it("an answer with several errors: all of them, each with its field", async () => {
    const error = await failure(new BelvoGatewayClient(`${base}/two-errors`).institutions());
    expect(error).toMatchObject({
      message: TWO_ERRORS[0]!.message,
      code: "BAD_USER_INPUT",
      field: "input.token",
      requestId: "r-1",
      retryable: false,
      status: 200,
    });
    expect(error.errors).toEqual([
      {
        message: TWO_ERRORS[0]!.message,
        code: "BAD_USER_INPUT",
        field: "input.token",
        path: ["resumeLink"],
      },
      {
        message: TWO_ERRORS[1]!.message,
        code: "BAD_USER_INPUT",
        field: "input.session",
        path: null,
      },
    ]);
  });
});

it("exports possibleTypes: each union of the schema with its members", () => {
  const schema = buildSchema(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8"));
  const unions = Object.values(schema.getTypeMap()).filter(isUnionType);
  expect(unions.length).toBeGreaterThanOrEqual(4);
  expect(possibleTypes).toEqual(
    Object.fromEntries(
      unions.map((union) => [union.name, union.getTypes().map((member) => member.name)]),
    ),
  );
});

it("never lets the token or the bank password into a failure's message or fields", async () => {
  const token = "tok en-8c1d";
  const password = "bank-pw-in-a-failure";
  const raw = new GraphQLClient(`${kit.url}/graphql`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const rawError = await raw
    .request("mutation($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename } }", {
      input: { session: "ab".repeat(16), link: "00000000-0000-4000-8000-000000000000", token },
    })
    .catch((error: unknown) => error);
  // graphql-request's own error would have carried it: the client must not.
  expect(rawError).toBeInstanceOf(ClientError);
  expect((rawError as ClientError).message).toContain(token);

  const failures = [
    await failure(
      client.resumeLink({
        session: "ab".repeat(16),
        link: "00000000-0000-4000-8000-000000000000",
        token,
      }),
    ),
    await failure(
      client.registerLink({ institution: "erebor_mx_retail", username: "user_invalid", password }),
    ),
    await failure(client.registerLink({ institution: "bad institution", username: "u", password })),
  ];
  for (const error of failures) {
    const visible = [
      error.message,
      String(error),
      error.stack ?? "",
      JSON.stringify(error),
      JSON.stringify({ ...error }),
    ].join("\n");
    expect(visible).not.toContain(token);
    expect(visible).not.toContain(password);
  }
});

it("the committed generated files are what npm run codegen makes from schema.graphql", async () => {
  const { GENERATED, generateClientFiles } = await import("../scripts/codegen.mjs");
  const files = await generateClientFiles();
  expect(files.documents).toBe(readFileSync(GENERATED.documents, "utf8"));
  expect(files.possibleTypes).toBe(readFileSync(GENERATED.possibleTypes, "utf8"));
  // The package's copy of the schema, for apps' codegen, is the gateway's.
  expect(files.schema).toBe(readFileSync(GENERATED.schema, "utf8"));
});

it("the committed trusted-documents.json lists exactly generated.ts's operations, as the client sends them", async () => {
  const { GENERATED, TRUSTED_DOCUMENTS, trustedDocuments } = await import("../scripts/codegen.mjs");
  const manifest = trustedDocuments(readFileSync(GENERATED.documents, "utf8"));
  expect(manifest).toBe(readFileSync(TRUSTED_DOCUMENTS, "utf8"));
  const entries = Object.entries(JSON.parse(manifest) as Record<string, string>);
  expect(entries.map(([, text]) => /^(query|mutation) (\w+)/.exec(text)?.[2])).toEqual(
    expect.arrayContaining(["ResumeLink", "ResumeBalances", "RegisterLink", "Institutions"]),
  );
  for (const [id, text] of entries)
    expect(createHash("sha256").update(text).digest("hex")).toBe(id);
});
