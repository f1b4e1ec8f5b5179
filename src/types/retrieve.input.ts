import { Field, ID, InputType } from "type-graphql";
import { DateScalar } from "./scalars.js";

// Accounts and owners: Belvo's StandardRequest, `{link, save_data}`.

@InputType({ description: "Starts an accounts retrieval for a link." })
export class RetrieveAccountsInput {
  @Field(() => ID)
  link!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the accounts (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}

@InputType({ description: "Starts an owners retrieval for a link." })
export class RetrieveOwnersInput {
  @Field(() => ID)
  link!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the owners (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}

// Balances and transactions: dated, `{link, date_from, date_to, account?, save_data}`.
// Declared in the order a refusal names them (variable-errors.ts): link, saveData, then the rest.

@InputType({ description: "Starts a balance retrieval for a link." })
export class RetrieveBalancesInput {
  @Field(() => ID)
  link!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the balances (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;

  @Field(() => DateScalar)
  dateFrom!: string;

  @Field(() => DateScalar, { nullable: true, description: "Defaults to today (UTC)." })
  dateTo?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this account's balances." })
  account?: string | null;
}

@InputType({ description: "Starts a transactions retrieval for a link." })
export class RetrieveTransactionsInput {
  @Field(() => ID)
  link!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the transactions (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;

  @Field(() => DateScalar)
  dateFrom!: string;

  @Field(() => DateScalar, { nullable: true, description: "Defaults to today (UTC)." })
  dateTo?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this account's transactions." })
  account?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Sends `X-Belvo-Request-Mode: async`: Belvo answers at once with RetrievalAccepted, and the data's arrival is a `linkEvents` event with the same `requestId`. Null means false.",
  })
  async?: boolean | null;
}
