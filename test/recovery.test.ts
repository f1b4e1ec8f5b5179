/**
 * Recovery without an idempotency key: MFA_SESSION_EXPIRED tells the link's status, and the
 * balances a lost answer carried can be read back with the `balances` query.
 */
import { LINK_BODY, errorList, LINK_ID, resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { type RecordedRequest, type Reply } from "./helpers/fake-upstream.js";

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

describe("MFA_SESSION_EXPIRED with the link's status", () => {
  let linkReply: Reply;
  const kit = useGateway({
    upstream: "fake",
    route: (request: RecordedRequest): Reply =>
      request.method === "PATCH"
        ? { status: 400, body: errorList("session_expired", "The MFA session has expired") }
        : linkReply,
  });

  const resume = async () =>
    (
      await kit.post(RESUME_LINK, {
        input: resumeInput("123456"),
      })
    ).body as Answer;

  it("carries extensions.linkStatus when Belvo shows the link", async () => {
    linkReply = { status: 200, body: LINK_BODY };
    const { errors } = await resume();
    expect(errors?.[0]?.extensions).toMatchObject({
      code: "MFA_SESSION_EXPIRED",
      linkStatus: "VALID",
    });
    expect(kit.fake.requests.at(-1)?.path).toBe(`/api/links/${LINK_ID}/`);
  });

  it("leaves it out when the lookup fails", async () => {
    linkReply = { status: 404, body: errorList("not_found", "Not found.") };
    const { errors } = await resume();
    expect(errors?.[0]?.extensions.code).toBe("MFA_SESSION_EXPIRED");
    expect(errors?.[0]?.extensions).not.toHaveProperty("linkStatus");
  });

  it("leaves it out, in bounded time (LINK_STATUS_LOOKUP_MS), when the lookup stalls", async () => {
    await kit.restart({ linkStatusLookupMs: 200 });
    linkReply = { status: 200, body: LINK_BODY, delayMs: 2_000 };
    const started = Date.now();
    const { errors } = await resume();
    expect(errors?.[0]?.extensions.code).toBe("MFA_SESSION_EXPIRED");
    expect(errors?.[0]?.extensions).not.toHaveProperty("linkStatus");
    expect(Date.now() - started).toBeLessThan(1_800);
  });
});

describe("balances: what Belvo saved, read back", () => {
  const kit = useGateway({ upstream: "emulator" });

  const BALANCES = `query($link: ID!, $dateFrom: Date, $dateTo: Date, $account: ID) {
    balances(link: $link, dateFrom: $dateFrom, dateTo: $dateTo, account: $account) {
      id valueDate balance account { id }
    }
  }`;

  async function query(variables: Record<string, unknown>) {
    return (await kit.post(BALANCES, variables)).body as unknown as Answer & {
      data: {
        balances: { id: string; valueDate: string; balance: string; account: { id: string } }[];
      };
    };
  }

  it("returns every page of the saved balances, with Belvo's filters", async () => {
    const registered = (
      await kit.post(
        `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "user_valid", password: "pass_valid"}) { __typename ... on Link { id } } }`,
      )
    ).body as { data: { registerLink: { id: string } } };
    const link = registered.data.registerLink.id;
    const retrieved = (
      await kit.post(
        `mutation($link: ID!) { retrieveBalances(input: {link: $link, dateFrom: "2026-01-01", dateTo: "2026-01-12"}) { __typename ... on BalanceList { saved balances { id account { id } } } } }`,
        { link },
      )
    ).body as {
      data: {
        retrieveBalances: { saved: boolean; balances: { id: string; account: { id: string } }[] };
      };
    };
    const saved = retrieved.data.retrieveBalances.balances;
    expect(retrieved.data.retrieveBalances.saved).toBe(true);
    expect(saved.length).toBeGreaterThan(10); // more than one of the emulator's pages

    const all = await query({ link });
    expect(all.errors).toBeUndefined();
    expect(all.data.balances.map((balance) => balance.id).sort()).toEqual(
      saved.map((balance) => balance.id).sort(),
    );

    const account = saved[0]!.account.id;
    const some = await query({ link, account, dateFrom: "2026-01-03", dateTo: "2026-01-05" });
    expect(some.data.balances.map((balance) => balance.valueDate).sort()).toEqual([
      "2026-01-03",
      "2026-01-04",
      "2026-01-05",
    ]);
    expect(new Set(some.data.balances.map((balance) => balance.account.id))).toEqual(
      new Set([account]),
    );
  });

  it("refuses a bad link or an inverted range, naming the field", async () => {
    const bad = await query({ link: "not-a-uuid" });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "link" });
    const inverted = await query({ link: LINK_ID, dateFrom: "2026-02-01", dateTo: "2026-01-01" });
    expect(inverted.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "dateTo",
    });
  });
});
