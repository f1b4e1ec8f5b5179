/** registerLink and retrieveBalances: what goes upstream, what is refused first, what never leaks. */
import {
  BALANCES_TEXT,
  challengeEntry,
  errorList,
  LINK_ID,
  ACCOUNT_BODY,
  LINK_REPLY,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { errorAnswer } from "./helpers/outcomes.js";
import { BASIC_AUTH } from "./helpers/gateway.js";

const REGISTER = `mutation($input: RegisterLinkInput!) {
  registerLink(input: $input) { __typename ... on Link { id } ... on MfaChallenge { session expiresAt } }
}`;
const RETRIEVE = `mutation($input: RetrieveBalancesInput!) {
  retrieveBalances(input: $input) { __typename ... on BalanceList { saved balances { balance } } ... on MfaChallenge { session } }
}`;
const PASSWORD = "bank-password-8c1d";
const ACCOUNT = ACCOUNT_BODY.id;

const kit = useGateway({
  upstream: "fake",
  replies: [{ ...LINK_REPLY, status: 201 }],
});

describe("registerLink", () => {
  it("POSTs snake_case fields to /api/links/, leaving out the ones not given", async () => {
    await kit.post(REGISTER, {
      input: {
        institution: "erebor_mx_retail",
        username: "user_valid",
        password: PASSWORD,
        accessMode: "SINGLE",
        externalId: "c-1",
      },
    });
    expect(kit.fake.requests).toEqual([
      {
        method: "POST",
        path: "/api/links/",
        headers: expect.objectContaining({ authorization: BASIC_AUTH }) as unknown,
        body: {
          institution: "erebor_mx_retail",
          username: "user_valid",
          password: PASSWORD,
          access_mode: "single",
          external_id: "c-1",
        },
      },
    ]);
  });

  it("sends every optional field when given", async () => {
    await kit.post(REGISTER, {
      input: {
        institution: "gotham_mx_business",
        username: "u",
        password: PASSWORD,
        username2: "u2",
        password2: "p2-secret",
        usernameType: "001",
        accessMode: "RECURRENT",
        externalId: "c-2",
        credentialsStorage: "30d",
      },
    });
    expect(kit.fake.requests[0]?.body).toEqual({
      institution: "gotham_mx_business",
      username: "u",
      password: PASSWORD,
      username2: "u2",
      password2: "p2-secret",
      username_type: "001",
      access_mode: "recurrent",
      external_id: "c-2",
      credentials_storage: "30d",
    });
  });

  it("answers a 428 as an MfaChallenge, through the same mapping as the resumes", async () => {
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    const { body } = await kit.post(REGISTER, {
      input: { institution: "heimdall_mx_retail", username: "u", password: PASSWORD },
    });
    expect(body).toEqual({
      data: {
        registerLink: {
          __typename: "MfaChallenge",
          session: "2c1a9b3e4d5f60718293a4b5c6d7e8f9",
          expiresAt: "2026-01-15T10:12:00.000Z",
        },
      },
    });
  });
});

describe("registerLink: refusals", () => {
  it.each([
    [
      "an institution code with spaces",
      { institution: "erebor mx" },
      "input.institution",
      "Invalid input.institution: expected Belvo's institution code, e.g. erebor_mx_retail.",
    ],
    [
      "an empty username",
      { username: "" },
      "input.username",
      "Invalid input.username: expected 1 to 256 characters without control characters.",
    ],
    [
      "a password with a newline",
      { password: "abc\ndef" },
      "input.password",
      "Invalid input.password: expected 1 to 256 characters without control characters.",
    ],
    [
      "an overlong external id",
      { externalId: "x".repeat(257) },
      "input.externalId",
      "Invalid input.externalId: expected 1 to 256 characters without control characters.",
    ],
  ])("refuses %s before any upstream call", async (_case, change, field, message) => {
    const { body } = await kit.post(REGISTER, {
      input: { institution: "erebor_mx_retail", username: "u", password: PASSWORD, ...change },
    });
    expect(body).toEqual(errorAnswer("registerLink", message, { code: "BAD_USER_INPUT", field }));
    expect(kit.fake.requests).toEqual([]);
  });

  it("never lets the bank password reach an answer or a log, even when Belvo quotes it", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList("login_error", `Wrong password ${PASSWORD} for user`),
    });
    const { body } = await kit.post(REGISTER, {
      input: { institution: "erebor_mx_retail", username: "ana.lopez", password: PASSWORD },
    });
    // The rest of Belvo's text still shares a run with the password ("password"): not quoted.
    expect(body).toMatchObject({
      errors: [{ message: "Belvo refused the request (HTTP 400 login_error)" }],
    });
    const badType = await kit.post(REGISTER, {
      input: { institution: "erebor_mx_retail", username: "u", password: { value: PASSWORD } },
    });
    expect(badType.status).toBe(400);
    expect(JSON.stringify(body) + JSON.stringify(badType.body) + kit.logs.join("")).not.toContain(
      PASSWORD,
    );
  });
});

