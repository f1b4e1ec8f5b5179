import { registerEnumType } from "type-graphql";

/** Each value is its own name, e.g. `{ VALID: "VALID" }`: what the schema shows and what Belvo sends, upper-cased. */
export const AccessMode = { SINGLE: "SINGLE", RECURRENT: "RECURRENT" } as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];
registerEnumType(AccessMode, {
  name: "AccessMode",
  description: "Whether Belvo keeps the link for recurrent updates or uses it once.",
});

export const LinkStatus = {
  VALID: "VALID",
  INVALID: "INVALID",
  UNCONFIRMED: "UNCONFIRMED",
  TOKEN_REQUIRED: "TOKEN_REQUIRED",
} as const;
export type LinkStatus = (typeof LinkStatus)[keyof typeof LinkStatus];
registerEnumType(LinkStatus, { name: "LinkStatus", description: "The state of a link." });
