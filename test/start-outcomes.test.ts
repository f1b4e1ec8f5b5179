/** CONTRACT.md section 4 for every start of an MFA flow (the POSTs), against a recording fake. */
import {
  REQUEST_ID,
  challengeEntry,
  errorList,
  LINK_ID,
  SESSION_HEX,
  TEST_REQUEST_ID,
} from "./helpers/fixtures.js";
import { postGraphQL } from "./helpers/graphql.js";
import { FakeUpstream, type Reply } from "./helpers/fake-upstream.js";
import { startGateway, type TestGateway } from "./helpers/gateway.js";

const START_SELECTION = "__typename ... on MfaChallenge { session link }";
const STARTS = [
  {
    field: "registerLink",
    inputType: "RegisterLinkInput",
    path: "/api/links/",
    input: { institution: "erebor_mx_retail", username: "ana.lopez", password: "pass_valid" },
    belvoField: "username_type",
    inputPath: "input.usernameType",
  },
  {
    field: "retrieveBalances",
    inputType: "RetrieveBalancesInput",
    path: "/api/balances/",
    input: { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10" },
    belvoField: "date_to",
    inputPath: "input.dateTo",
  },
  {
    field: "retrieveAccounts",
    inputType: "RetrieveAccountsInput",
    path: "/api/accounts/",
    input: { link: LINK_ID },
    belvoField: "link",
    inputPath: "input.link",
  },
  {
    field: "retrieveTransactions",
    inputType: "RetrieveTransactionsInput",
    path: "/api/transactions/",
    input: { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10" },
    belvoField: "date_from",
    inputPath: "input.dateFrom",
  },
  {
    field: "retrieveOwners",
    inputType: "RetrieveOwnersInput",
    path: "/api/owners/",
    input: { link: LINK_ID },
    belvoField: "save_data",
    inputPath: "input.saveData",
  },
] as const;

let fake: FakeUpstream;
let gateway: TestGateway;

beforeEach(async () => {
  fake = await FakeUpstream.start();
  gateway = await startGateway(fake.url, { timeoutMs: 400 });
});

afterEach(async () => {
  await gateway.close();
  await fake.close();
});

describe.each(STARTS)("$field", ({ field, inputType, path, input, belvoField, inputPath }) => {
  const start = () =>
    postGraphQL(
      gateway.url,
      `mutation S($input: ${inputType}!) { ${field}(input: $input) { ${START_SELECTION} } }`,
      { input },
    );
  const error = (message: string, extensions: Record<string, unknown>) => ({
    data: null,
    errors: [{ message, path: [field], extensions: { ...extensions, requestId: TEST_REQUEST_ID } }],
  });
  const upstream = (status: number | null, code: string | null) => ({
    status,
    code,
    requestId: code ? REQUEST_ID : null,
  });

  it("a 428 token_required is the challenge, sent once by POST", async () => {
    fake.reply({ status: 428, body: [challengeEntry()] });
    const { body } = await start();
    expect(body).toEqual({
      data: { [field]: { __typename: "MfaChallenge", session: SESSION_HEX, link: LINK_ID } },
    });
    expect(fake.requests.map((request) => [request.method, request.path])).toEqual([
      ["POST", path],
    ]);
  });

  it.each<[string, Reply, string, Record<string, unknown>]>([
    [
      "428 activation_required",
      { status: 428, body: errorList("activation_required", "Activate first") },
      "Belvo refused the request (HTTP 428 activation_required): Activate first",
      {
        code: "UPSTREAM_REJECTED",
        upstream: upstream(428, "activation_required"),
        retryable: false,
      },
    ],
    [
      "400 field error",
      { status: 400, body: errorList("invalid", "Wrong.", { field: belvoField }) },
      `Belvo rejected the input (${inputPath}): Wrong.`,
      {
        code: "BAD_USER_INPUT",
        upstream: upstream(400, "invalid"),
        retryable: false,
        field: inputPath,
      },
    ],
    [
      "400 institution_unavailable",
      { status: 400, body: errorList("institution_unavailable", "Try later") },
      "Belvo refused the request (HTTP 400 institution_unavailable): Try later",
      {
        code: "UPSTREAM_REJECTED",
        upstream: upstream(400, "institution_unavailable"),
        retryable: true,
      },
    ],
    [
      "401",
      { status: 401, body: errorList("authentication_failed", "Bad keys") },
      "Belvo refused the gateway's own credentials (HTTP 401); the gateway operator must check BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
      {
        code: "UPSTREAM_AUTH_FAILED",
        upstream: upstream(401, "authentication_failed"),
        retryable: false,
      },
    ],
    [
      "403 rate-limit page",
      { status: 403, text: "<html>Forbidden</html>" },
      "Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in 30 s.",
      {
        code: "UPSTREAM_RATE_LIMITED",
        upstream: upstream(403, null),
        retryable: true,
        retryAfter: 30,
      },
    ],
    [
      "408",
      { status: 408, body: errorList("request_timeout", "Too long") },
      "Belvo timed out while talking to the institution (HTTP 408 request_timeout); part of the data may have been saved: ask for less (a shorter date range) or retry later: Too long",
      { code: "UPSTREAM_TIMEOUT", upstream: upstream(408, "request_timeout"), retryable: true },
    ],
    [
      "500",
      { status: 500, body: errorList("unexpected_error", "Oops") },
      "Belvo failed (HTTP 500 unexpected_error): Oops",
      { code: "UPSTREAM_ERROR", upstream: upstream(500, "unexpected_error"), retryable: true },
    ],
    [
      "no answer within the deadline",
      { status: 201, body: [], delayMs: 1500 },
      "Belvo did not answer within 400 ms; retry later.",
      { code: "UPSTREAM_TIMEOUT", upstream: upstream(null, null), retryable: true },
    ],
    [
      "a connection reset",
      { fault: "reset-before-headers" },
      "Belvo could not be reached (the connection failed or was cut); retry later.",
      { code: "UPSTREAM_UNAVAILABLE", upstream: upstream(null, null), retryable: true },
    ],
  ])("%s", async (_row, reply, message, extensions) => {
    fake.reply(reply);
    const { body } = await start();
    expect(body).toEqual(error(message, extensions));
    // A write is sent exactly once, whatever the answer.
    expect(fake.requests).toHaveLength(1);
  });
});
