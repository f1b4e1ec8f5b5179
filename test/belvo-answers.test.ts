/** Belvo as it really answers: nullable fields, unreadable items, retryability (issue 15, 1–3). */
import {
  ACCOUNT_BODY,
  ACCOUNT_SELECTED,
  LINK_ID,
  REQUEST_ID,
  TEST_REQUEST_ID,
  challengeEntry,
  errorList,
  page,
  resumeInput,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { unreadableItem } from "./helpers/outcomes.js";
import { RESUME_BALANCES, RESUME_LINK } from "./helpers/graphql.js";
import { type Reply } from "./helpers/fake-upstream.js";

const kit = useGateway({ upstream: "fake", timeoutMs: 2_000 });

const INPUT = resumeInput();
const resumeBalances = () => kit.post(RESUME_BALANCES, { input: INPUT });

const balance = (id: string, account: unknown) => ({
  id,
  account,
  value_date: "2026-01-14",
  balance: 10.5,
  current_balance: 10.5,
  statement: null,
  collected_at: null,
});
const delivered = (id: string, account: unknown) => ({
  id,
  valueDate: "2026-01-14",
  balance: "10.5",
  currentBalance: "10.5",
  collectedAt: null,
  statement: null,
  account,
});
/** The answer delivering `balances` as saved. */
const savedList = (balances: unknown[]) => ({
  data: { resumeBalances: { __typename: "BalanceList", saved: true, balances } },
});
const B1 = "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f60";
const B2 = "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f61";
const B3 = "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f62";

describe("a balance list Belvo saved is never lost for one item", () => {
  it('a balance with "account": null is delivered with a null account', async () => {
    kit.fake.reply({ status: 201, body: [balance(B1, ACCOUNT_BODY), balance(B2, null)] });
    const { body } = await resumeBalances();
    expect(body).toEqual(savedList([delivered(B1, ACCOUNT_SELECTED), delivered(B2, null)]));
  });

  it("an item that cannot be read is an error at its path; the rest is delivered", async () => {
    kit.fake.reply({
      status: 201,
      body: [balance(B1, ACCOUNT_BODY), "not a balance", balance(B3, "not an account")],
    });
    const { body } = await resumeBalances();
    expect(body).toEqual({
      ...savedList([delivered(B1, ACCOUNT_SELECTED), null, delivered(B3, null)]),
      errors: [
        unreadableItem(["resumeBalances", "balances", 1], "a balance is not an object", 201),
        unreadableItem(
          ["resumeBalances", "balances", 2, "account"],
          "an account is not an object",
          201,
        ),
      ],
    });
  });
});

describe("the paginated envelope Belvo's own POST /api/balances/ examples show", () => {
  const selection = "__typename ... on BalanceList { saved balances { id account { id } } }";
  it.each([
    [
      "retrieveBalances",
      `mutation R($input: RetrieveBalancesInput!) { retrieveBalances(input: $input) { ${selection} } }`,
      { link: LINK_ID, dateFrom: "2026-01-01" },
    ],
    [
      "resumeBalances",
      `mutation R($input: ResumeBalancesInput!) { resumeBalances(input: $input) { ${selection} } }`,
      INPUT,
    ],
  ])(
    "%s: a 201 envelope is read as the saved list of its results",
    async (field, document, input) => {
      const results = [balance(B1, ACCOUNT_BODY), balance(B2, null)];
      kit.fake.reply({ status: 201, body: { count: 2, next: null, previous: null, results } });
      const { body } = await kit.post(document, { input });
      expect(body).toEqual({
        data: {
          [field]: {
            __typename: "BalanceList",
            saved: true,
            balances: [
              { id: B1, account: { id: ACCOUNT_BODY.id } },
              { id: B2, account: null },
            ],
          },
        },
      });
      expect(kit.fake.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
        `${field === "resumeBalances" ? "PATCH" : "POST"} /api/balances/`,
      ]);
    },
  );
});

describe("token_generation_data", () => {
  it.each(["expect_user_input", "expects_user_input"])(
    "%s: false is read (the user confirms elsewhere)",
    async (key) => {
      kit.fake.reply({
        status: 428,
        body: [
          challengeEntry({
            token_generation_data: { instructions: "Scan", type: "qr", value: "x", [key]: false },
          }),
        ],
      });
      const { body } = await kit.post(RESUME_LINK, { input: INPUT });
      expect(body).toMatchObject({
        data: { resumeLink: { tokenGenerationData: { expectsUserInput: false } } },
      });
    },
  );
});

