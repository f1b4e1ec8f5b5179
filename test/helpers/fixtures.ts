/**
 * The suite's fixtures, each written once: the ids the tests send and expect, and bodies shaped as
 * Belvo sends them, for the recording fake upstream.
 */

/** The link every fixture belongs to. */
export const LINK_ID = "683005d6-f45c-4adb-b289-f1a12f50f80c";
/** An MFA session as Belvo writes it (32 hex digits), and as a UUID (some institutions). */
export const SESSION_HEX = "2c1a9b3e4d5f60718293a4b5c6d7e8f9";
export const SESSION_UUID = "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c";
/** The token the fixture challenge shows (its `value`) and the tests send back. */
export const TOKEN = "483920";
/** Belvo's request id on its answers. */
export const REQUEST_ID = "9a2b3c4d5e6f708192a3b4c5d6e7f809";
/** Sent as `x-request-id` by the tests, so answers can be pinned whole. */
export const TEST_REQUEST_ID = "req-test-0001";

/** A resume's input: the fixture session and link, and a token unless `null`. */
export function resumeInput(token: string | null = TOKEN) {
  return { session: SESSION_HEX, link: LINK_ID, ...(token === null ? {} : { token }) };
}

export const LINK_BODY = {
  id: LINK_ID,
  institution: "erebor_mx_retail",
  access_mode: "recurrent",
  last_accessed_at: "2026-01-15T09:58:11.123456Z",
  created_at: "2026-01-15T09:55:00.000Z",
  external_id: "customer-42",
  institution_user_id: "aGVsbG8=",
  status: "valid",
  created_by: "0b2a4c6e-8f01-4234-9567-89abcdef0123",
  refresh_rate: "7d",
  credentials_storage: "store",
  fetch_resources: ["ACCOUNTS"],
  stale_in: null,
};

export const ACCOUNT_BODY = {
  id: "0d3f5a7c-9e1b-4d2f-8a6c-4e0b2d4f6a8c",
  link: LINK_ID,
  institution: { name: "erebor_mx_retail", type: "bank" },
  category: "CHECKING_ACCOUNT",
  balance_type: "ASSET",
  type: "Cuentas de efectivo",
  name: "Cuenta Perfiles",
  number: "4057068115181",
  currency: "MXN",
  balance: { current: 5874.13, available: 5621.12 },
};

/** As Belvo writes it in JSON text: 12345678901234567.89 cannot survive a float. */
export const BALANCES_TEXT = `[
  {"id": "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f60", "account": ${JSON.stringify(ACCOUNT_BODY)},
   "value_date": "2026-01-14", "balance": 12345678901234567.89, "current_balance": 1.10,
   "statement": null, "collected_at": "2026-01-15T09:58:11Z"},
  {"id": "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f61", "account": ${JSON.stringify(ACCOUNT_BODY)},
   "value_date": "2026-01-15", "balance": -0.5, "current_balance": 2.5e3,
   "statement": "s-1", "collected_at": null}
]`;

export function challengeEntry(overrides: Record<string, unknown> = {}) {
  return {
    code: "token_required",
    message: "A MFA token is required by the institution to login",
    request_id: REQUEST_ID,
    session: SESSION_HEX,
    expiry: 720,
    link: LINK_ID,
    token_generation_data: {
      instructions: "Type this code into your token device",
      type: "numeric",
      value: TOKEN,
      expects_user_input: true,
    },
    ...overrides,
  };
}

export function errorList(code: string, message: string, extra: Record<string, unknown> = {}) {
  return [{ code, message, request_id: REQUEST_ID, ...extra }];
}

/** ACCOUNT_BODY as RESUME_BALANCES selects a balance's account. */
export const ACCOUNT_SELECTED = {
  id: ACCOUNT_BODY.id,
  name: ACCOUNT_BODY.name,
  category: ACCOUNT_BODY.category,
  currency: ACCOUNT_BODY.currency,
  number: ACCOUNT_BODY.number,
  type: ACCOUNT_BODY.type,
};

/** BALANCES_TEXT as RESUME_BALANCES delivers it: every amount exact, as a Decimal string. */
export const BALANCES_DELIVERED = [
  {
    id: "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f60",
    valueDate: "2026-01-14",
    balance: "12345678901234567.89",
    currentBalance: "1.10",
    collectedAt: "2026-01-15T09:58:11Z",
    statement: null,
    account: ACCOUNT_SELECTED,
  },
  {
    id: "b1d7d1a4-4c2d-4d5e-9f3a-1b2c3d4e5f61",
    valueDate: "2026-01-15",
    balance: "-0.5",
    currentBalance: "2500",
    collectedAt: null,
    statement: "s-1",
    account: ACCOUNT_SELECTED,
  },
];

/** LINK_BODY as RESUME_LINK selects it: camelCased, enum-cased. */
export const LINK_SELECTED = {
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
};

/** One page of a Belvo list, all of it: `count`, no next page. */
export function page(results: unknown[]) {
  return { status: 200, body: { count: results.length, next: null, previous: null, results } };
}

/** Belvo's answer with the fixture link. */
export const LINK_REPLY = { status: 200, body: LINK_BODY };

/** An institution as Belvo lists it. */
export function institutionBody(name: string, displayName = `Display ${name}`) {
  return {
    id: 1,
    name,
    type: "bank",
    display_name: displayName,
    website: null,
    country_codes: ["MX"],
    primary_color: "#000",
    logo: null,
    icon_logo: null,
    status: "healthy",
  };
}
