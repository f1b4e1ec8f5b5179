/**
 * The life of a link after its first login (CONTRACT.md section 7): new credentials, a refresh,
 * another access mode, deletion, and the Connect widget's token. Plain decorated classes.
 */
import { Field, ID, InputType, ObjectType, createUnionType, registerEnumType } from "type-graphql";
import { AccessMode } from "./enums.js";
import { Link } from "./link.type.js";
import { MfaChallenge } from "./mfa-challenge.type.js";
import { DateTimeScalar } from "./scalars.js";

/** What a refresh loads again; sent to Belvo as `fetch_resources`, as written here. */
export enum LinkResource {
  ACCOUNTS = "ACCOUNTS",
  OWNERS = "OWNERS",
  TRANSACTIONS = "TRANSACTIONS",
  BALANCES = "BALANCES",
  INCOMES = "INCOMES",
  RECURRING_EXPENSES = "RECURRING_EXPENSES",
  RISK_INSIGHTS = "RISK_INSIGHTS",
}

registerEnumType(LinkResource, {
  name: "LinkResource",
  description: "A resource Belvo loads for a link in the background.",
});

@InputType("UpdateLinkInput", {
  description:
    "New credentials for a link whose bank no longer accepts the old ones (status INVALID) or asks for a token again (TOKEN_REQUIRED).",
})
export class UpdateLinkInput {
  @Field(() => ID, { description: "The link (a UUID)." })
  link!: string;

  @Field(() => String, { description: "Sent to Belvo only: never logged, echoed or quoted." })
  password!: string;

  @Field(() => String, {
    nullable: true,
    description: "Sent to Belvo only: never logged, echoed or quoted.",
  })
  password2?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "A token the bank gave the user, when it asks for one with the new credentials.",
  })
  token?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The institution's username type code, e.g. `001`.",
  })
  usernameType?: string | null;

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

@InputType("RefreshLinkInput", { description: "Asks Belvo to load a link's data again now." })
export class RefreshLinkInput {
  @Field(() => ID, { description: "The link (a UUID)." })
  link!: string;

  @Field(() => [LinkResource], {
    nullable: true,
    description: "What to load again (Belvo's `fetch_resources`); Belvo's default when left out.",
  })
  resources?: LinkResource[] | null;
}

@InputType("SetLinkAccessModeInput", { description: "Changes whether Belvo keeps a link." })
export class SetLinkAccessModeInput {
  @Field(() => ID, { description: "The link (a UUID)." })
  link!: string;

  @Field(() => AccessMode)
  accessMode!: AccessMode;
}

@InputType("DeleteLinkInput", { description: "Deletes a link and the data Belvo keeps for it." })
export class DeleteLinkInput {
  @Field(() => ID, { description: "The link (a UUID)." })
  link!: string;
}

@InputType("CreateWidgetTokenInput", {
  description: "Mints a token for Belvo's Connect widget with the gateway's own keys.",
})
export class CreateWidgetTokenInput {
  @Field(() => ID, {
    nullable: true,
    description: "A link to reconnect: the widget opens in update mode for it.",
  })
  link?: string | null;

  @Field(() => String, { nullable: true, description: "Your own id for the end user." })
  externalId?: string | null;
}

@ObjectType("RefreshAccepted", {
  description: "Belvo took the refresh (HTTP 202); the data arrives later (a webhook names it).",
})
export class RefreshAccepted {
  @Field(() => ID)
  link!: string;

  @Field(() => String, { description: "Belvo's request id: the events of this refresh carry it." })
  requestId!: string;
}

@ObjectType("DeletedLink", { description: "Belvo deleted the link (HTTP 204)." })
export class DeletedLink {
  @Field(() => ID)
  id!: string;
}

@ObjectType("WidgetToken", {
  description:
    "Hand `access` to Belvo's Connect widget. Valid ten minutes, spent once the user connects.",
})
export class WidgetToken {
  @Field(() => String)
  access!: string;

  @Field(() => String, { nullable: true })
  refresh!: string | null;

  @Field(() => DateTimeScalar, { description: "Ten minutes after the gateway received it." })
  expiresAt!: string;
}

export const UpdateLinkResult = createUnionType({
  name: "UpdateLinkResult",
  description: "The updated link, or a challenge (answer it with resumeLink).",
  types: () => [Link, MfaChallenge] as const,
});

export const RefreshLinkResult = createUnionType({
  name: "RefreshLinkResult",
  description: "The refresh Belvo took, or a challenge when the bank asks for a second factor.",
  types: () => [RefreshAccepted, MfaChallenge] as const,
});