describe("retryability as Belvo documents it", () => {
  const errorOf = async (reply: Reply) => {
    kit.fake.reply(reply);
    const { body } = await resumeBalances();
    expect(body.data).toBeNull();
    return (body.errors as { message: string; extensions: Record<string, unknown> }[])[0]!;
  };

  it.each([
    [400, "institution_unavailable", "UPSTREAM_REJECTED"],
    [400, "institution_down", "UPSTREAM_REJECTED"],
    [400, "too_many_sessions", "UPSTREAM_REJECTED"],
    [400, "unexpected_error", "UPSTREAM_REJECTED"],
    [500, "unexpected_error", "UPSTREAM_ERROR"],
  ])("%i %s is retryable", async (status, code, gatewayCode) => {
    const error = await errorOf({ status, body: errorList(code, "Try again later") });
    expect(error.extensions).toMatchObject({
      code: gatewayCode,
      retryable: true,
      upstream: { status, code, requestId: REQUEST_ID },
    });
  });

  it("Belvo's HTML 403 rate-limit page is a retryable UPSTREAM_RATE_LIMITED, retryAfter 30", async () => {
    const error = await errorOf({
      status: 403,
      text: "<html><head><title>403 Forbidden</title></head><body>Too many requests</body></html>",
    });
    expect(error).toEqual({
      message:
        "Belvo is limiting the gateway's requests (HTTP 403 rate-limit page); retry in 30 s.",
      path: ["resumeBalances"],
      extensions: {
        code: "UPSTREAM_RATE_LIMITED",
        upstream: { status: 403, code: null, requestId: null },
        retryable: true,
        retryAfter: 30,
        requestId: TEST_REQUEST_ID,
      },
    });
  });

  it("408 request_timeout says partial data may have been saved", async () => {
    const error = await errorOf({
      status: 408,
      body: errorList("request_timeout", "The request timed out"),
    });
    expect(error.extensions).toMatchObject({ code: "UPSTREAM_TIMEOUT", retryable: true });
    expect(error.message).toBe(
      "Belvo timed out while talking to the institution (HTTP 408 request_timeout); part of the data may have been saved: ask for less (a shorter date range) or retry later: The request timed out",
    );
  });
});

describe("a read list is never lost for one item", () => {
  it("institutions: an unreadable institution is an error at its path", async () => {
    kit.fake.reply(
      page([{ name: "erebor_mx_retail" }, { display_name: "no name" }, { name: "b_co_x" }]),
    );
    const { body } = await kit.post("{ institutions { name } }");
    expect(body).toEqual({
      data: { institutions: [{ name: "erebor_mx_retail" }, null, { name: "b_co_x" }] },
      errors: [unreadableItem(["institutions", 1], '"name" is missing')],
    });
  });

  it("Link.accounts: an unreadable account of the link is an error at its path", async () => {
    kit.fake.route = (request) =>
      request.path.startsWith("/api/links/")
        ? { status: 200, body: { id: LINK_ID, institution: "erebor_mx_retail", status: "valid" } }
        : page([ACCOUNT_BODY, { link: LINK_ID, name: "no id" }, { name: "another link's, no id" }]);
    const { body } = await kit.post("query L($id: ID!) { link(id: $id) { accounts { id } } }", {
      id: LINK_ID,
    });
    expect(body).toEqual({
      data: { link: { accounts: [{ id: ACCOUNT_BODY.id }, null] } },
      errors: [unreadableItem(["link", "accounts", 1], '"id" is missing')],
    });
  });

  it("a loaded account Belvo garbled is an error at the field that asked for it", async () => {
    const garbled = { ...ACCOUNT_BODY, name: { not: "a string" } };
    kit.fake.route = (request) =>
      request.method === "PATCH"
        ? {
            status: 201,
            body: [{ id: "b1", account: { id: ACCOUNT_BODY.id }, value_date: "2026-01-14" }],
          }
        : page([garbled]);
    const { body } = await kit.post(
      `mutation R($input: ResumeBalancesInput!) { resumeBalances(input: $input) {
        ... on BalanceList { balances { id account { id name } } } } }`,
      { input: INPUT },
    );
    expect(body).toEqual({
      data: {
        resumeBalances: { balances: [{ id: "b1", account: { id: ACCOUNT_BODY.id, name: null } }] },
      },
      errors: [
        unreadableItem(
          ["resumeBalances", "balances", 0, "account", "name"],
          '"name" is not a string',
        ),
      ],
    });
  });
});
