/** The typed client against the running gateway and emulator, as a frontend would use it. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ClientError, GraphQLClient } from "graphql-request";
import { BelvoGatewayClient, GatewayError, type LinkResult } from "../src/client/index.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { startGateway, type TestGateway } from "./helpers/gateway.js";

const API_KEY = "client-test-key-000000001";
const PASSWORD = "numeric_code";
let sandbox: Sandbox;
let gateway: TestGateway;
let client: BelvoGatewayClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  gateway = await startGateway(sandbox.url, { apiKeys: [API_KEY] });
  client = new BelvoGatewayClient(`${gateway.url}/graphql`, { apiKey: API_KEY });
});
afterAll(async () => {
  await gateway.close();
  await sandbox.close();
});

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

async function failure(call: Promise<unknown>): Promise<GatewayError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

it("walks the whole MFA journey with typed unions", async () => {
  const registered = await client.registerLink({
    institution: "heimdall_mx_retail",
    username: "mfa_numeric",
    password: PASSWORD,
  });
  expect(describeResult(registered)).toBe("challenge numeric");
  if (registered.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const wrong = await client.resumeLink({
    session: registered.session,
    link: registered.link,
    token: "999999",
  });
  expect(describeResult(wrong)).toBe("challenge numeric");
  if (wrong.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const link = await client.resumeLink({
    session: wrong.session,
    link: wrong.link,
    token: "111111",
  });
  expect(describeResult(link)).toBe("link VALID");

  const retrieval = await client.retrieveBalances({
    link: registered.link,
    dateFrom: "2026-01-14",
    dateTo: "2026-01-15",
  });
  expect(retrieval.__typename).toBe("MfaChallenge");
  if (retrieval.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const balances = await client.resumeBalances({
    session: retrieval.session,
    link: retrieval.link,
    token: "111111",
  });
  if (balances.__typename !== "BalanceList") throw new Error("expected balances");
  expect(balances.saved).toBe(true);
  expect(balances.balances.length).toBeGreaterThan(0);
  expect(typeof balances.balances[0]?.balance).toBe("string");

  expect(await client.link(registered.link)).toMatchObject({
    id: registered.link,
    status: "VALID",
  });
  expect(await client.link("00000000-0000-4000-8000-000000000000")).toBeNull();
  expect((await client.institutions("BR")).map((institution) => institution.name)).toContain(
    "gotham_br_business",
  );
});

it("surfaces each error code as a GatewayError carrying code, retryable, upstream and requestId", async () => {
  const badInput = await failure(
    client.resumeLink({
      session: "nope",
      link: "00000000-0000-4000-8000-000000000000",
      token: "1",
    }),
  );
  expect(badInput).toMatchObject({
    code: "BAD_USER_INPUT",
    retryable: false,
    upstream: null,
    status: 200,
  });
  expect(badInput.requestId).toMatch(/^[0-9a-f-]{36}$/);

  const rejected = await failure(
    client.registerLink({
      institution: "erebor_mx_retail",
      username: "user_invalid",
      password: "pass_invalid",
    }),
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
  await client.resumeLink({ session: challenge.session, link: challenge.link, token: "111111" });
  const expired = await failure(
    client.resumeLink({ session: challenge.session, link: challenge.link, token: "111111" }),
  );
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

  const anonymous = new BelvoGatewayClient(`${gateway.url}/graphql`, {
    apiKey: "not-a-known-key-0000",
  });
  expect(await failure(anonymous.institutions())).toMatchObject({
    code: "UNAUTHENTICATED",
    status: 401,
  });

  const nowhere = new BelvoGatewayClient("http://127.0.0.1:9/graphql");
  expect(await failure(nowhere.institutions())).toMatchObject({
    code: "NETWORK_ERROR",
    retryable: true,
    status: null,
  });
});

it("never lets the token or the bank password into a failure's message or fields", async () => {
  const token = "tok en-8c1d";
  const password = "bank-pw-in-a-failure";
  const raw = new GraphQLClient(`${gateway.url}/graphql`, {
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

it("the committed generated.ts is what npm run codegen makes from schema.graphql", async () => {
  const { GENERATED, generateClientTypes } = await import("../scripts/codegen.mjs");
  expect(await generateClientTypes()).toBe(readFileSync(GENERATED, "utf8"));
});

it("the committed trusted-documents.json lists exactly generated.ts's operations, as the client sends them", async () => {
  const { GENERATED, TRUSTED_DOCUMENTS, trustedDocuments } = await import("../scripts/codegen.mjs");
  const manifest = trustedDocuments(readFileSync(GENERATED, "utf8"));
  expect(manifest).toBe(readFileSync(TRUSTED_DOCUMENTS, "utf8"));
  const entries = Object.entries(JSON.parse(manifest) as Record<string, string>);
  expect(entries.map(([, text]) => /^(query|mutation) (\w+)/.exec(text)?.[2])).toEqual(
    expect.arrayContaining(["ResumeLink", "ResumeBalances", "RegisterLink", "Institutions"]),
  );
  for (const [id, text] of entries)
    expect(createHash("sha256").update(text).digest("hex")).toBe(id);
});
