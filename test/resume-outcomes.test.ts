/** Every row of CONTRACT.md section 4, for both mutations, against a recording fake upstream. */
import {
  BALANCES_TEXT,
  LINK_BODY,
  REQUEST_ID,
  challengeEntry,
  errorList,
  LINK_ID,
  SESSION_HEX,
  TEST_REQUEST_ID,
} from "./helpers/fixtures.js";
import { RESUME_BALANCES, RESUME_LINK, postGraphQL } from "./helpers/graphql.js";
import { freePort } from "./helpers/system.js";
import { FakeUpstream, type Reply } from "./helpers/fake-upstream.js";
import { BASIC_AUTH, startGateway, type TestGateway } from "./helpers/gateway.js";

const TOKEN = "483920";
/** A resume of a data resource, selecting its list and the challenge. */
const resumeData = (
  name: string,
  list: string,
  selection: string,
) => `mutation Resume${name}($input: Resume${name}Input!) {
  resume${name}(input: $input) {
    __typename
    ... on ${list} { saved ${selection} }
    ...Challenge
  }
}
fragment Challenge on MfaChallenge {
  code message requestId session link expiry expiresAt
  tokenGenerationData { instructions type value expectsUserInput }
}`;

const MUTATIONS = [
  {
    field: "resumeLink",
    document: RESUME_LINK,
    path: "/api/links/",
    extraBody: {},
    wrongShape: '"status" is missing',
  },
  {
    field: "resumeBalances",
    document: RESUME_BALANCES,
    path: "/api/balances/",
    extraBody: { save_data: true },
    wrongShape: "the balances are not a list",
  },
  {
    field: "resumeAccounts",
    document: resumeData("Accounts", "AccountList", "accounts { id name }"),
    path: "/api/accounts/",
    extraBody: { save_data: true },
    wrongShape: "the accounts are not a list",
  },
  {
    field: "resumeTransactions",
    document: resumeData("Transactions", "TransactionList", "transactions { id amount type }"),
    path: "/api/transactions/",
    extraBody: { save_data: true },
    wrongShape: "the transactions are not a list",
  },
  {
    field: "resumeOwners",
    document: resumeData("Owners", "OwnerList", "owners { id displayName }"),
    path: "/api/owners/",
    extraBody: { save_data: true },
    wrongShape: "the owners are not a list",
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

const EXPECTED_CHALLENGE = {
  __typename: "MfaChallenge",
  code: "token_required",
  message: "A MFA token is required by the institution to login",
  requestId: REQUEST_ID,
  session: SESSION_HEX,
  link: LINK_ID,
  expiry: 720,
  expiresAt: "2026-01-15T10:12:00.000Z",
  tokenGenerationData: {
    instructions: "Type this code into your token device",
    type: "numeric",
    value: "483920",
    expectsUserInput: true,
  },
};

function errorAnswer(field: string, message: string, extensions: Record<string, unknown>) {
  return {
    data: null,
    errors: [{ message, path: [field], extensions: { ...extensions, requestId: TEST_REQUEST_ID } }],
  };
}

function upstreamError(
  field: string,
  code: string,
  message: string,
  upstream: { status: number | null; code: string | null; requestId: string | null },
  retryable: boolean,
) {
  return errorAnswer(field, message, { code, upstream, retryable });
}

describe.each(MUTATIONS)("$field", ({ field, document, path, extraBody, wrongShape }) => {
  const resume = (
    input: Record<string, unknown> = { session: SESSION_HEX, link: LINK_ID, token: TOKEN },
  ) => postGraphQL(gateway.url, document, { input });

  it("sends one PATCH with the gateway's Basic credentials and the exact body", async () => {
    fake.reply({ status: 428, body: [challengeEntry()] });
    await resume();
    expect(fake.requests).toEqual([
      {
        method: "PATCH",
        path,
        headers: expect.objectContaining({
          authorization: BASIC_AUTH,
          "content-type": "application/json",
        }) as unknown,
        body: { session: SESSION_HEX, token: TOKEN, link: LINK_ID, ...extraBody },
      },
    ]);
  });

  it("leaves the token key out when no token is given (input-less MFA)", async () => {
    fake.reply({ status: 428, body: [challengeEntry()] });
    await resume({ session: SESSION_HEX, link: LINK_ID });
    expect(fake.requests.map((request) => request.body)).toEqual([
      { session: SESSION_HEX, link: LINK_ID, ...extraBody },
    ]);
  });

  it.each<[string, Reply, Record<string, unknown>]>([
    ["a one-element array", { status: 428, body: [challengeEntry()] }, EXPECTED_CHALLENGE],
    ["a bare object", { status: 428, body: challengeEntry() }, EXPECTED_CHALLENGE],
    [
      "an object with expiry as a numeric string",
      { status: 428, body: challengeEntry({ expiry: "720" }) },
      EXPECTED_CHALLENGE,
    ],
    [
      "the legacy detail shape",
      {
        status: 428,
        body: { detail: "Token Required", session: SESSION_HEX, expiry: 600, link: LINK_ID },
      },
      {
        __typename: "MfaChallenge",
        code: "token_required",
        message: "Token Required",
        requestId: null,
        session: SESSION_HEX,
        link: LINK_ID,
        expiry: 600,
        expiresAt: "2026-01-15T10:10:00.000Z",
        tokenGenerationData: null,
      },
    ],
    [
      "input-less MFA (a QR to scan)",
      {
        status: 428,
        body: [
          challengeEntry({
            token_generation_data: {
              instructions: "Scan it",
              type: "qr",
              value: "otpauth://x",
              expects_user_input: false,
            },
          }),
        ],
      },
      {
        ...EXPECTED_CHALLENGE,
        tokenGenerationData: {
          instructions: "Scan it",
          type: "qr",
          value: "otpauth://x",
          expectsUserInput: false,
        },
      },
    ],
  ])("428 token_required as %s is an MfaChallenge, as data", async (_shape, reply, challenge) => {
    fake.reply(reply);
    const { status, body } = await resume();
    expect(status).toBe(200);
    expect(body).toEqual({ data: { [field]: challenge } });
  });

  it("a wrong token's fresh 428 is a new challenge with the new session", async () => {
    const fresh = "7f0e1d2c3b4a59687766554433221100";
    fake.reply({ status: 428, body: [challengeEntry({ session: fresh })] });
    const { body } = await resume();
    expect(body).toEqual({ data: { [field]: { ...EXPECTED_CHALLENGE, session: fresh } } });
  });

  const rejected = (status: number, code: string | null, message: string, retryable = false) =>
    upstreamError(
      field,
      "UPSTREAM_REJECTED",
      message,
      { status, code, requestId: code ? REQUEST_ID : null },
      retryable,
    );

  it.each<[string, Reply, () => Record<string, unknown>]>([
    [
      "428 activation_required",
      { status: 428, body: errorList("activation_required", "Activate the account first") },
      () =>
        rejected(
          428,
          "activation_required",
          "Belvo refused the request (HTTP 428 activation_required): Activate the account first",
        ),
    ],
    [
      "400 session_expired",
      { status: 400, body: errorList("session_expired", "The MFA session has expired") },
      () =>
        upstreamError(
          field,
          "MFA_SESSION_EXPIRED",
          "The MFA session has expired; start again by registering the link or retrieving the data anew: The MFA session has expired",
          { status: 400, code: "session_expired", requestId: REQUEST_ID },
          false,
        ),
    ],
    ...(
      [
        "required",
        "null",
        "blank",
        "invalid",
        "invalid_choice",
        "does_not_exist",
        "not_a_list",
        "parse_error",
        "validation_error",
      ] as const
    ).map((code): [string, Reply, () => Record<string, unknown>] => [
      `400 ${code}`,
      { status: 400, body: errorList(code, "This field is wrong.", { field: "token" }) },
      () =>
        errorAnswer(field, "Belvo rejected the input (input.token): This field is wrong.", {
          code: "BAD_USER_INPUT",
          upstream: { status: 400, code, requestId: REQUEST_ID },
          retryable: false,
          field: "input.token",
        }),
    ]),
    [
      "400 login_error",
      {
        status: 400,
        body: errorList("login_error", "Invalid credentials provided to login to the institution"),
      },
      () =>
        rejected(
          400,
          "login_error",
          "Belvo refused the request (HTTP 400 login_error): Invalid credentials provided to login to the institution",
        ),
    ],
    [
      "400 too_many_sessions (retryable)",
      { status: 400, body: errorList("too_many_sessions", "Too many sessions; retry in 120 s") },
      () =>
        rejected(
          400,
          "too_many_sessions",
          "Belvo refused the request (HTTP 400 too_many_sessions): Too many sessions; retry in 120 s",
          true,
        ),
    ],
    [
      "400 institution_down (retryable)",
      { status: 400, body: errorList("institution_down", "The institution is down") },
      () =>
        rejected(
          400,
          "institution_down",
          "Belvo refused the request (HTTP 400 institution_down): The institution is down",
          true,
        ),
    ],
    [
      "400 invalid_link",
      { status: 400, body: errorList("invalid_link", "Invalid link") },
      () =>
        rejected(
          400,
          "invalid_link",
          "Belvo refused the request (HTTP 400 invalid_link): Invalid link",
        ),
    ],
    [
      "403 permission_denied",
      { status: 403, body: errorList("permission_denied", "No permission") },
      () =>
        rejected(
          403,
          "permission_denied",
          "Belvo refused the request (HTTP 403 permission_denied): No permission",
        ),
    ],
    [
      "404 with Django's detail object",
      { status: 404, body: { detail: "Not found." } },
      () => rejected(404, null, "Belvo refused the request (HTTP 404): Not found."),
    ],
    [
      "401",
      {
        status: 401,
        body: errorList("authentication_failed", "Credentials provided are not valid"),
      },
      () =>
        upstreamError(
          field,
          "UPSTREAM_AUTH_FAILED",
          "Belvo refused the gateway's own credentials (HTTP 401); the gateway operator must check BELVO_SECRET_ID and BELVO_SECRET_PASSWORD.",
          { status: 401, code: "authentication_failed", requestId: REQUEST_ID },
          false,
        ),
    ],
    [
      "408",
      { status: 408, body: errorList("request_timeout", "The request timed out") },
      () =>
        upstreamError(
          field,
          "UPSTREAM_TIMEOUT",
          "Belvo timed out while talking to the institution (HTTP 408 request_timeout); part of the data may have been saved: ask for less (a shorter date range) or retry later: The request timed out",
          { status: 408, code: "request_timeout", requestId: REQUEST_ID },
          true,
        ),
    ],
    [
      "500 with an error list",
      { status: 500, body: errorList("unexpected_error", "Unexpected error") },
      () =>
        upstreamError(
          field,
          "UPSTREAM_ERROR",
          "Belvo failed (HTTP 500 unexpected_error): Unexpected error",
          { status: 500, code: "unexpected_error", requestId: REQUEST_ID },
          true,
        ),
    ],
    [
      "502 with an HTML page",
      { status: 502, text: "<html><body>Bad gateway</body></html>" },
      () =>
        upstreamError(
          field,
          "UPSTREAM_ERROR",
          "Belvo failed (HTTP 502)",
          { status: 502, code: null, requestId: null },
          true,
        ),
    ],
    [
      "403 rate-limit HTML page",
      { status: 403, text: "<html><body>Too many requests</body></html>" },
      () =>
        errorAnswer(
          field,
          "Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in 30 s.",
          {
            code: "UPSTREAM_RATE_LIMITED",
            upstream: { status: 403, code: null, requestId: null },
            retryable: true,
            retryAfter: 30,
          },
        ),
    ],
    [
      "200 with an HTML page",
      { status: 200, text: "<html>maintenance</html>" },
      () =>
        upstreamError(
          field,
          "UPSTREAM_ERROR",
          "Belvo answered HTTP 200 with a body the gateway does not understand.",
          { status: 200, code: null, requestId: null },
          false,
        ),
    ],
    [
      "200 with JSON of the wrong shape",
      { status: 200, body: { unexpected: true } },
      () =>
        upstreamError(
          field,
          "UPSTREAM_ERROR",
          `Belvo answered HTTP 200 with a body the gateway does not understand (${wrongShape}).`,
          { status: 200, code: null, requestId: null },
          false,
        ),
    ],
    [
      "a 428 challenge without a session",
      { status: 428, body: [challengeEntry({ session: undefined })] },
      () =>
        upstreamError(
          field,
          "UPSTREAM_ERROR",
          'Belvo answered HTTP 428 with a body the gateway does not understand ("session" is missing).',
          { status: 428, code: null, requestId: null },
          false,
        ),
    ],
    [
      "no answer within the deadline",
      { status: 200, body: LINK_BODY, delayMs: 1500 },
      () =>
        upstreamError(
          field,
          "UPSTREAM_TIMEOUT",
          "Belvo did not answer within 400 ms; retry later.",
          { status: null, code: null, requestId: null },
          true,
        ),
    ],
    [
      "a connection reset before the answer",
      { fault: "reset-before-headers" },
      () =>
        upstreamError(
          field,
          "UPSTREAM_UNAVAILABLE",
          "Belvo could not be reached (the connection failed or was cut); retry later.",
          { status: null, code: null, requestId: null },
          true,
        ),
    ],
    [
      "a connection reset in the middle of the body",
      { fault: "reset-mid-body" },
      () =>
        upstreamError(
          field,
          "UPSTREAM_UNAVAILABLE",
          "Belvo could not be reached (the connection failed or was cut); retry later.",
          { status: null, code: null, requestId: null },
          true,
        ),
    ],
  ])("%s is an error with its code", async (_row, reply, expected) => {
    fake.reply(reply);
    const { body } = await resume();
    expect(body).toEqual(expected());
    // The one write; an expired session is followed by a lookup of the link (its status).
    expect(fake.requests.filter((request) => request.method !== "GET")).toHaveLength(1);
  });

  it("never quotes the token or the gateway's keys back from Belvo's message", async () => {
    fake.reply({
      status: 400,
      body: errorList(
        "login_error",
        `Token ${TOKEN} refused for secret-id-7f3a9c / secret-password-2b8e4d`,
      ),
    });
    const { body } = await resume();
    expect(body).toEqual(
      rejected(
        400,
        "login_error",
        "Belvo refused the request (HTTP 400 login_error): Token [redacted] refused for [redacted] / [redacted]",
      ),
    );
  });
});

describe("success members", () => {
  it("resumeLink: any 2xx with a link is the Link, camelCased and enum-cased", async () => {
    for (const status of [200, 201]) {
      fake.reply({ status, body: LINK_BODY });
      const { body } = await postGraphQL(gateway.url, RESUME_LINK, {
        input: { session: SESSION_HEX, link: LINK_ID, token: TOKEN },
      });
      expect(body).toEqual({
        data: {
          resumeLink: {
            __typename: "Link",
            id: LINK_ID,
            institution: { name: "erebor_mx_retail" },
            accessMode: "RECURRENT",
            status: "VALID",
            lastAccessedAt: "2026-01-15T09:58:11.123456Z",
            createdAt: "2026-01-15T09:55:00.000Z",
            createdBy: "0b2a4c6e-8f01-4234-9567-89abcdef0123",
            externalId: "customer-42",
            refreshRate: "7d",
          },
        },
      });
    }
  });

  it.each([
    [201, true, true],
    [200, false, false],
  ])(
    "resumeBalances: %i is a BalanceList with saved=%s, amounts exact as Decimal strings",
    async (status, saveData, saved) => {
      fake.reply({ status, text: BALANCES_TEXT, headers: { "content-type": "application/json" } });
      const { body } = await postGraphQL(gateway.url, RESUME_BALANCES, {
        input: { session: SESSION_HEX, link: LINK_ID, token: TOKEN, saveData },
      });
      const account = {
        id: "0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a8c",
        name: "Cuenta Perfiles",
        category: "CHECKING_ACCOUNT",
        currency: "MXN",
        number: "4057068115181",
        type: "Cuentas de efectivo",
      };
      expect(body).toEqual({
        data: {
          resumeBalances: {
            __typename: "BalanceList",
            saved,
            balances: [
              {
                id: "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f60",
                valueDate: "2026-01-14",
                balance: "12345678901234567.89",
                currentBalance: "1.10",
                collectedAt: "2026-01-15T09:58:11Z",
                statement: null,
                account,
              },
              {
                id: "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f61",
                valueDate: "2026-01-15",
                balance: "-0.5",
                currentBalance: "2500",
                collectedAt: null,
                statement: "s-1",
                account,
              },
            ],
          },
        },
      });
      expect(fake.requests[0]?.body).toEqual({
        session: SESSION_HEX,
        token: TOKEN,
        link: LINK_ID,
        save_data: saveData,
      });
    },
  );

  it("resumeBalances sends save_data true when saveData is left out or null", async () => {
    fake.reply({ status: 201, body: [] });
    for (const saveData of [undefined, null]) {
      await postGraphQL(gateway.url, RESUME_BALANCES, {
        input: { session: SESSION_HEX, link: LINK_ID, saveData },
      });
    }
    expect(fake.requests.map((request) => request.body)).toEqual([
      { session: SESSION_HEX, link: LINK_ID, save_data: true },
      { session: SESSION_HEX, link: LINK_ID, save_data: true },
    ]);
  });
});

describe("an upstream that refuses connections", () => {
  it.each(MUTATIONS)("$field is UPSTREAM_UNAVAILABLE", async ({ field, document }) => {
    const closedPort = await freePort();
    const unreachable = await startGateway(`http://127.0.0.1:${closedPort}`);
    try {
      const { body } = await postGraphQL(unreachable.url, document, {
        input: { session: SESSION_HEX, link: LINK_ID, token: TOKEN },
      });
      expect(body).toEqual(
        upstreamError(
          field,
          "UPSTREAM_UNAVAILABLE",
          "Belvo could not be reached (the connection failed or was cut); retry later.",
          { status: null, code: null, requestId: null },
          true,
        ),
      );
    } finally {
      await unreachable.close();
    }
  });
});
