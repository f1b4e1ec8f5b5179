/** Belvo's resources that an MFA step can pause: where each lives and how its answer reads. */
import type { AccountList } from "../types/account.type.js";
import type { BalanceList } from "../types/balance.type.js";
import type { Link } from "../types/link.type.js";
import type { OwnerList } from "../types/owner.type.js";
import type { TransactionList } from "../types/transaction.type.js";
import type { Json } from "./json.js";
import {
  ACCOUNT_DECIMAL_KEYS,
  BALANCE_DECIMAL_KEYS,
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
export const BALANCES: MfaResource<BalanceList> = {
  path: "/api/balances/",
  saveData: true,
  decimalKeys: BALANCE_DECIMAL_KEYS,
  toSuccess: toBalanceList,
};
export const ACCOUNTS: MfaResource<AccountList> = {
  path: "/api/accounts/",
  saveData: true,
  decimalKeys: ACCOUNT_DECIMAL_KEYS,
  toSuccess: toAccountList,
};
export const TRANSACTIONS: MfaResource<TransactionList> = {
  path: "/api/transactions/",
  saveData: true,
  decimalKeys: TRANSACTION_DECIMAL_KEYS,
  toSuccess: toTransactionList,
};
export const OWNERS: MfaResource<OwnerList> = {
  path: "/api/owners/",
  saveData: true,
  decimalKeys: [],
  toSuccess: toOwnerList,
};

/** Belvo's names of each input's fields: a Belvo field error is repeated only for one of these. */
export const RESUME_FIELDS = ["session", "token", "link", "save_data"] as const;
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
