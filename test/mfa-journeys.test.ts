/** Whole MFA journeys through the gateway's GraphQL, against the built-in emulator over HTTP. */
import { ManualClock } from "../src/sandbox/state.js";
import { EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES } from "../src/landing.js";
import { NOW } from "./helpers/gateway.js";
import { useGateway } from "./helpers/kit.js";
import { TEST_REQUEST_ID } from "./helpers/fixtures.js";

/** What the journeys select of a challenge, and of a balance list. */
const CHALLENGE =
  "... on MfaChallenge { session link tokenGenerationData { type expectsUserInput } }";
const BALANCE_LIST =
  "... on BalanceList { saved balances { valueDate balance account { id currency category } } }";

const REGISTER = `mutation Register($input: RegisterLinkInput!) {
  registerLink(input: $input) {
    __typename
    ... on Link { id status accessMode externalId institution { name } }
    ... on MfaChallenge { code session link expiry tokenGenerationData { type value instructions expectsUserInput } }
  }
}`;
const RESUME_LINK = `mutation Resume($input: ResumeLinkInput!) {
  resumeLink(input: $input) { __typename ... on Link { id status institution { name } } ${CHALLENGE} }
}`;
const RETRIEVE = `mutation Retrieve($input: RetrieveBalancesInput!) {
  retrieveBalances(input: $input) { __typename ${BALANCE_LIST} ${CHALLENGE} }
}`;
const RESUME_BALANCES = `mutation ResumeBalances($input: ResumeBalancesInput!) {
  resumeBalances(input: $input) { __typename ${BALANCE_LIST} ... on MfaChallenge { session link } }
}`;

interface Challenge {
  __typename: "MfaChallenge";
  session: string;
  link: string;
  tokenGenerationData: { type: string; value?: string | null; expectsUserInput: boolean };
}

let clock: ManualClock;
const kit = useGateway({
  upstream: "emulator",
  perTest: true,
  emulator: () => {
    clock = new ManualClock(new Date("2026-03-10T12:00:00Z"));
    return { clock };
  },
});

async function op<T>(query: string, input: Record<string, unknown>): Promise<T> {
  const { body } = await kit.post(query, { input });
  const data = body.data as Record<string, T> | null;
  if (!data) throw new Error(`operation failed: ${JSON.stringify(body.errors)}`);
  return Object.values(data)[0]!;
}

async function register(institution: string, username: string, password: string) {
  return op<Challenge | { __typename: "Link"; id: string; status: string }>(REGISTER, {
    institution,
    username,
    password,
  });
}

const days = (dateFrom: string, dateTo: string) => ({ dateFrom, dateTo });

/** A link on heimdall_mx_retail past its own challenge (token 111111), and that challenge. */
async function linked(username: string, password: string): Promise<Challenge> {
  const registration = (await register("heimdall_mx_retail", username, password)) as Challenge;
  await op(RESUME_LINK, {
    session: registration.session,
    link: registration.link,
    token: "111111",
  });
  return registration;
}

describe("links", () => {
  it.each([
    ["heimdall_mx_retail", "mfa_default", "pass_valid", "numeric", null],
    [
      "gotham_co_business",
      "mfa_numeric",
      "numeric_code",
      "numeric",
      expect.stringMatching(/^\d{6}$/),
    ],
  ])(
    "%s with %s: challenge, wrong token, fresh challenge, right token, Link",
    async (institution, username, password, type, value) => {
      const first = (await register(institution, username, password)) as Challenge;
      expect(first).toEqual({
        __typename: "MfaChallenge",
        code: "token_required",
        session: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        link: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        expiry: 720,
        tokenGenerationData: {
          type,
          value,
          instructions: expect.any(String) as unknown,
          expectsUserInput: true,
        },
      });
      const again = await op<Challenge>(RESUME_LINK, {
        session: first.session,
        link: first.link,
        token: "999999",
      });
      expect(again.__typename).toBe("MfaChallenge");
      expect(again.link).toBe(first.link);
      expect(again.session).not.toBe(first.session);
      const link = await op(RESUME_LINK, {
        session: again.session,
        link: first.link,
        token: "111111",
      });
      expect(link).toEqual({
        __typename: "Link",
        id: first.link,
        status: "VALID",
        institution: { name: institution },
      });
    },
  );
});

