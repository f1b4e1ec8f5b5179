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

// A data resource resumes with the link's fields and its own `saveData` (sent as `save_data`).

@InputType({ description: "Answers an MFA challenge for an accounts retrieval." })
export class ResumeAccountsInput extends ResumeLinkInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the accounts (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}

@InputType({ description: "Answers an MFA challenge for an owners retrieval." })
export class ResumeOwnersInput extends ResumeLinkInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the owners (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}

@InputType({ description: "Answers an MFA challenge for a balance retrieval." })
export class ResumeBalancesInput extends ResumeLinkInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the balances (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}

@InputType({ description: "Answers an MFA challenge for a transactions retrieval." })
export class ResumeTransactionsInput extends ResumeLinkInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the transactions (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}
