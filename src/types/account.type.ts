import { Field, ID, ObjectType } from "type-graphql";
import type { CreditData, FundsData, LoanData, ReceivablesData } from "./account-details.type.js";

/** An account as Belvo describes it; a key left undefined was absent from the answer. */
export interface AccountData {
  id: string;
  name?: string | null;
  category?: string | null;
  currency?: string | null;
  number?: string | null;
  type?: string | null;
  balanceType?: string | null;
  currentBalance?: string | null;
  availableBalance?: string | null;
  publicIdentificationName?: string | null;
  publicIdentificationValue?: string | null;
  institutionName?: string | null;
  linkId?: string | null;
  collectedAt?: string | null;
  createdAt?: string | null;
  lastAccessedAt?: string | null;
  creditData?: CreditData | null;
  loanData?: LoanData | null;
  fundsData?: FundsData[] | null;
  receivablesData?: ReceivablesData | null;
}

/** Every field but `id` is resolved by AccountResolver: from `data`, or loaded when absent. */
@ObjectType({ description: "A bank account, card or other product held at an institution." })
export class Account {
  @Field(() => ID)
  id!: string;

  data!: AccountData;
}

@ObjectType({ description: "The accounts Belvo retrieved." })
export class AccountList {
  /** An item Belvo sent that the gateway could not read is an error at its path. */
  @Field(() => [Account], { nullable: "items" })
  accounts!: (Account | Error)[];

  @Field(() => Boolean, { description: "True when Belvo stored them (it answered 201)." })
  saved!: boolean;
}