describe("retrieveBalances", () => {
  it("POSTs link, dates, account and save_data to /api/balances/", async () => {
    kit.fake.reply({
      status: 201,
      text: BALANCES_TEXT,
      headers: { "content-type": "application/json" },
    });
    const { body } = await kit.post(RETRIEVE, {
      input: { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10", account: ACCOUNT },
    });
    expect(body).toEqual({
      data: {
        retrieveBalances: {
          __typename: "BalanceList",
          saved: true,
          balances: [{ balance: "12345678901234567.89" }, { balance: "-0.5" }],
        },
      },
    });
    expect(
      kit.fake.requests.map(({ method, path, body: sent }) => ({ method, path, body: sent })),
    ).toEqual([
      {
        method: "POST",
        path: "/api/balances/",
        body: {
          link: LINK_ID,
          date_from: "2026-01-01",
          date_to: "2026-01-10",
          account: ACCOUNT,
          save_data: true,
        },
      },
    ]);
  });

  it("defaults dateTo to the gateway's today and sends save_data false when asked", async () => {
    kit.fake.reply({ status: 200, body: [] });
    await kit.post(RETRIEVE, {
      input: { link: LINK_ID, dateFrom: "2026-01-01", saveData: false },
    });
    expect(kit.fake.requests[0]?.body).toEqual({
      link: LINK_ID,
      date_from: "2026-01-01",
      date_to: "2026-01-15",
      save_data: false,
    });
  });
});

describe("retrieveBalances: refusals", () => {
  it.each([
    [
      "dateTo before dateFrom",
      { dateFrom: "2026-01-10", dateTo: "2026-01-01" },
      "input.dateTo",
      "Invalid input.dateTo: must be on or after input.dateFrom.",
    ],
    [
      "a range over 365 days",
      { dateFrom: "2024-01-01", dateTo: "2026-01-01" },
      "input.dateFrom",
      "Invalid input.dateFrom: the range may span at most 365 days.",
    ],
    [
      "an account that is not a UUID",
      { dateFrom: "2026-01-01", account: "acc-1" },
      "input.account",
      "Invalid input.account: expected a UUID.",
    ],
  ])("refuses %s before any upstream call", async (_case, change, field, message) => {
    const { body } = await kit.post(RETRIEVE, {
      input: { link: LINK_ID, ...change },
    });
    expect(body).toEqual(
      errorAnswer("retrieveBalances", message, { code: "BAD_USER_INPUT", field }),
    );
    expect(kit.fake.requests).toEqual([]);
  });

  it("refuses a date that does not exist, as a variable error", async () => {
    const { status, body } = await kit.post(RETRIEVE, {
      input: { link: LINK_ID, dateFrom: "2026-02-31" },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [
        {
          message:
            "Invalid input.dateFrom: expected Date!; Date must be an existing date written YYYY-MM-DD.",
          extensions: { code: "BAD_USER_INPUT", field: "input.dateFrom" },
        },
      ],
    });
    expect(kit.fake.requests).toEqual([]);
  });
});
