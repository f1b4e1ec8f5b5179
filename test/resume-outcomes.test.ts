/** Every row of CONTRACT.md section 4, for both mutations, against a recording fake upstream. */
import { FIELD_VALIDATION_CODES } from "../src/upstream/outcome.js";
import { freePort } from "./helpers/system.js";
import type { Reply } from "./helpers/fake-upstream.js";
import { BASIC_AUTH, startGateway } from "./helpers/gateway.js";
import {
  ACCOUNT_BODY,
  BALANCES_DELIVERED,
  BALANCES_TEXT,
  LINK_SELECTED,
  LINK_BODY,
  LINK_ID,
  REQUEST_ID,
  SESSION_HEX,
  TOKEN,
  challengeEntry,
  errorList,
  resumeInput,
} from "./helpers/fixtures.js";
import { RESUME_BALANCES, RESUME_LINK, postGraphQL, resumeData } from "./helpers/graphql.js";
import { useGateway } from "./helpers/kit.js";
import {
  WRITE_OUTCOMES,
  belvoError,
  errorAnswer,
  lost,
  refused,
  upstream,
  type Outcome,
} from "./helpers/outcomes.js";

/** A resume of a data resource: its field, Belvo's path, and what a 200 of the wrong shape lacks. */
const dataResume = (name: string, document: string) => ({
  field: `resume${name}`,
  document,
  path: `/api/${name.toLowerCase()}/`,
  extraBody: { save_data: true },
  wrongShape: `the ${name.toLowerCase()} are not a list`,
});

const MUTATIONS = [
  {
    field: "resumeLink",
    document: RESUME_LINK,
    path: "/api/links/",
    extraBody: {},
    wrongShape: '"status" is missing',
  },
  dataResume("Balances", RESUME_BALANCES),
  dataResume("Accounts", resumeData("Accounts", "AccountList", "accounts { id name }")),
  dataResume(
    "Transactions",
    resumeData("Transactions", "TransactionList", "transactions { id amount type }"),
  ),
  dataResume("Owners", resumeData("Owners", "OwnerList", "owners { id displayName }")),
];

const TRANSACTION_ID = "2b8a4f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
const OWNER_ID = "5c1a2b3c-4d5e-4f60-8172-839405a6b7c8";

/** Each data resume's success: its list type and key, Belvo's text, and the items delivered. */
const SUCCESSES = {
  resumeBalances: {
    document: RESUME_BALANCES,
    list: "BalanceList",
    key: "balances",
    text: BALANCES_TEXT,
    delivered: BALANCES_DELIVERED,
  },
  resumeAccounts: {
    document: MUTATIONS[2]!.document,
    list: "AccountList",
    key: "accounts",
    text: JSON.stringify([ACCOUNT_BODY]),
    delivered: [{ id: ACCOUNT_BODY.id, name: ACCOUNT_BODY.name }],
  },
  resumeTransactions: {
    document: MUTATIONS[3]!.document,
    list: "TransactionList",
    key: "transactions",
    text: `[{"id": "${TRANSACTION_ID}", "amount": 12345678901234567.89, "type": "OUTFLOW"}]`,
    delivered: [{ id: TRANSACTION_ID, amount: "12345678901234567.89", type: "OUTFLOW" }],
  },
  resumeOwners: {
    document: MUTATIONS[4]!.document,
    list: "OwnerList",
    key: "owners",
    text: JSON.stringify([{ id: OWNER_ID, display_name: "Ana López" }]),
    delivered: [{ id: OWNER_ID, displayName: "Ana López" }],
  },
};

/** Each data resume, answered 201 (saveData true, saved) and 200 (saveData false, not saved). */
const SUCCESS_ROWS = Object.entries(SUCCESSES).flatMap(([field, success]) => [
  [field, 201, true, true, success] as const,
  [field, 200, false, false, success] as const,
]);

/**
 * One gateway for the file. Every test answers for the same link and login, and what is proven
 * here is each answer, not the caps on failed attempts (security.test.ts proves those): the caps
 * are set out of reach, so one test's failures do not refuse the next.
 */
const kit = useGateway({
  upstream: "fake",
  timeoutMs: 400,
  limits: { mfaMaxFailures: 1_000_000, loginMaxFailures: 1_000_000 },
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
    value: TOKEN,
    expectsUserInput: true,
  },
};

const QR = { instructions: "Scan it", type: "qr", value: "otpauth://x" };
/** The shapes Belvo writes a 428 token_required in, and the challenge each is. */
const CHALLENGES: [string, Reply, Record<string, unknown>][] = [
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
      ...EXPECTED_CHALLENGE,
      message: "Token Required",
      requestId: null,
      expiry: 600,
      expiresAt: "2026-01-15T10:10:00.000Z",
      tokenGenerationData: null,
    },
  ],
  [
    "input-less MFA (a QR to scan)",
    {
      status: 428,
      body: [challengeEntry({ token_generation_data: { ...QR, expects_user_input: false } })],
    },
    { ...EXPECTED_CHALLENGE, tokenGenerationData: { ...QR, expectsUserInput: false } },
  ],
];

/** Belvo's field errors: each is BAD_USER_INPUT naming the input field. */
const FIELD_ERRORS: Outcome[] = [...FIELD_VALIDATION_CODES].map((code) => [
  `400 ${code}`,
  { status: 400, body: errorList(code, "This field is wrong.", { field: "token" }) },
  "Belvo rejected the input (input.token): This field is wrong.",
  { code: "BAD_USER_INPUT", upstream: upstream(400, code), retryable: false, field: "input.token" },
]);

