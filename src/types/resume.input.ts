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

@InputType({ description: "Answers an MFA challenge for a balance retrieval." })
export class ResumeBalancesInput extends ResumeLinkInput {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: "Whether Belvo stores the balances (sent as `save_data`); null means true.",
  })
  saveData?: boolean | null;
}