describe("links: a session used once, input-less, expired", () => {
  it("the refused session cannot be used again, nor the successful one", async () => {
    const first = (await register("heimdall_br_retail", "mfa_default", "pass_valid")) as Challenge;
    const fresh = await op<Challenge>(RESUME_LINK, {
      session: first.session,
      link: first.link,
      token: "999999",
    });
    const reused = await kit.post(RESUME_LINK, {
      input: { session: first.session, link: first.link, token: "111111" },
    });
    expect(reused.body).toMatchObject({
      errors: [{ extensions: { code: "MFA_SESSION_EXPIRED" } }],
    });
    await op(RESUME_LINK, { session: fresh.session, link: first.link, token: "111111" });
    const replay = await kit.post(RESUME_LINK, {
      input: { session: fresh.session, link: first.link, token: "111111" },
    });
    expect(replay.body).toMatchObject({
      errors: [{ extensions: { code: "MFA_SESSION_EXPIRED" } }],
    });
  });

  it("an input-less QR challenge is resumed without a token", async () => {
    const challenge = (await register("heimdall_mx_retail", "mfa_qr", "qr_code")) as Challenge;
    expect(challenge.tokenGenerationData).toEqual({
      type: "qr",
      value: `belvo-sandbox://approve?session=${challenge.session}`,
      instructions: expect.any(String) as unknown,
      expectsUserInput: false,
    });
    const link = await op(RESUME_LINK, { session: challenge.session, link: challenge.link });
    expect(link).toMatchObject({ __typename: "Link", id: challenge.link, status: "VALID" });
  });

  it("a session used after its expiry is MFA_SESSION_EXPIRED", async () => {
    const challenge = (await register(
      "heimdall_mx_retail",
      "mfa_default",
      "pass_valid",
    )) as Challenge;
    clock.advance(721_000);
    const { body } = await kit.post(RESUME_LINK, {
      input: { session: challenge.session, link: challenge.link, token: "111111" },
    });
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message:
            "The MFA session has expired or was already used: start again by registering the link or retrieving the data anew.",
          path: ["resumeLink"],
          extensions: {
            code: "MFA_SESSION_EXPIRED",
            // The link was never confirmed: the frontend must start again.
            linkStatus: "TOKEN_REQUIRED",
            upstream: {
              status: 400,
              code: "session_expired",
              requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
            },
            retryable: false,
            requestId: TEST_REQUEST_ID,
          },
        },
      ],
    });
  });
});

describe("links: no MFA, bad credentials", () => {
  it("a no-MFA institution answers a Link at once", async () => {
    const link = await op(REGISTER, {
      institution: "erebor_mx_retail",
      username: "user_valid",
      password: "pass_valid",
      accessMode: "SINGLE",
      externalId: "customer-7",
    });
    expect(link).toMatchObject({
      __typename: "Link",
      status: "VALID",
      accessMode: "SINGLE",
      externalId: "customer-7",
    });
  });

  it("bad bank credentials are UPSTREAM_REJECTED login_error, with no password anywhere", async () => {
    const { body } = await kit.post(REGISTER, {
      input: {
        institution: "erebor_mx_retail",
        username: "user_invalid",
        password: "pass_invalid",
      },
    });
    expect(body).toMatchObject({
      data: null,
      errors: [
        {
          extensions: {
            code: "UPSTREAM_REJECTED",
            upstream: { status: 400, code: "login_error" },
            retryable: false,
          },
        },
      ],
    });
    expect(JSON.stringify(body) + kit.logs.join("")).not.toContain("pass_invalid");
  });
});

