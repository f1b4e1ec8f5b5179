import { Field, ID, InputType } from "type-graphql";
import { DateScalar } from "./scalars.js";

@InputType({ description: "Starts a balance retrieval for a link." })
export class RetrieveBalancesInput {
  @Field(() => ID)
  link!: string;

  @Field(() => DateScalar)
  dateFrom!: string;

  @Field(() => DateScalar, { nullable: true, description: "Defaults to today (UTC)." })
  dateTo?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this account's balances." })
  account?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the balances (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}
