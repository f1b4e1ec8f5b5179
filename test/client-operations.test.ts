/**
 * The typed client's accounts, transactions, owners, saved-balances and Link.accounts operations
 * against the gateway and the emulator (MFA included), the Idempotency-Key on each new write, and
 * partial results: data beside errors reaches the caller with the errors, not a throw.
 */
import {
  BelvoGatewayClient,
  GatewayClientError,
  type AccountsResult,
  type OwnersResult,
  type TransactionsResult,
} from "@belvo-graphql-gateway/client";
import { findInstitution } from "../src/sandbox/institutions.js";
import { GOOD_TOKEN } from "../src/sandbox/mfa.js";
import { ACCOUNT_BODY, LINK_ID } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";

/** Every idempotency-key header the client sent, in order. */
const sentKeys: (string | null)[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  sentKeys.push(new Headers(init?.headers).get("idempotency-key"));
  return fetch(input, init);
};

/** Compiles only if every member is handled: each new result is a discriminated union. */
function itemsOf(result: AccountsResult | TransactionsResult | OwnersResult): unknown[] | string {
  switch (result.__typename) {
    case "AccountList":
      return result.accounts;
    case "TransactionList":
      return result.transactions;
    case "OwnerList":
      return result.owners;
    case "MfaChallenge":
      return result.session;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** A link on an MFA institution, past its own challenge. */
async function mfaLink(client: BelvoGatewayClient): Promise<string> {
  const pending = await client.registerLink({
    institution: "heimdall_mx_retail",
    username: "mfa_numeric",
    password: "numeric_code",
  });
  if (pending.__typename !== "MfaChallenge") throw new Error("expected a challenge");
  const linked = await client.resumeLink({
    session: pending.session,
    link: pending.link,
    token: GOOD_TOKEN,
  });
  expect(linked).toMatchObject({ __typename: "Link", status: "VALID" });
  return pending.link;
}

const STEPS = [
  {
    name: "accounts",
    list: "AccountList",
    start: (c: BelvoGatewayClient, link: string) => c.retrieveAccounts({ link }),
    resume: (c: BelvoGatewayClient, input: { session: string; link: string; token: string }) =>
      c.resumeAccounts(input),
  },
  {
    name: "transactions",
    list: "TransactionList",
    start: (c: BelvoGatewayClient, link: string) =>
      c.retrieveTransactions({ link, dateFrom: "2026-03-01", dateTo: "2026-03-09" }),
    resume: (c: BelvoGatewayClient, input: { session: string; link: string; token: string }) =>
      c.resumeTransactions(input),
  },
  {
    name: "owners",
    list: "OwnerList",
    start: (c: BelvoGatewayClient, link: string) => c.retrieveOwners({ link }),
    resume: (c: BelvoGatewayClient, input: { session: string; link: string; token: string }) =>
      c.resumeOwners(input),
  },
] as const;

// The emulator's gateway, for every describe but the fake upstream's.
let client: BelvoGatewayClient;
const emulator = useGateway({ upstream: "emulator" });
beforeAll(() => {
  client = new BelvoGatewayClient(`${emulator.url}/graphql`, { fetch: recordingFetch });
});
beforeEach(() => {
  sentKeys.length = 0;
});

describe("against the emulator", () => {
  it.each(STEPS)(
    "$name: challenge, a wrong token challenges anew, the right one delivers; each write sends its own key",
    async ({ start, resume, list }) => {
      const link = await mfaLink(client);
      sentKeys.length = 0;
      const first = await start(client, link);
      if (first.__typename !== "MfaChallenge") throw new Error("expected a challenge");
      expect(first).toMatchObject({
        code: "token_required",
        link,
        tokenGenerationData: { type: "numeric", expectsUserInput: true },
      });
      expect(first.partialErrors).toBeUndefined();
      const second = await resume(client, { session: first.session, link, token: "999999" });
      if (second.__typename !== "MfaChallenge") throw new Error("expected a challenge");
      expect(second.session).not.toBe(first.session);
      const done = await resume(client, { session: second.session, link, token: GOOD_TOKEN });
      expect(done.__typename).toBe(list);
      if (done.__typename === "MfaChallenge") throw new Error("expected the data");
      expect(done.saved).toBe(true);
      const items = itemsOf(done);
      expect(Array.isArray(items) && items.length).toBeGreaterThan(0);
      expect(items).not.toContain(null);
      expect(done.partialErrors).toBeUndefined();

      expect(sentKeys).toHaveLength(3);
      for (const key of sentKeys) expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(sentKeys).size).toBe(3);
    },
  );

  it("the caller's Idempotency-Key gets the same challenge again, a fresh key a new one", async () => {
    const link = await mfaLink(client);
    const writes = {
      accounts: (key?: string) => client.retrieveAccounts({ link }, { idempotencyKey: key }),
      transactions: (key?: string) =>
        client.retrieveTransactions(
          { link, dateFrom: "2026-03-01", dateTo: "2026-03-09" },
          { idempotencyKey: key },
        ),
      owners: (key?: string) => client.retrieveOwners({ link }, { idempotencyKey: key }),
    };
    sentKeys.length = 0;
    for (const [step, write] of Object.entries(writes)) {
      const key = `caller-key-${step}-${link}`;
      const first = await write(key);
      const again = await write(key);
      const fresh = await write();
      if (first.__typename !== "MfaChallenge" || fresh.__typename !== "MfaChallenge")
        throw new Error("expected challenges");
      expect(again).toEqual(first);
      expect(fresh.session).not.toBe(first.session);
    }
    expect(sentKeys.filter((key) => key?.startsWith("caller-key-"))).toHaveLength(6);
  });
});

describe("against the emulator: reads", () => {
  it("linkAccounts reads the link with the accounts Belvo holds for it", async () => {
    const link = await mfaLink(client);
    const read = await client.linkAccounts(link);
    expect(read).toMatchObject({ id: link, status: "VALID" });
    expect(read?.accounts.map((account) => account?.id)).toEqual(
      emulator.sandbox.state.accountsOf(link).map((account) => account.id),
    );
    expect(read?.accounts[0]).toMatchObject({
      id: expect.any(String) as unknown,
      currency: expect.any(String) as unknown,
    });
    expect(await client.linkAccounts("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("balances() reads what a retrieval saved (recovery after a lost answer)", async () => {
    const link = await mfaLink(client);
    const challenge = await client.retrieveBalances({
      link,
      dateFrom: "2026-01-14",
      dateTo: "2026-01-15",
    });
    if (challenge.__typename !== "MfaChallenge") throw new Error("expected a challenge");
    const saved = await client.resumeBalances({
      session: challenge.session,
      link,
      token: GOOD_TOKEN,
    });
    if (saved.__typename !== "BalanceList") throw new Error("expected balances");
    const read = await client.balances({ link, dateFrom: "2026-01-14", dateTo: "2026-01-15" });
    expect(read.partialErrors).toBeUndefined();
    expect(read.map((balance) => balance?.id).sort()).toEqual(
      saved.balances.map((balance) => balance?.id).sort(),
    );
    expect(read[0]).toMatchObject({ balance: expect.any(String) as unknown });
  });

  it("institutions carry the login form and the features", async () => {
    const institutions = await client.institutions("MX");
    const heimdall = institutions.find((institution) => institution?.name === "heimdall_mx_retail");
    const served = findInstitution("heimdall_mx_retail")!;
    expect(heimdall?.formFields).toEqual(
      served.form_fields.map((field) => ({ ...field, validationMessage: null, values: null })),
    );
    expect(heimdall?.features).toEqual(served.features);
    expect(heimdall?.resources).toEqual([]);
  });
});

describe("partial results (the recording fake upstream)", () => {
  const kit = useGateway({ upstream: "fake", timeoutMs: 2_000, perTest: true });
  let client: BelvoGatewayClient;
  beforeEach(() => {
    client = new BelvoGatewayClient(`${kit.url}/graphql`, { retry: false });
  });

  const balance = (id: string) => ({
    id,
    account: ACCOUNT_BODY,
    value_date: "2026-01-14",
    balance: 10.5,
    current_balance: 10.5,
    statement: null,
    collected_at: null,
  });
  const B1 = "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f60";
  const B3 = "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f62";
  const garbledError = {
    message:
      "Belvo's answer had an item the gateway could not read (a balance is not an object); the other items are delivered.",
    code: "UPSTREAM_ERROR",
    field: null,
  };

  it("retrieveBalances: one garbled balance is null with its error; the others arrive", async () => {
    kit.fake.reply({ status: 201, body: [balance(B1), "not a balance", balance(B3)] });
    const result = await client.retrieveBalances({ link: LINK_ID, dateFrom: "2026-01-14" });
    if (result.__typename !== "BalanceList") throw new Error("expected balances");
    expect(result.saved).toBe(true);
    expect(result.balances.map((item) => item?.id ?? null)).toEqual([B1, null, B3]);
    expect(result.balances[0]).toMatchObject({ balance: "10.5", valueDate: "2026-01-14" });
    expect(result.partialErrors).toEqual([
      { ...garbledError, path: ["retrieveBalances", "balances", 1] },
    ]);
  });

  it("balances(): a saved list with a garbled item arrives, with the error", async () => {
    kit.fake.reply({
      status: 200,
      body: { count: 3, next: null, previous: null, results: [balance(B1), 7, balance(B3)] },
    });
    const read = await client.balances({ link: LINK_ID });
    expect(read.map((item) => item?.id ?? null)).toEqual([B1, null, B3]);
    expect(read.partialErrors).toEqual([
      expect.objectContaining({ code: "UPSTREAM_ERROR", path: ["balances", 1] }),
    ]);
  });

  it("no data for the operation: it throws, with every error", async () => {
    kit.fake.reply({ status: 500, text: "<h1>Server Error</h1>" });
    const error = await client.link(LINK_ID).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect(error).toMatchObject({ code: "UPSTREAM_ERROR", status: 200 });
    expect((error as GatewayClientError).errors[0]?.path).toEqual(["link"]);
  });
});
