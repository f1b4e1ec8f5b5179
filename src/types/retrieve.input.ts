import { Field, ID, InputType } from "type-graphql";
import { DateScalar } from "./scalars.js";

/** `saveData`, as every data resource's retrieve and resume input carries it. */
export function saveDataOptions(what: string) {
  return {
    nullable: true,
    defaultValue: true,
    description: `Whether Belvo stores the ${what} (sent as \`save_data\`); null means true.`,
  };
}

/** `{link, token?, saveData}`: Belvo's StandardRequest (accounts, owners). */
export function retrieveInput(what: string) {
  // Named per resource; not in the schema (type-graphql emits only the types resolvers use).
  @InputType(`RetrieveInputBase_${what}`)
  abstract class RetrieveInput {
    @Field(() => ID)
    link!: string;

    @Field(() => Boolean, saveDataOptions(what))
    saveData?: boolean | null;
  }
  return RetrieveInput;
}

/** Adds `dateFrom`, `dateTo`, `account` (balances, transactions). */
export function retrieveDatedInput(what: string) {
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
