/** CONTRACT.md section 4 for every start of an MFA flow (the POSTs), against a recording fake. */
import { REQUEST_ID, challengeEntry, errorList, LINK_ID, SESSION_HEX } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { WRITE_OUTCOMES, errorAnswer } from "./helpers/outcomes.js";

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

describe.each(STARTS)("$field", ({ field, inputType, path, input, belvoField, inputPath }) => {
  const start = () =>
    kit.post(
      `mutation S($input: ${inputType}!) { ${field}(input: $input) { ${START_SELECTION} } }`,
      {
        input,
      },
    );

  it("a 428 token_required is the challenge, sent once by POST", async () => {
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    const { body } = await start();
    expect(body).toEqual({
      data: { [field]: { __typename: "MfaChallenge", session: SESSION_HEX, link: LINK_ID } },
    });
    expect(kit.fake.requests.map((request) => [request.method, request.path])).toEqual([
      ["POST", path],
    ]);
  });

  it("a 400 field error names the input field", async () => {
    kit.fake.reply({ status: 400, body: errorList("invalid", "Wrong.", { field: belvoField }) });
    const { body } = await start();
    expect(body).toEqual(
      errorAnswer(field, `Belvo rejected the input (${inputPath}): Wrong.`, {
        code: "BAD_USER_INPUT",
        upstream: { status: 400, code: "invalid", requestId: REQUEST_ID },
        retryable: false,
        field: inputPath,
      }),
    );
    expect(kit.fake.requests).toHaveLength(1);
  });

  it.each(WRITE_OUTCOMES)("%s", async (_row, reply, message, extensions) => {
    kit.fake.reply(reply);
    const { body } = await start();
    expect(body).toEqual(errorAnswer(field, message, extensions));
    // A write is sent exactly once, whatever the answer.
    expect(kit.fake.requests).toHaveLength(1);
  });
});
