/** The one place that turns Belvo's snake_case bodies into the schema's objects. */
import { Account, type AccountData } from "../types/account.type.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { AccessMode, LinkStatus } from "../types/enums.js";
import { Institution, type InstitutionDetails } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { MfaChallenge, TokenGenerationData } from "../types/mfa-challenge.type.js";
import { isCalendarDate, isDateTime } from "../types/scalars.js";
import {
  UnexpectedBody,
  isObject,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
  type JsonObject,
} from "./json.js";

/** Keys whose numbers are amounts: parsed as exact strings (see parseJson). */
export const BALANCE_DECIMAL_KEYS = ["balance", "current_balance", "current", "available"] as const;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;
const EXPONENT_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

function enumValue<E extends Record<string, string>>(
  values: E,
  raw: string | null,
): E[keyof E] | null {
  if (raw === null) return null;
  const key = raw.toUpperCase();
  return key in values ? values[key as keyof E] : null;
}

/** Belvo's timestamps carry an offset; one without is taken as UTC, as Belvo's servers run. */
function dateTime(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || isDateTime(raw)) return raw;
  if (isDateTime(`${raw}Z`)) return `${raw}Z`;
  throw new UnexpectedBody(`"${key}" is not a date-time`);
}

/** A date, or the date part of a date-time. */
function date(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (!isCalendarDate(day) || (raw.length > 10 && raw[10] !== "T")) {
    throw new UnexpectedBody(`"${key}" is not a date`);
  }
  return day;
}

/** An exact decimal string; exponent notation is expanded digit by digit, never through a float. */
function decimal(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null || PLAIN_DECIMAL.test(raw)) return raw;
  const match = EXPONENT_DECIMAL.exec(raw);
  if (!match) throw new UnexpectedBody(`"${key}" is not a decimal`);
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits.padEnd(point, "0");
  const at = Math.max(point, 1);
  const intPart = padded.slice(0, at).replace(/^0+(?=\d)/, "");
  const fracPart = padded.slice(at).replace(/0+$/, "");
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ""}`;
}

export function toLink(body: Json): Link {
  const object = requiredObject(body, "the link");
  const status = enumValue(LinkStatus, requiredString(object, "status"));
  if (status === null) throw new UnexpectedBody(`"status" is not a known link status`);
  return Object.assign(new Link(), {
    id: requiredString(object, "id"),
    institution: Object.assign(new Institution(), { name: requiredString(object, "institution") }),
    accessMode: enumValue(AccessMode, optionalString(object, "access_mode")),
    status,
    lastAccessedAt: dateTime(object, "last_accessed_at"),
    createdAt: dateTime(object, "created_at"),
    createdBy: optionalString(object, "created_by"),
    externalId: optionalString(object, "external_id"),
    refreshRate: optionalString(object, "refresh_rate"),
  });
}

/** A string field, or undefined when the key is absent (so that it can be loaded). */
function present(object: JsonObject | undefined, key: string): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : optionalString(object, key);
}

function presentDecimal(object: JsonObject | undefined, key: string): string | null | undefined {
  return object === undefined || !(key in object) ? undefined : decimal(object, key);
}

/** An account, full (from /api/accounts/) or as embedded in another answer. */
export function toAccountData(body: Json | undefined): AccountData {
  const object = requiredObject(body, "an account");
  const balance = isObject(object.balance) ? object.balance : undefined;
  const institution = isObject(object.institution) ? object.institution : undefined;
  return {
    id: requiredString(object, "id"),
    name: present(object, "name"),
    category: present(object, "category"),
    currency: present(object, "currency"),
    number: present(object, "number"),
    type: present(object, "type"),
    balanceType: present(object, "balance_type"),
    currentBalance: presentDecimal(balance, "current"),
    availableBalance: presentDecimal(balance, "available"),
    publicIdentificationName: present(object, "public_identification_name"),
    publicIdentificationValue: present(object, "public_identification_value"),
    institutionName: present(institution, "name"),
    linkId: present(object, "link"),
  };
}

function toAccount(body: Json | undefined): Account {
  const data = toAccountData(body);
  return Object.assign(new Account(), { id: data.id, data });
}

export function toInstitutionDetails(body: Json): InstitutionDetails {
  const object = requiredObject(body, "an institution");
  const codes = object.country_codes;
  return {
    name: requiredString(object, "name"),
    displayName: optionalString(object, "display_name"),
    type: optionalString(object, "type"),
    website: optionalString(object, "website"),
    countryCodes: Array.isArray(codes)
      ? codes.filter((code): code is string => typeof code === "string")
      : [],
    primaryColor: optionalString(object, "primary_color"),
    logo: optionalString(object, "logo"),
    iconLogo: optionalString(object, "icon_logo"),
    status: optionalString(object, "status"),
  };
}

export function toInstitution(details: InstitutionDetails): Institution {
  return Object.assign(new Institution(), { name: details.name, details });
}

export function toBalance(body: Json): Balance {
  const object = requiredObject(body, "a balance");
  return Object.assign(new Balance(), {
    id: requiredString(object, "id"),
    account: toAccount(object.account),
    valueDate: date(object, "value_date"),
    balance: decimal(object, "balance"),
    currentBalance: decimal(object, "current_balance"),
    collectedAt: dateTime(object, "collected_at"),
    statement: optionalString(object, "statement"),
  });
}

export function toBalanceList(body: Json, status: number): BalanceList {
  if (!Array.isArray(body)) throw new UnexpectedBody("the balances are not a list");
  return Object.assign(new BalanceList(), { balances: body.map(toBalance), saved: status === 201 });
}

function expirySeconds(object: JsonObject): number | null {
  const raw = optionalString(object, "expiry");
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

function toTokenGenerationData(body: Json | undefined): TokenGenerationData | null {
  if (body === undefined || body === null) return null;
  const object = requiredObject(body, "token_generation_data");
  const expects = object.expects_user_input;
  return Object.assign(new TokenGenerationData(), {
    instructions: optionalString(object, "instructions"),
    type: optionalString(object, "type"),
    value: optionalString(object, "value"),
    expectsUserInput: typeof expects === "boolean" ? expects : true,
  });
}

/**
 * A 428 body, in any of the shapes Belvo has used: an object, a one-element array of it, or the
 * legacy `{"detail": "Token Required", session, expiry, link}`. Returns null when the 428 is not
 * a token request (e.g. `activation_required`).
 */
export function toChallenge(body: Json, receivedAt: Date): MfaChallenge | null {
  const entry = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (!isObject(entry)) return null;
  const code = optionalString(entry, "code");
  const legacy = code === null && /^token required$/i.test(optionalString(entry, "detail") ?? "");
  if (code !== "token_required" && !legacy) return null;
  const expiry = expirySeconds(entry);
  return Object.assign(new MfaChallenge(), {
    code: "token_required",
    message: optionalString(entry, legacy ? "detail" : "message"),
    requestId: optionalString(entry, "request_id"),
    session: requiredString(entry, "session"),
    link: requiredString(entry, "link"),
    expiry,
    expiresAt:
      expiry === null ? null : new Date(receivedAt.getTime() + expiry * 1000).toISOString(),
    tokenGenerationData: toTokenGenerationData(entry.token_generation_data),
  });
}
