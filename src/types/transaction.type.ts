import { Account } from "./account.type.js";
import {
  choice,
  date,
  dateTime,
  decimal,
  enumType,
  given,
  id,
  listType,
  readAndStored,
  objectType,
  one,
  text,
} from "./fields.js";

export const TransactionType = enumType(
  "TransactionType",
  ["INFLOW", "OUTFLOW"],
  "Money in or out; null when the institution does not say.",
);
export type TransactionType = keyof typeof TransactionType;

export const TransactionStatus = enumType("TransactionStatus", [
  "PENDING",
  "PROCESSED",
  "UNCATEGORIZED",
]);
export type TransactionStatus = keyof typeof TransactionStatus;

export const TransactionMerchant = objectType(
  "TransactionMerchant",
  "Who was paid (Belvo's categorization product only).",
  { merchantName: text(), logo: text(), website: text() },
);

export const TransactionCreditCardData = objectType(
  "TransactionCreditCardData",
  "The credit card bill a transaction belongs to.",
  {
    billName: text("As the institution names it."),
    billStatus: text("PAID, CLOSED, OPEN or FUTURE."),
    billAmount: decimal(),
    previousBillTotal: text(
      "As Belvo sent it: a string in Belvo's spec (e.g. `9614.30`), not always a decimal.",
    ),
    collectedAt: dateTime(),
  },
);

// Nullable as Belvo's API reference marks them.
export const Transaction = objectType("Transaction", "One movement of money on an account.", {
  id: id(),
  /** Null when Belvo says so; an error (served at this path) when it could not be read. */
  account: given<Account | null | Error>(() => Account, { nullable: true }),
  valueDate: date("When it happened."),
  accountingDate: dateTime("When the institution booked it."),
  amount: decimal("Always positive: see `type`."),
  balance: decimal("The balance after it."),
  currency: text(),
  type: choice(TransactionType),
  description: text(),
  status: choice(TransactionStatus),
  observations: text(),
  category: text("e.g. `Food & Groceries`."),
  reference: text(),
  merchant: one(TransactionMerchant),
  internalIdentification: text(),
  creditCardData: one(TransactionCreditCardData),
  subcategory: text(),
  ...readAndStored(),
});
export type Transaction = InstanceType<typeof Transaction>;

export const TransactionList = listType("TransactionList", Transaction, "transactions");
export type TransactionList = InstanceType<typeof TransactionList>;
