/**
 * Belvo's official Node SDK (`belvo` 0.28.0, unchanged) drives the built-in emulator through the
 * whole aggregation journey: any difference it can see fails here.
 */
import belvo from "belvo";
import { INSTITUTIONS } from "../src/sandbox/institutions.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { GOOD_TOKEN } from "../src/sandbox/mfa.js";

// The SDK is CommonJS with an `exports.default`: Node's ESM import sees the exports object.
const Client = (belvo as unknown as { default: typeof belvo }).default ?? belvo;

let sandbox: Sandbox;
let client: InstanceType<typeof belvo>;

beforeAll(async () => {
  sandbox = await startSandbox();
  client = new Client("sandbox-id", "sandbox-password", sandbox.url);
  await client.connect();
});

afterAll(async () => {
  await sandbox.close();
});

interface SdkError {
  statusCode: number;
  detail: { code: string; session?: string; link?: string; message: string }[];
}

/** The SDK throws a RequestError for any non-2xx: its status and Belvo's error list. */
async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("expected the SDK to throw");
}

/** A 428's session and link, as the SDK hands them over. */
async function challenge(call: Promise<unknown>): Promise<{ session: string; link: string }> {
  const error = await failure(call);
  expect(error.statusCode).toBe(428);
  expect(error.detail[0]?.code).toBe("token_required");
  return { session: error.detail[0]!.session!, link: error.detail[0]!.link! };
}

it("registers a link with MFA: a wrong token is a fresh challenge, the right one links", async () => {
  const first = await challenge(
    client.links.register("heimdall_mx_retail", "mfa_numeric", "numeric_code"),
  );
  const second = await challenge(client.links.resume(first.session, "999999", first.link));
  expect(second.link).toBe(first.link);
  expect(second.session).not.toBe(first.session);
  const link = await client.links.resume(second.session, GOOD_TOKEN, second.link);
  expect(link).toMatchObject({
    id: first.link,
    status: "valid",
    institution: "heimdall_mx_retail",
  });

  const used = await failure(client.links.resume(second.session, GOOD_TOKEN, second.link));
  expect(used.statusCode).toBe(400);
  expect(used.detail[0]?.code).toBe("session_expired");
});

describe("on an MFA link, every resource challenges and resumes", () => {
  let link: string;

  beforeAll(async () => {
    const pending = await challenge(
      client.links.register("gotham_mx_business", "mfa_default", "pass_valid"),
    );
    link = (await client.links.resume(pending.session, GOOD_TOKEN, pending.link)).id as string;
  });

  it("accounts (POST /api/accounts/)", async () => {
    const paused = await challenge(client.accounts.retrieve(link));
    const accounts = await client.accounts.resume(paused.session, GOOD_TOKEN, paused.link);
    expect(accounts.length).toBeGreaterThanOrEqual(3);
    expect(accounts[0]).toMatchObject({ link, currency: "MXN", balance: expect.any(Object) });
    const listed = await client.accounts.list({ filters: { link } });
    expect(listed.map((account: { id: string }) => account.id)).toEqual(
      accounts.map((account: { id: string }) => account.id),
    );
    expect(await client.accounts.detail(accounts[0].id)).toEqual(accounts[0]);
  });

  it("balances", async () => {
    const paused = await challenge(
      client.balances.retrieve(link, "2026-01-01", { dateTo: "2026-01-03" }),
    );
    const balances = await client.balances.resume(paused.session, GOOD_TOKEN, paused.link);
    expect(balances.length).toBeGreaterThanOrEqual(9);
    expect(balances[0]).toMatchObject({ value_date: "2026-01-01", account: { link } });
  });

  it("transactions, then listed by link", async () => {
    const paused = await challenge(
      client.transactions.retrieve(link, "2026-01-01", { dateTo: "2026-01-31" }),
    );
    const wrong = await challenge(client.transactions.resume(paused.session, "999999", link));
    const transactions = await client.transactions.resume(wrong.session, GOOD_TOKEN, link);
    expect(transactions.length).toBeGreaterThan(10);
    expect(transactions[0]).toMatchObject({
      account: { link },
      type: expect.stringMatching(/^(INFLOW|OUTFLOW)$/),
      status: "PROCESSED",
    });
    const listed = await client.transactions.list({ limit: 1000, filters: { link } });
    expect(listed).toHaveLength(transactions.length);
  });

  it("owners", async () => {
    const paused = await challenge(client.owners.retrieve(link));
    const owners = await client.owners.resume(paused.session, GOOD_TOKEN, paused.link);
    expect(owners).toEqual([
      expect.objectContaining({
        link,
        display_name: expect.any(String),
        email: expect.any(String),
      }),
    ]);
    expect(await client.owners.list({ filters: { link } })).toEqual(owners);
  });
});

it("institutions with a country filter", async () => {
  const institutions = await client.institutions.list({ filters: { country_code: "CO" } });
  expect(institutions.map((institution) => institution.name)).toEqual(
    INSTITUTIONS.filter(({ country_codes }) => country_codes.includes("CO")).map(
      ({ name }) => name,
    ),
  );
  for (const institution of institutions) expect(institution.country_codes).toEqual(["CO"]);
});

it("link detail, and PATCH /api/links/{id}/ changes the access mode", async () => {
  const link = await client.links.register("erebor_mx_retail", "user_valid", "pass_valid");
  expect(await client.links.detail(link.id)).toEqual(link);
  const single = await client.links.patch(link.id, { accessMode: "single" });
  expect(single).toMatchObject({ id: link.id, access_mode: "single", refresh_rate: null });
  const accounts = await client.accounts.retrieve(link.id, { saveData: false });
  expect(accounts.length).toBeGreaterThanOrEqual(3);
});

it("a bad login is Belvo's 400 login_error", async () => {
  const error = await failure(client.links.register("erebor_mx_retail", "user_valid", "wrong"));
  expect(error.statusCode).toBe(400);
  expect(error.detail[0]?.code).toBe("login_error");
});