describe("balances", () => {
  it("on an MFA link: challenge, wrong token, fresh challenge, right token, BalanceList", async () => {
    const registration = await linked("mfa_numeric", "numeric_code");
    const first = await op<Challenge>(RETRIEVE, {
      link: registration.link,
      ...days("2026-03-08", "2026-03-09"),
    });
    expect(first).toMatchObject({ __typename: "MfaChallenge", link: registration.link });
    const again = await op<Challenge>(RESUME_BALANCES, {
      session: first.session,
      link: first.link,
      token: "999999",
    });
    expect(again).toMatchObject({ __typename: "MfaChallenge", link: registration.link });
    expect(again.session).not.toBe(first.session);
    const list = await op<{
      saved: boolean;
      balances: { valueDate: string; balance: string; account: { currency: string } }[];
    }>(RESUME_BALANCES, {
      session: again.session,
      link: first.link,
      token: "111111",
      saveData: false,
    });
    expect(list.saved).toBe(false);
    expect(list.balances.length % 2).toBe(0);
    expect(list.balances.length).toBeGreaterThanOrEqual(6);
    for (const balance of list.balances) {
      expect(balance.valueDate).toMatch(/^2026-03-0[89]$/);
      expect(balance.balance).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(balance.account.currency).toBe("MXN");
    }
  });

  it("on a QR link: resumed without a token, saved by default", async () => {
    const registration = (await register("gotham_br_business", "mfa_qr", "qr_code")) as Challenge;
    await op(RESUME_LINK, { session: registration.session, link: registration.link });
    const challenge = await op<Challenge>(RETRIEVE, {
      link: registration.link,
      dateFrom: "2026-01-14",
    });
    expect(challenge.tokenGenerationData).toEqual({ type: "qr", expectsUserInput: false });
    const list = await op<{ saved: boolean; balances: { account: { currency: string } }[] }>(
      RESUME_BALANCES,
      {
        session: challenge.session,
        link: challenge.link,
      },
    );
    expect(list.saved).toBe(true);
    expect(list.balances[0]?.account.currency).toBe("BRL");
  });
});

describe("balances: no MFA, and expiry", () => {
  it("on a no-MFA link: a BalanceList at once, dateTo defaulting to the gateway's today", async () => {
    const link = (await register("erebor_co_retail", "user_valid", "pass_valid")) as { id: string };
    const list = await op<{
      __typename: string;
      saved: boolean;
      balances: { valueDate: string }[];
    }>(RETRIEVE, {
      link: link.id,
      dateFrom: "2026-01-01",
    });
    expect(list.__typename).toBe("BalanceList");
    const days = [...new Set(list.balances.map((balance) => balance.valueDate))];
    expect(days).toHaveLength(15);
    expect(days.at(-1)).toBe(NOW.toISOString().slice(0, 10));
  });

  it("the balances session expires like the link's", async () => {
    const registration = await linked("mfa_default", "pass_valid");
    const challenge = await op<Challenge>(RETRIEVE, {
      link: registration.link,
      ...days("2026-03-01", "2026-03-02"),
    });
    clock.advance(721_000);
    const { body } = await kit.post(RESUME_BALANCES, {
      input: { session: challenge.session, link: challenge.link, token: "111111" },
    });
    expect(body).toMatchObject({
      data: null,
      errors: [{ path: ["resumeBalances"], extensions: { code: "MFA_SESSION_EXPIRED" } }],
    });
  });
});

describe("the docs' example session", () => {
  it("the landing page's operation, as written, answers a Link every time", async () => {
    for (let i = 0; i < 2; i++) {
      const { body } = await kit.post(EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES);
      expect(body).toEqual({
        data: {
          resumeLink: {
            __typename: "Link",
            id: "683005d6-f45c-4adb-b289-f1a12f50f80c",
            status: "VALID",
            accessMode: "RECURRENT",
            institution: { name: "heimdall_mx_retail" },
            createdAt: "2026-03-10T12:00:00.000Z",
          },
        },
      });
    }
  });

  it("also resumes balances with token 1234ab, and never expires", async () => {
    clock.advance(30 * 86_400_000);
    const list = await op<{ __typename: string; balances: unknown[] }>(RESUME_BALANCES, {
      ...EXAMPLE_VARIABLES.input,
    });
    expect(list.__typename).toBe("BalanceList");
    expect(list.balances.length).toBeGreaterThan(0);
  });
});
