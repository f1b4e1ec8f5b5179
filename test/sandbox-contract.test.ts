/** The emulator's own contract over HTTP: auth, errors, lists, filters, pagination, data. */
import { findInstitution } from "../src/sandbox/institutions.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { callBelvo } from "./helpers/belvo-client.js";

let sandbox: Sandbox;
const call = (method: string, path: string, body?: unknown, auth?: string | null) =>
  callBelvo(sandbox.url, method, path, body, auth);

beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

const REQUEST_ID = expect.stringMatching(/^[0-9a-f]{32}$/) as unknown;
/** Belvo's error list of one entry, with a fresh request id. */
const refusal = (code: string, message: string) => [{ code, message, request_id: REQUEST_ID }];

describe("auth", () => {
  it.each([
    ["no Authorization header", null],
    ["a Basic pair with an empty password", `Basic ${Buffer.from("id:").toString("base64")}`],
    ["a Bearer token", "Bearer abc"],
  ])("%s answers 401 authentication_failed", async (_case, auth) => {
    const { status, body } = await call("GET", "/api/", undefined, auth);
    expect(status).toBe(401);
    expect(body).toEqual(
      refusal(
        "authentication_failed",
        "Credentials provided are not valid. Check your secret key id and password.",
      ),
    );
  });

  it("GET /api/ answers 200 with any non-empty key pair", async () => {
    const { status, body } = await call("GET", "/api/");
    expect(status).toBe(200);
    expect(body).toEqual({
      links: `${sandbox.url}/api/links/`,
      accounts: `${sandbox.url}/api/accounts/`,
      balances: `${sandbox.url}/api/balances/`,
      transactions: `${sandbox.url}/api/transactions/`,
      owners: `${sandbox.url}/api/owners/`,
      institutions: `${sandbox.url}/api/institutions/`,
    });
  });
});

describe("errors", () => {
  it("lists every missing field of a registration, each with its field", async () => {
    const { status, body } = await call("POST", "/api/links/", { institution: "erebor_mx_retail" });
    expect(status).toBe(400);
    expect(body).toEqual([
      {
        code: "required",
        message: "This field is required.",
        field: "username",
        request_id: REQUEST_ID,
      },
      {
        code: "required",
        message: "This field is required.",
        field: "password",
        request_id: REQUEST_ID,
      },
    ]);
  });

  it("answers invalid for a malformed UUID and date, and invalid_choice for an unknown access mode", async () => {
    const balances = await call("POST", "/api/balances/", {
      link: "nope",
      date_from: "01/02/2026",
    });
    expect(balances.status).toBe(400);
    expect(balances.body).toEqual([
      { code: "invalid", message: "Must be a valid UUID.", field: "link", request_id: REQUEST_ID },
      {
        code: "invalid",
        message: "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        field: "date_from",
        request_id: REQUEST_ID,
      },
    ]);
    const link = await call("POST", "/api/links/", {
      institution: "erebor_mx_retail",
      username: "user_valid",
      password: "pass_valid",
      access_mode: "forever",
    });
    expect(link.body).toEqual([
      {
        code: "invalid_choice",
        message: '"forever" is not a valid choice.',
        field: "access_mode",
        request_id: REQUEST_ID,
      },
    ]);
  });
});

