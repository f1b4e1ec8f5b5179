import { Field, ID, InputType } from "type-graphql";
import { saveDataOptions } from "./retrieve.input.js";

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
export function resumeDataInput(what: string) {
  // Named per resource; not in the schema (type-graphql emits only the types resolvers use).
  @InputType(`ResumeDataInputBase_${what}`)
  abstract class ResumeDataInput extends ResumeLinkInput {
    @Field(() => Boolean, saveDataOptions(what))
    saveData?: boolean | null;
  }
  return ResumeDataInput;
}
