/** Belvo's accounts, balances, transactions and owners as the schema's objects. */
import { Account, AccountList } from "../types/account.type.js";
import { Balance, BalanceList } from "../types/balance.type.js";
import type { Fields, ObjectTypeClass } from "../types/fields.js";
import { Owner, OwnerList } from "../types/owner.type.js";
import { Transaction, TransactionList } from "../types/transaction.type.js";
import { isObject, requiredObject, type Json } from "./json.js";
import { itemsOf, present, presentDecimal, readFields, readable, type Unreadable } from "./read.js";

/** Keys whose numbers are amounts (an account's, embedded or not): exact strings (see parseJson). */
export const ACCOUNT_DECIMAL_KEYS = [
  "balance",
  "current_balance",
  "current",
  "available",
  "anticipated",
  "credit_limit",
  "minimum_payment",
  "no_interest_payment",
  "interest_rate",
  "contract_amount",
  "principal",
  "outstanding_principal",
  "outstanding_balance",
  "monthly_payment",
  "value",
  "percentage",
] as const;
export const BALANCE_DECIMAL_KEYS = ACCOUNT_DECIMAL_KEYS;
export const TRANSACTION_DECIMAL_KEYS = [
  ...ACCOUNT_DECIMAL_KEYS,
  "amount",
  "bill_amount",
  // A string in Belvo's spec; quoted here so that one sent as a number keeps its digits.
  "previous_bill_total",
] as const;

/** An account, full (from /api/accounts/) or as embedded in another answer. */
export function toAccount(body: Json | undefined, status = 200): Account {
  const object = requiredObject(body, "an account");
  const balance = isObject(object.balance) ? object.balance : undefined;
  const institution = isObject(object.institution) ? object.institution : undefined;
  const given = {
    currentBalance: presentDecimal(balance, "current"),
    availableBalance: presentDecimal(balance, "available"),
    institutionName: present(institution, "name"),
    linkId: present(object, "link"),
  };
  return readFields(Account, object, given, { partial: true, status });
}

/** An embedded account: null when Belvo says null (the spec allows it), Unreadable when garbled. */
function embeddedAccount(body: Json | undefined, status: number): Account | null | Unreadable {
  return body === null || body === undefined
    ? null
    : readable(() => toAccount(body, status), status);
}

export function toBalance(body: Json, status: number): Balance {
  const object = requiredObject(body, "a balance");
  const given = { account: embeddedAccount(object.account, status) };
  return readFields(Balance, object, given, { status });
}

export function toTransaction(body: Json, status = 200): Transaction {
  const object = requiredObject(body, "a transaction");
  const given = { account: embeddedAccount(object.account, status) };
  return readFields(Transaction, object, given, { status });
}

/** `linkId` is served as `Owner.link` (OwnerLinkResolver). */
export function toOwner(body: Json, status = 200): Owner & { linkId: string | null | undefined } {
  const object = requiredObject(body, "an owner");
  return readFields(Owner, object, { linkId: present(object, "link") }, { status });
}

/**
 * The items of a data resource's POST/PATCH answer: Belvo's spec says a bare array, but its own
 * examples (POST /api/balances/) show the paginated envelope `{count, next, previous, results}`;
 * both are read, so a list Belvo may have saved is never lost to its shape.
 */
function itemsIn(body: Json): Json {
  return isObject(body) && Array.isArray(body.results) ? body.results : body;
}

/** A list answer: its items read one by one; `saved` when Belvo answered 201 (it stored them). */
function toList<T, L extends object>(
  type: ObjectTypeClass<Fields, L>,
  key: string,
  toItem: (item: Json, status: number) => T,
) {
  return (body: Json, status: number): L =>
    Object.assign(new type(), {
      [key]: itemsOf(itemsIn(body), key, status, toItem),
      saved: status === 201,
    });
}

export const toBalanceList = toList(BalanceList, "balances", toBalance);
export const toAccountList = toList(AccountList, "accounts", toAccount);
export const toTransactionList = toList(TransactionList, "transactions", toTransaction);
export const toOwnerList = toList(OwnerList, "owners", toOwner);