describe("errors: refusals", () => {
  it("answers 400 login_error for bad bank credentials", async () => {
    const { status, body } = await call("POST", "/api/links/", {
      institution: "erebor_mx_retail",
      username: "user_invalid",
      password: "pass_invalid",
    });
    expect(status).toBe(400);
    expect(body).toEqual(
      refusal("login_error", "Invalid credentials provided to login to the institution"),
    );
  });

  it("answers 404 not_found for an unknown object or path, 405 for a wrong method, 400 parse_error for bad JSON", async () => {
    expect(await call("GET", "/api/links/00000000-0000-4000-8000-000000000000/")).toEqual({
      status: 404,
      body: [{ code: "not_found", message: "Not found.", request_id: REQUEST_ID }],
    });
    expect((await call("GET", "/api/statements/")).status).toBe(404);
    expect((await call("DELETE", "/api/links/")).body).toEqual([
      {
        code: "method_not_allowed",
        message: 'Method "DELETE" not allowed.',
        request_id: REQUEST_ID,
      },
    ]);
    const response = await fetch(`${sandbox.url}/api/links/`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("a:b").toString("base64")}`,
        "content-type": "application/json",
      },
      body: "{oops",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual([
      { code: "parse_error", message: "JSON parse error.", request_id: REQUEST_ID },
    ]);
  });
});

describe("institutions", () => {
  it("lists the sandbox's institutions, 10 a page, with absolute next/previous links", async () => {
    const first = await call("GET", "/api/institutions/");
    expect(first.body).toMatchObject({
      count: 12,
      previous: null,
      next: `${sandbox.url}/api/institutions/?page=2`,
    });
    expect(first.body.results).toHaveLength(10);
    const second = await call("GET", "/api/institutions/?page=2");
    expect(second.body).toMatchObject({
      count: 12,
      next: null,
      previous: `${sandbox.url}/api/institutions/?page=1`,
    });
    expect(second.body.results).toHaveLength(2);
    const all = await call("GET", "/api/institutions/?page_size=1000");
    expect(all.body.results.map((institution: { name: string }) => institution.name)).toEqual([
      "erebor_mx_retail",
      "erebor_co_retail",
      "erebor_br_retail",
      "gringotts_mx_retail",
      "gringotts_co_retail",
      "gringotts_br_retail",
      "heimdall_mx_retail",
      "heimdall_co_retail",
      "heimdall_br_retail",
      "gotham_mx_business",
      "gotham_co_business",
      "gotham_br_business",
    ]);
  });
});

describe("institutions: filters and pages", () => {
  it("filters by name__in and country_code, keeping page_size in next links", async () => {
    const named = await call(
      "GET",
      "/api/institutions/?name__in=heimdall_mx_retail,erebor_br_retail,unknown_bank",
    );
    expect(named.body.results.map((institution: { name: string }) => institution.name)).toEqual([
      "erebor_br_retail",
      "heimdall_mx_retail",
    ]);
    expect(named.body.results[1]).toEqual({
      id: 120,
      name: "heimdall_mx_retail",
      type: "bank",
      display_name: "Heimdall Mexico",
      website: "https://www.heimdall.example",
      country_codes: ["MX"],
      primary_color: "#1b1f3b",
      logo: "https://statics.belvo.example/institutions/heimdall_mx_retail/logo.svg",
      icon_logo: "https://statics.belvo.example/institutions/heimdall_mx_retail/icon.svg",
      text_logo: "https://statics.belvo.example/institutions/heimdall_mx_retail/text.svg",
      form_fields: findInstitution("heimdall_mx_retail")!.form_fields,
      features: [{ name: "token_required", description: "A second factor is asked at login." }],
      status: "healthy",
      integration_type: "credentials",
    });
    const colombian = await call("GET", "/api/institutions/?country_code=CO&page_size=2");
    expect(colombian.body).toMatchObject({
      count: 4,
      next: `${sandbox.url}/api/institutions/?country_code=CO&page_size=2&page=2`,
    });
  });

  it("answers 404 for a page past the end", async () => {
    expect((await call("GET", "/api/institutions/?page=9")).status).toBe(404);
  });
});

async function register(institution: string) {
  const { status, body } = await call("POST", "/api/links/", {
    institution,
    username: "user_valid",
    password: "pass_valid",
    external_id: "ext-1",
  });
  expect(status).toBe(201);
  return body as { id: string };
}

describe("links and accounts", () => {
  it("registers a no-MFA link at once and serves it by id and in the list", async () => {
    const link = await register("erebor_co_retail");
    expect(link).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      institution: "erebor_co_retail",
      access_mode: "recurrent",
      last_accessed_at: expect.any(String) as unknown,
      created_at: expect.any(String) as unknown,
      external_id: "ext-1",
      institution_user_id: expect.any(String) as unknown,
      status: "valid",
      created_by: expect.any(String) as unknown,
      refresh_rate: "7d",
      credentials_storage: "store",
      fetch_resources: ["ACCOUNTS", "OWNERS", "TRANSACTIONS"],
      stale_in: null,
    });
    expect((await call("GET", `/api/links/${link.id}/`)).body).toEqual(link);
    const listed = await call("GET", `/api/links/?id__in=${link.id}`);
    expect(listed.body).toEqual({ count: 1, next: null, previous: null, results: [link] });
  });

  it("gives each link 3 to 5 accounts in the institution country's currency, filterable by link and id__in", async () => {
    const currencies: Record<string, string> = {
      erebor_mx_retail: "MXN",
      erebor_co_retail: "COP",
      gringotts_br_retail: "BRL",
    };
    for (const [institution, currency] of Object.entries(currencies)) {
      const link = await register(institution);
      const { body } = await call("GET", `/api/accounts/?link=${link.id}&page_size=100`);
      expect(body.count).toBeGreaterThanOrEqual(3);
      expect(body.count).toBeLessThanOrEqual(5);
      for (const account of body.results) {
        expect(account).toMatchObject({
          link: link.id,
          currency,
          institution: { name: institution, type: "bank" },
        });
        expect(typeof account.balance.current).toBe("number");
      }
      expect(
        new Set(body.results.map((account: { category: string }) => account.category)).size,
      ).toBe(body.count);
      const [first, second] = body.results as { id: string }[];
      const byId = await call("GET", `/api/accounts/?id__in=${first!.id},${second!.id}`);
      expect(byId.body.results).toEqual([first, second]);
      expect((await call("GET", `/api/accounts/${first!.id}/`)).body).toEqual(first);
    }
  });
});

describe("links and accounts: stable, and balances", () => {
  it("gives the same accounts for the same link id on every run", async () => {
    const example = "683005d6-f45c-4adb-b289-f1a12f50f80c";
    const once = await call("GET", `/api/accounts/?link=${example}`);
    await sandbox.close();
    sandbox = await startSandbox();
    const again = await call("GET", `/api/accounts/?link=${example}`);
    expect(
      again.body.results.map(
        ({ collected_at: _c, created_at: _d, ...rest }: Record<string, unknown>) => rest,
      ),
    ).toEqual(
      once.body.results.map(
        ({ collected_at: _c, created_at: _d, ...rest }: Record<string, unknown>) => rest,
      ),
    );
  });

  it("retrieves balances for a no-MFA link: 201 and stored with save_data, 200 without", async () => {
    const link = await register("gringotts_mx_retail");
    const accounts = await call("GET", `/api/accounts/?link=${link.id}`);
    const saved = await call("POST", "/api/balances/", {
      link: link.id,
      date_from: "2026-01-01",
      date_to: "2026-01-03",
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toHaveLength(accounts.body.count * 3);
    expect(saved.body[0]).toEqual({
      id: expect.any(String) as unknown,
      account: accounts.body.results[0],
      value_date: "2026-01-01",
      balance: expect.any(Number) as unknown,
      current_balance: expect.any(Number) as unknown,
      statement: null,
      collected_at: expect.any(String) as unknown,
    });
    expect((await call("GET", `/api/balances/?link=${link.id}&page_size=100`)).body.count).toBe(
      saved.body.length,
    );
    const unsaved = await call("POST", "/api/balances/", {
      link: link.id,
      date_from: "2026-01-01",
      date_to: "2026-01-01",
      account: accounts.body.results[1].id,
      save_data: false,
    });
    expect(unsaved.status).toBe(200);
    expect(unsaved.body).toHaveLength(1);
    expect(unsaved.body[0].account.id).toBe(accounts.body.results[1].id);
  });
});

describe("errors on accounts, transactions and owners", () => {
  /** Belvo's field error of one entry. */
  const fieldRefusal = (field: string, code: string, message: string) => [
    { field, code, message, request_id: REQUEST_ID },
  ];

  it.each([
    ["/api/accounts/", {}],
    ["/api/transactions/", { date_from: "2026-01-01", date_to: "2026-01-02" }],
    ["/api/owners/", {}],
  ])(
    "POST %s on a link whose MFA was never finished answers 400 unconfirmed_link",
    async (path, extra) => {
      const { status, body } = await call("POST", "/api/links/", {
        institution: "heimdall_mx_retail",
        username: "mfa_default",
        password: "pass_valid",
      });
      expect(status).toBe(428);
      const link = (body as { link: string }[])[0]!.link;
      expect(await call("POST", path, { link, ...extra })).toEqual({
        status: 400,
        body: refusal(
          "unconfirmed_link",
          "The link's creation was not finished: finish its MFA or register it again.",
        ),
      });
    },
  );

  it("POST /api/transactions/ with date_to before date_from answers 400 naming date_to", async () => {
    const link = await register("erebor_mx_retail");
    const answer = await call("POST", "/api/transactions/", {
      link: link.id,
      date_from: "2026-01-10",
      date_to: "2026-01-01",
    });
    expect(answer).toEqual({
      status: 400,
      body: fieldRefusal("date_to", "invalid", "date_to must be on or after date_from."),
    });
  });

  it("GET /api/transactions/ without link answers 400 required", async () => {
    expect(await call("GET", "/api/transactions/")).toEqual({
      status: 400,
      body: fieldRefusal("link", "required", "This field is required."),
    });
  });

  it("an unknown account or link answers 400 does_not_exist naming it", async () => {
    const link = await register("erebor_mx_retail");
    const unknown = "00000000-0000-4000-8000-000000000000";
    const range = { date_from: "2026-01-01", date_to: "2026-01-02" };
    expect(
      await call("POST", "/api/transactions/", { link: link.id, account: unknown, ...range }),
    ).toEqual({
      status: 400,
      body: fieldRefusal(
        "account",
        "does_not_exist",
        `Invalid pk "${unknown}" - object does not exist.`,
      ),
    });
    expect(await call("POST", "/api/accounts/", { link: unknown })).toEqual({
      status: 400,
      body: fieldRefusal(
        "link",
        "does_not_exist",
        `Invalid pk "${unknown}" - object does not exist.`,
      ),
    });
  });
});

describe("bounds", () => {
  it("keeps at most maxSessions sessions, evicting the oldest first and never the docs' example", async () => {
    await sandbox.close();
    sandbox = await startSandbox(0, "127.0.0.1", { maxSessions: 7 });
    const challenges: { session: string; link: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const { body } = await call("POST", "/api/links/", {
        institution: "heimdall_mx_retail",
        username: "mfa_default",
        password: "pass_valid",
      });
      challenges.push(body[0] as { session: string; link: string });
    }
    // Five slots hold the permanent example sessions (one per resource); two hold the newest.
    expect(sandbox.state.sessionCount).toBe(7);
    const evicted = await call("PATCH", "/api/links/", { ...challenges[0], token: "111111" });
    expect(evicted.body[0].code).toBe("session_expired");
    const kept = await call("PATCH", "/api/links/", { ...challenges[3], token: "111111" });
    expect(kept).toMatchObject({ status: 200, body: { id: challenges[3]!.link, status: "valid" } });
    const example = await call("PATCH", "/api/links/", {
      session: "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c",
      link: "683005d6-f45c-4adb-b289-f1a12f50f80c",
      token: "1234ab",
    });
    expect(example.status).toBe(200);
  });

  it("keeps at most maxLinks links, with their accounts", async () => {
    await sandbox.close();
    sandbox = await startSandbox(0, "127.0.0.1", { maxLinks: 2 });
    const first = await call("POST", "/api/links/", {
      institution: "erebor_mx_retail",
      username: "user_valid",
      password: "pass_valid",
    });
    await call("POST", "/api/links/", {
      institution: "erebor_mx_retail",
      username: "user_valid",
      password: "pass_valid",
    });
    expect(sandbox.state.linkCount).toBe(2);
    expect((await call("GET", `/api/links/${first.body.id}/`)).status).toBe(404);
    expect((await call("GET", `/api/accounts/?link=${first.body.id}`)).body.count).toBe(0);
  });
});

describe("challenges say which code passes", () => {
  it.each([
    [
      "mfa_default",
      "pass_valid",
      "Enter the 6-digit code shown in your bank's app or token device. Emulator: 111111 passes, 999999 (or any other code) is refused.",
    ],
    [
      "mfa_numeric",
      "numeric_code",
      "Type this challenge code into your token device, then enter the code it shows. Emulator: 111111 passes, 999999 (or any other code) is refused.",
    ],
    [
      "mfa_qr",
      "qr_code",
      "Scan the QR code with your bank's app and approve the request there. Emulator: approve without a code.",
    ],
  ])(
    "%s's challenge instructions end with the emulator's hint",
    async (username, password, said) => {
      const { status, body } = await call("POST", "/api/links/", {
        institution: "heimdall_mx_retail",
        username,
        password,
      });
      expect(status).toBe(428);
      const challenge = (body as { token_generation_data: { instructions: string } }[])[0]!;
      expect(challenge.token_generation_data.instructions).toBe(said);
    },
  );
});
