import { Account } from "./account.type.js";
import { date, dateTime, decimal, given, id, listType, objectType, text } from "./fields.js";

const UPSTREAM = { nullable: true, deprecationReason: "Deprecated upstream." };

export const Balance = objectType("Balance", "The balance of one account on one date.", {
  id: id(),
  /** Null when Belvo says so; an error (served at this path) when it could not be read. */
  account: given<Account | null | Error>(() => Account, { nullable: true }),
  valueDate: date(),
  balance: decimal(),
  currentBalance: decimal(UPSTREAM),
  collectedAt: dateTime(UPSTREAM),
  statement: text(UPSTREAM),
});
export type Balance = InstanceType<typeof Balance>;

export const BalanceList = listType(
  "BalanceList",
  Balance,
  "balances",
  "True when Belvo stored the balances (it answered 201).",
);
export type BalanceList = InstanceType<typeof BalanceList>;
