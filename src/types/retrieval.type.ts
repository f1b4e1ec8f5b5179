/**
 * A data resource's two MFA steps in the schema, named and described from the resource:
 * `Retrieve${name}Input`, `Resume${name}Input` and their `…Result` unions (success or challenge).
 */
import { Field, InputType, type ClassType } from "type-graphql";
import { AccountList } from "./account.type.js";
import { BalanceList } from "./balance.type.js";
import { OwnerList } from "./owner.type.js";
import { RetrievalAccepted } from "./retrieval-accepted.type.js";
import { orChallenge } from "./results.type.js";
import { resumeDataInput } from "./resume.input.js";
import { retrieveDatedInput, retrieveInput } from "./retrieve.input.js";
import { TransactionList } from "./transaction.type.js";

export interface RetrievalTypes<I extends object> {
  /** e.g. `Balances`, as in `retrieveBalances`. */
  name: string;
  /** e.g. `a balance retrieval`. */
  what: string;
  RetrieveInput: ClassType<I>;
  ResumeInput: ClassType<InstanceType<ReturnType<typeof resumeDataInput>>>;
  retrieved: object;
  resumed: object;
}

/** The transactions' retrieve input also takes `async` (Belvo's `X-Belvo-Request-Mode: async`). */
@InputType("RetrieveAsyncTransactionsInputBase")
abstract class RetrieveTransactionsBase extends retrieveDatedInput("transactions") {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Sends `X-Belvo-Request-Mode: async`: Belvo answers at once with RetrievalAccepted, and the data's arrival is a `linkEvents` event with the same `requestId`. Null means false.",
  })
  async?: boolean | null;
}

/** `I`: what the retrieve input holds (dated or standard, as `dated` says). */
function steps<I extends object>(
  list: new () => object,
  name: string,
  what: string,
  dated: boolean,
  asyncMode = false,
): RetrievalTypes<I> {
  const plural = name.toLowerCase();
  const Base = asyncMode
    ? RetrieveTransactionsBase
    : dated
      ? retrieveDatedInput(plural)
      : retrieveInput(plural);
  @InputType(`Retrieve${name}Input`, { description: `Starts ${what} for a link.` })
  class RetrieveInput extends Base {}
  @InputType(`Resume${name}Input`, { description: `Answers an MFA challenge for ${what}.` })
  class ResumeInput extends resumeDataInput(plural) {}
  return {
    name,
    what,
    RetrieveInput: RetrieveInput as unknown as ClassType<I>,
    ResumeInput,
    retrieved: orChallenge(
      list,
      `Retrieve${name}Result`,
      `The ${plural}`,
      false,
      asyncMode
        ? { type: RetrievalAccepted, also: "RetrievalAccepted for an asynchronous retrieval" }
        : undefined,
    ),
    resumed: orChallenge(list, `Resume${name}Result`, `The ${plural}`, true),
  };
}

type Standard = InstanceType<ReturnType<typeof retrieveInput>>;
type Dated = InstanceType<ReturnType<typeof retrieveDatedInput>>;

export const ACCOUNT_STEPS = steps<Standard>(
  AccountList,
  "Accounts",
  "an accounts retrieval",
  false,
);
export const OWNER_STEPS = steps<Standard>(OwnerList, "Owners", "an owners retrieval", false);
export const BALANCE_STEPS = steps<Dated>(BalanceList, "Balances", "a balance retrieval", true);
export const TRANSACTION_STEPS = steps<Dated & { async?: boolean | null }>(
  TransactionList,
  "Transactions",
  "a transactions retrieval",
  true,
  true,
);
