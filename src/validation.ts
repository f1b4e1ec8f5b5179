import { InputError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
/** Printable ASCII and Unicode, no whitespace or control characters. */
const TOKEN = /^[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]{1,64}$/u;

interface ResumeFields {
  session: string;
  link: string;
  token?: string | null;
}

/**
 * Checks a resume input before anything is sent upstream. Messages name the field and never
 * repeat the value (a token is a secret, and the others may be pasted by mistake in its place).
 */
export function checkResumeInput(input: ResumeFields): void {
  if (!HEX32.test(input.session) && !UUID.test(input.session)) {
    throw new InputError(
      "input.session",
      "expected 32 hex digits or a UUID, as the challenge gave it.",
    );
  }
  checkUuid("input.link", input.link);
  if (input.token != null && !TOKEN.test(input.token)) {
    throw new InputError(
      "input.token",
      "expected 1 to 64 printable characters without whitespace; omit it when the challenge expects no user input.",
    );
  }
}

export function checkUuid(field: string, value: string): void {
  if (!UUID.test(value)) throw new InputError(field, "expected a UUID.");
}
