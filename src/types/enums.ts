import { enumType } from "./fields.js";

export const AccessMode = enumType(
  "AccessMode",
  ["SINGLE", "RECURRENT"],
  "Whether Belvo keeps the link for recurrent updates or uses it once.",
);
export type AccessMode = keyof typeof AccessMode;

export const LinkStatus = enumType(
  "LinkStatus",
  ["VALID", "INVALID", "UNCONFIRMED", "TOKEN_REQUIRED"],
  "The state of a link.",
);
export type LinkStatus = keyof typeof LinkStatus;
