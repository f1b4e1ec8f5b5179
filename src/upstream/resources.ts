/** Belvo's resources that an MFA step can pause: where each lives and how its answer reads. */
import type { Link } from "../types/link.type.js";
import type { Json } from "./json.js";
import {
  ACCOUNT_DECIMAL_KEYS,
  BALANCE_DECIMAL_KEYS,
  OWNER_DECIMAL_KEYS,
  TRANSACTION_DECIMAL_KEYS,
  toAccountList,
  toBalanceList,
  toOwnerList,
  toTransactionList,
} from "./data-mapping.js";
import { toLink } from "./mapping.js";

/** A resource Belvo may pause for MFA: POST starts it, PATCH resumes it, on one path. */
export interface MfaResource<T> {
  path: string;
  /** Whether its resume carries `save_data` (every data resource; links do not). */
  saveData: boolean;
  decimalKeys: readonly string[];
  toSuccess: (body: Json, status: number) => T;
}

export const LINKS: MfaResource<Link> = {
  path: "/api/links/",
  saveData: false,
  decimalKeys: [],
  toSuccess: toLink,
};

/** What a retrieval's POST carries: Belvo's StandardRequest, or a dated one. */
export interface RetrieveRequest {
  link: string;
  saveData?: boolean | null;
}

/** A dated retrieval's request (balances, transactions). */
export interface DatedRetrieveRequest extends RetrieveRequest {
  dateFrom: string;
  dateTo: string;
  account?: string | null;
}

/** A data resource: POST starts a retrieval with its request's body, PATCH resumes it. */
export interface DataResource<T, R extends RetrieveRequest> extends MfaResource<T> {
  body: (request: R) => Record<string, unknown>;
  /** Belvo's names of the POST body's fields. */
  fields: readonly string[];
}

/** Belvo's StandardRequest: `{link, save_data}` (accounts, owners). */
function standard<T>(
  path: string,
  decimalKeys: readonly string[],
  toSuccess: MfaResource<T>["toSuccess"],
): DataResource<T, RetrieveRequest> {
  const body = (request: RetrieveRequest) => ({
    link: request.link,
    save_data: request.saveData ?? true,
  });
  return { path, saveData: true, decimalKeys, toSuccess, body, fields: STANDARD_FIELDS };
}

/** `{link, date_from, date_to, account?, save_data}` (balances, transactions). */
function dated<T>(
  path: string,
  decimalKeys: readonly string[],
  toSuccess: MfaResource<T>["toSuccess"],
): DataResource<T, DatedRetrieveRequest> {
  const body = (request: DatedRetrieveRequest) =>
    withoutEmpty({
      link: request.link,
      date_from: request.dateFrom,
      date_to: request.dateTo,
      account: request.account,
      save_data: request.saveData ?? true,
    });
  return { path, saveData: true, decimalKeys, toSuccess, body, fields: DATED_FIELDS };
}

/** Optional fields are left out rather than sent as null. */
export function withoutEmpty(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) => value !== undefined && value !== null),
  );
}

/** Belvo's names of each input's fields: a Belvo field error is repeated only for one of these. */
export const RESUME_FIELDS = ["session", "token", "link", "save_data"] as const;
/** A link's resume: RESUME_FIELDS without `save_data`. */
export const LINK_RESUME_FIELDS = ["session", "token", "link"] as const;
export const LINK_FIELDS = [
  "institution",
  "username",
  "password",
  "username2",
  "username3",
  "password2",
  "username_type",
  "access_mode",
  "external_id",
  "credentials_storage",
  "fetch_resources",
  "stale_in",
  "certificate",
  "private_key",
] as const;
export const DATED_FIELDS = ["link", "date_from", "date_to", "account", "save_data"] as const;
export const STANDARD_FIELDS = ["link", "save_data"] as const;

export const BALANCES = dated("/api/balances/", BALANCE_DECIMAL_KEYS, toBalanceList);
export const ACCOUNTS = standard("/api/accounts/", ACCOUNT_DECIMAL_KEYS, toAccountList);
export const TRANSACTIONS = dated(
  "/api/transactions/",
  TRANSACTION_DECIMAL_KEYS,
  toTransactionList,
);
export const OWNERS = standard("/api/owners/", OWNER_DECIMAL_KEYS, toOwnerList);
