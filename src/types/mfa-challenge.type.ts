import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "./scalars.js";

@ObjectType({ description: "What to show the user so they can produce the second factor." })
export class TokenGenerationData {
  @Field(() => String, { nullable: true })
  instructions!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. `numeric`, `qr`." })
  type!: string | null;

  @Field(() => String, { nullable: true, description: "A challenge code or QR payload to show." })
  value!: string | null;

  @Field(() => Boolean, {
    description: "False when the user confirms elsewhere: resume without a token.",
  })
  expectsUserInput!: boolean;
}

@ObjectType({ description: "The institution asks for a second factor: resume with a token." })
export class MfaChallenge {
  @Field(() => String, { description: '"token_required".' })
  code!: string;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true, description: "Belvo's request id, for its support." })
  requestId!: string | null;

  @Field(() => String, { description: "Send back as `input.session`." })
  session!: string;

  @Field(() => ID, { description: "Send back as `input.link`." })
  link!: string;

  @Field(() => Int, { nullable: true, description: "Seconds the session stays open." })
  expiry!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the session closes." })
  expiresAt!: string | null;

  @Field(() => TokenGenerationData, { nullable: true })
  tokenGenerationData!: TokenGenerationData | null;
}
