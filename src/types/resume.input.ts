import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Answers an MFA challenge for a link being registered." })
export class ResumeLinkInput {
  @Field(() => String, { description: "The challenge's `session`: 32 hex digits or a UUID." })
  session!: string;

  @Field(() => String, {
    nullable: true,
    description: "The code the user produced; omit it when `expectsUserInput` is false.",
  })
  token?: string | null;

  @Field(() => ID, { description: "The challenge's `link` (a UUID)." })
  link!: string;
}

/** Every data resource resumes with the same input: `{session, token?, link, saveData}`. */
function resumeDataInput(what: string) {
  // Named per resource; not in the schema (type-graphql emits only the types resolvers use).
  @InputType(`ResumeDataInputBase_${what}`)
  abstract class ResumeDataInput extends ResumeLinkInput {
    @Field(() => Boolean, {
      nullable: true,
      defaultValue: true,
      description: `Whether Belvo stores the ${what} (sent as \`save_data\`); null means true.`,
    })
    saveData?: boolean | null;
  }
  return ResumeDataInput;
}

@InputType({ description: "Answers an MFA challenge for a balance retrieval." })
export class ResumeBalancesInput extends resumeDataInput("balances") {}

@InputType({ description: "Answers an MFA challenge for an accounts retrieval." })
export class ResumeAccountsInput extends resumeDataInput("accounts") {}

@InputType({ description: "Answers an MFA challenge for a transactions retrieval." })
export class ResumeTransactionsInput extends resumeDataInput("transactions") {}

@InputType({ description: "Answers an MFA challenge for an owners retrieval." })
export class ResumeOwnersInput extends resumeDataInput("owners") {}