/** The rows only a resume has: the shared ones, a session that expired, Belvo's own words. */
const resumeOutcomes = (wrongShape: string): Outcome[] => [
  ...WRITE_OUTCOMES,
  ...FIELD_ERRORS,
  refused(400, "login_error", "Invalid credentials provided to login to the institution"),
  refused(400, "invalid_link", "Invalid link"),
  belvoError(400, "session_expired", "The MFA session has expired", [
    "MFA_SESSION_EXPIRED",
    "The MFA session has expired or was already used: start again by registering the link or retrieving the data anew.",
    false,
  ]),
  lost("200 with JSON of the wrong shape", { status: 200, body: { unexpected: true } }, 200, [
    "UPSTREAM_ERROR",
    `Belvo answered HTTP 200 with a body the gateway does not understand (${wrongShape}).`,
    false,
  ]),
  lost(
    "a 428 challenge without a session",
    { status: 428, body: [challengeEntry({ session: undefined })] },
    428,
    [
      "UPSTREAM_ERROR",
      'Belvo answered HTTP 428 with a body the gateway does not understand ("session" is missing).',
      false,
    ],
  ),
];

describe.each(MUTATIONS)("$field", ({ field, document, path, extraBody, wrongShape }) => {
  const resume = (input: Record<string, unknown> = resumeInput()) => kit.post(document, { input });

  it("sends one PATCH with the gateway's Basic credentials and the exact body", async () => {
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    await resume();
    expect(kit.fake.requests).toEqual([
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
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    await resume(resumeInput(null));
    expect(kit.fake.requests.map((request) => request.body)).toEqual([
      { session: SESSION_HEX, link: LINK_ID, ...extraBody },
    ]);
  });

  it.each(CHALLENGES)(
    "428 token_required as %s is an MfaChallenge, as data",
    async (_shape, reply, challenge) => {
      kit.fake.reply(reply);
      const { status, body } = await resume();
      expect(status).toBe(200);
      expect(body).toEqual({ data: { [field]: challenge } });
    },
  );

  it("a wrong token's fresh 428 is a new challenge with the new session", async () => {
    const fresh = "7f0e1d2c3b4a59687766554433221100";
    kit.fake.reply({ status: 428, body: [challengeEntry({ session: fresh })] });
    const { body } = await resume();
    expect(body).toEqual({ data: { [field]: { ...EXPECTED_CHALLENGE, session: fresh } } });
  });

  it.each(resumeOutcomes(wrongShape))(
    "%s is an error with its code",
    async (_row, reply, message, extensions) => {
      kit.fake.reply(reply);
      const { body } = await resume();
      expect(body).toEqual(errorAnswer(field, message, extensions));
      // The one write; an expired session is followed by a lookup of the link (its status).
      expect(kit.fake.requests.filter((request) => request.method !== "GET")).toHaveLength(1);
    },
  );

  it("never quotes the token or the gateway's keys back from Belvo's message", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList(
        "login_error",
        `Token ${TOKEN} refused for secret-id-7f3a9c / secret-password-2b8e4d`,
      ),
    });
    const { body } = await resume();
    const [, , message, extensions] = refused(
      400,
      "login_error",
      "Token [redacted] refused for [redacted] / [redacted]",
    );
    expect(body).toEqual(errorAnswer(field, message, extensions));
  });
});

describe("success members", () => {
  it("resumeLink: any 2xx with a link is the Link, camelCased and enum-cased", async () => {
    for (const status of [200, 201]) {
      kit.fake.reply({ status, body: LINK_BODY });
      const { body } = await kit.post(RESUME_LINK, { input: resumeInput() });
      expect(body).toEqual({ data: { resumeLink: LINK_SELECTED } });
    }
  });

  it.each(SUCCESS_ROWS)(
    "%s: %i is its list with saved=%s, amounts exact as Decimal strings",
    async (field, status, saveData, saved, { document, list, key, text, delivered }) => {
      kit.fake.reply({ status, text, headers: { "content-type": "application/json" } });
      const { body } = await kit.post(document, {
        input: { session: SESSION_HEX, link: LINK_ID, token: TOKEN, saveData },
      });
      expect(body).toEqual({
        data: { [field]: { __typename: list, saved, [key]: delivered } },
      });
      expect(kit.fake.requests[0]?.body).toEqual({
        session: SESSION_HEX,
        token: TOKEN,
        link: LINK_ID,
        save_data: saveData,
      });
    },
  );

  it("resumeBalances sends save_data true when saveData is left out or null", async () => {
    kit.fake.reply({ status: 201, body: [] });
    for (const saveData of [undefined, null]) {
      await kit.post(RESUME_BALANCES, {
        input: { session: SESSION_HEX, link: LINK_ID, saveData },
      });
    }
    expect(kit.fake.requests.map((request) => request.body)).toEqual([
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
      const { body } = await postGraphQL(unreachable.url, document, { input: resumeInput() });
      const [, , message, extensions] = WRITE_OUTCOMES.find(([row]) =>
        row.includes("reset before"),
      )!;
      expect(body).toEqual(errorAnswer(field, message, extensions));
    } finally {
      await unreachable.close();
    }
  });
});
