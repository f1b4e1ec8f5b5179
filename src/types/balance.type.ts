import { Field, ID, ObjectType } from "type-graphql";
import { Account } from "./account.type.js";
import { DateScalar, DateTimeScalar, DecimalScalar } from "./scalars.js";

@ObjectType({ description: "The balance of one account on one date." })
export class Balance {
  @Field(() => ID)
  id!: string;

  /** Null when Belvo says so; an error (served at this path) when it could not be read. */
  @Field(() => Account, { nullable: true })
  account!: Account | null | Error;

  @Field(() => DateScalar, { nullable: true })
  valueDate!: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  balance!: string | null;

  @Field(() => DecimalScalar, { nullable: true, deprecationReason: "Deprecated upstream." })
  currentBalance!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, deprecationReason: "Deprecated upstream." })
  collectedAt!: string | null;

  @Field(() => String, { nullable: true, deprecationReason: "Deprecated upstream." })
  statement!: string | null;
}

@ObjectType({ description: "The balances Belvo retrieved." })
export class BalanceList {
  /** A balance that cannot be read is an error at its path; the rest is served. */
  @Field(() => [Balance], { nullable: "items" })
  balances!: (Balance | Error)[];

  @Field(() => Boolean, { description: "True when Belvo stored the balances (it answered 201)." })
  saved!: boolean;
}
