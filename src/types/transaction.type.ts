import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Account } from "./account.type.js";
import { DateScalar, DateTimeScalar, DecimalScalar } from "./scalars.js";

export const TransactionType = { INFLOW: "INFLOW", OUTFLOW: "OUTFLOW" } as const;
export type TransactionType = (typeof TransactionType)[keyof typeof TransactionType];
registerEnumType(TransactionType, {
  name: "TransactionType",
  description: "Money in or out; null when the institution does not say.",
});

export const TransactionStatus = {
  PENDING: "PENDING",
  PROCESSED: "PROCESSED",
  UNCATEGORIZED: "UNCATEGORIZED",
} as const;
export type TransactionStatus = (typeof TransactionStatus)[keyof typeof TransactionStatus];
registerEnumType(TransactionStatus, { name: "TransactionStatus" });

@ObjectType({ description: "Who was paid (Belvo's categorization product only)." })
export class TransactionMerchant {
  @Field(() => String, { nullable: true })
  merchantName!: string | null;

  @Field(() => String, { nullable: true })
  logo!: string | null;

  @Field(() => String, { nullable: true })
  website!: string | null;
}

@ObjectType({ description: "The credit card bill a transaction belongs to." })
export class TransactionCreditCardData {
  @Field(() => String, { nullable: true, description: "As the institution names it." })
  billName!: string | null;

  @Field(() => String, { nullable: true, description: "PAID, CLOSED, OPEN or FUTURE." })
  billStatus!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  billAmount!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "As Belvo sent it: a string in Belvo's spec (e.g. `9614.30`), not always a decimal.",
  })
  previousBillTotal!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;
}

// Nullable as Belvo's API reference marks them.
@ObjectType({ description: "One movement of money on an account." })
export class Transaction {
  @Field(() => ID)
  id!: string;

  /** Null when Belvo says so; an error (served at this path) when it could not be read. */
  @Field(() => Account, { nullable: true })
  account!: Account | null | Error;

  @Field(() => DateScalar, { nullable: true, description: "When it happened." })
  valueDate!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the institution booked it." })
  accountingDate!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Always positive: see `type`." })
  amount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The balance after it." })
  balance!: string | null;

  @Field(() => String, { nullable: true })
  currency!: string | null;

  @Field(() => TransactionType, { nullable: true })
  type!: TransactionType | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => TransactionStatus, { nullable: true })
  status!: TransactionStatus | null;

  @Field(() => String, { nullable: true })
  observations!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. `Food & Groceries`." })
  category!: string | null;

  @Field(() => String, { nullable: true })
  reference!: string | null;

  @Field(() => TransactionMerchant, { nullable: true })
  merchant!: TransactionMerchant | null;

  @Field(() => String, { nullable: true })
  internalIdentification!: string | null;

  @Field(() => TransactionCreditCardData, { nullable: true })
  creditCardData!: TransactionCreditCardData | null;

  @Field(() => String, { nullable: true })
  subcategory!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: string | null;
}

@ObjectType({ description: "The transactions Belvo retrieved." })
export class TransactionList {
  /** A transaction that cannot be read is an error at its path; the rest is served. */
  @Field(() => [Transaction], { nullable: "items" })
  transactions!: (Transaction | Error)[];

  @Field(() => Boolean, { description: "True when Belvo stored them (it answered 201)." })
  saved!: boolean;
}
