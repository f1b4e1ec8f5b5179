import { registerEnumType } from "type-graphql";

export enum AccessMode {
  SINGLE = "SINGLE",
  RECURRENT = "RECURRENT",
}

export enum LinkStatus {
  VALID = "VALID",
  INVALID = "INVALID",
  UNCONFIRMED = "UNCONFIRMED",
  TOKEN_REQUIRED = "TOKEN_REQUIRED",
}

registerEnumType(AccessMode, {
  name: "AccessMode",
  description: "Whether Belvo keeps the link for recurrent updates or uses it once.",
});
registerEnumType(LinkStatus, { name: "LinkStatus", description: "The state of a link." });
