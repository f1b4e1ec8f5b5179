import { Field, InputType } from "type-graphql";
import { AccessMode } from "./enums.js";

@InputType({
  description: "Starts a link: the end user's bank credentials go to Belvo and nowhere else.",
})
export class RegisterLinkInput {
  @Field(() => String, { description: "Belvo's institution code, e.g. `heimdall_mx_retail`." })
  institution!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String, { description: "Sent to Belvo only: never logged, echoed or quoted." })
  password!: string;

  @Field(() => String, { nullable: true })
  username2?: string | null;

  @Field(() => String, { nullable: true })
  username3?: string | null;

  @Field(() => String, { nullable: true })
  password2?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The institution's username type code, e.g. `001`.",
  })
  usernameType?: string | null;

  @Field(() => AccessMode, { nullable: true, description: "Belvo's default is RECURRENT." })
  accessMode?: AccessMode | null;

  @Field(() => String, { nullable: true, description: "Your own id for the end user." })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: "e.g. `store`, `nostore`, `30d`." })
  credentialsStorage?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Resources Belvo loads in the background once linked, e.g. [ACCOUNTS, OWNERS, TRANSACTIONS].",
  })
  fetchResources?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: "How long Belvo keeps the data, in days, e.g. `365d`.",
  })
  staleIn?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Base64; institutions that log in with a certificate. Give privateKey with it.",
  })
  certificate?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Base64; sent to Belvo only: never logged, echoed or quoted.",
  })
  privateKey?: string | null;
}
