import { Field, ID, InputType } from "type-graphql";
import { DateScalar } from "./scalars.js";

/** `{link, token?, saveData}`: Belvo's StandardRequest (accounts, owners). */
function retrieveInput(what: string) {
  // Named per resource; not in the schema (type-graphql emits only the types resolvers use).
  @InputType(`RetrieveInputBase_${what}`)
  abstract class RetrieveInput {
    @Field(() => ID)
    link!: string;

    @Field(() => Boolean, {
      nullable: true,
      defaultValue: true,
      description: `Whether Belvo stores the ${what} (sent as \`save_data\`); null means true.`,
    })
    saveData?: boolean | null;
  }
  return RetrieveInput;
}

/** Adds `dateFrom`, `dateTo`, `account` (balances, transactions). */
function retrieveDatedInput(what: string) {
  @InputType(`RetrieveDatedInputBase_${what}`)
  abstract class RetrieveDatedInput extends retrieveInput(what) {
    @Field(() => DateScalar)
    dateFrom!: string;

    @Field(() => DateScalar, { nullable: true, description: "Defaults to today (UTC)." })
    dateTo?: string | null;

    @Field(() => ID, { nullable: true, description: `Only this account's ${what}.` })
    account?: string | null;
  }
  return RetrieveDatedInput;
}

@InputType({ description: "Starts a balance retrieval for a link." })
export class RetrieveBalancesInput extends retrieveDatedInput("balances") {}

@InputType({ description: "Starts a transactions retrieval for a link." })
export class RetrieveTransactionsInput extends retrieveDatedInput("transactions") {}

@InputType({ description: "Starts an accounts retrieval for a link." })
export class RetrieveAccountsInput extends retrieveInput("accounts") {}

@InputType({ description: "Starts an owners retrieval for a link." })
export class RetrieveOwnersInput extends retrieveInput("owners") {}
