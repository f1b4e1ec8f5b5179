import { ID, Int } from "type-graphql";
import { dateTime, given, objectType, one, required, text } from "./fields.js";

export const TokenGenerationData = objectType(
  "TokenGenerationData",
  "What to show the user so they can produce the second factor.",
  {
    instructions: text(),
    type: text("e.g. `numeric`, `qr`."),
    value: text("A challenge code or QR payload to show."),
    expectsUserInput: required(
      given<boolean>(
        () => Boolean,
        "False when the user confirms elsewhere: resume without a token.",
      ),
    ),
  },
);

export type TokenGenerationData = InstanceType<typeof TokenGenerationData>;

export const MfaChallenge = objectType(
  "MfaChallenge",
  "The institution asks for a second factor: resume with a token.",
  {
    code: required(text('"token_required".')),
    message: text(),
    requestId: text("Belvo's request id, for its support."),
    session: required(text("Send back as `input.session`.")),
    link: required(given<string>(() => ID, "Send back as `input.link`.")),
    expiry: given<number | null>(() => Int, "Seconds the session stays open."),
    expiresAt: dateTime("When the session closes."),
    tokenGenerationData: one(TokenGenerationData),
  },
);
export type MfaChallenge = InstanceType<typeof MfaChallenge>;
