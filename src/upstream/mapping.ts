/** The one place that turns Belvo's snake_case bodies into the schema's objects. */
import { Account } from "../types/account.type.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import { AccessMode, LinkStatus } from "../types/enums.js";
import { Institution } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { MfaChallenge, TokenGenerationData } from "../types/mfa-challenge.type.js";
import { ISO_DATE, ISO_DATE_TIME } from "../types/scalars.js";
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

const DATE_TIME_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_TIME_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
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
  if (raw === null || ISO_DATE_TIME.test(raw)) return raw;
  if (ISO_DATE_TIME.test(`${raw}Z`)) return `${raw}Z`;
  throw new UnexpectedBody(`"${key}" is not a date-time`);
}

/** A date, or the date part of a date-time. */
function date(object: JsonObject, key: string): string | null {
  const raw = optionalString(object, key);
  if (raw === null) return null;
  const day = raw.slice(0, 10);
  if (!ISO_DATE.test(day) || (raw.length > 10 && raw[10] !== "T")) {
    throw new UnexpectedBody(`"${key}" is not a date`);
  }
  return day;
}

/** An exact decimal string; exponent notation is expanded digit by digit, never through a float. */
export function decimal(object: JsonObject, key: string): string | null {
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

function toAccount(body: Json | undefined): Account {
  const object = requiredObject(body, "a balance's account");
  return Object.assign(new Account(), {
    id: requiredString(object, "id"),
    name: optionalString(object, "name"),
    category: optionalString(object, "category"),
    currency: optionalString(object, "currency"),
    number: optionalString(object, "number"),
    type: optionalString(object, "type"),
  });
}

function toBalance(body: Json): Balance {
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
