import { InputError } from "./errors.js";
import type { RegisterLinkRequest, ResumeRequest, DatedRetrieveRequest } from "./upstream/belvo.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
/** Printable characters, no whitespace or control characters. */
const TOKEN = /^[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]{1,64}$/u;
const INSTITUTION = /^[a-z0-9_]{1,100}$/;
const CONTROL = /[\p{Cc}]/u;
const MAX_TEXT = 256;
const MAX_RANGE_DAYS = 365;
const RESOURCE = /^[A-Z][A-Z_]{1,39}$/;
const STALE_IN = /^[1-9]\d{0,3}d$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_BASE64 = 64 * 1024;

// Messages name the field and never repeat the value: a token or a password is a secret, and
// other fields may hold one pasted by mistake.

export function checkUuid(field: string, value: string): void {
  if (!UUID.test(value)) throw new InputError(field, "expected a UUID.");
}

export function checkText(
  field: string,
  value: string | null | undefined,
  required: boolean,
): void {
  if (value == null && !required) return;
  if (value == null || value.length === 0 || value.length > MAX_TEXT || CONTROL.test(value)) {
    throw new InputError(field, `expected 1 to ${MAX_TEXT} characters without control characters.`);
  }
}

export function checkResumeInput(input: ResumeRequest): void {
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

export function checkRegisterLinkInput(input: RegisterLinkRequest): void {
  if (!INSTITUTION.test(input.institution)) {
    throw new InputError(
      "input.institution",
      "expected Belvo's institution code, e.g. erebor_mx_retail.",
    );
  }
  checkText("input.username", input.username, true);
  checkText("input.password", input.password, true);
  checkText("input.username2", input.username2, false);
  checkText("input.username3", input.username3, false);
  checkText("input.password2", input.password2, false);
  checkText("input.usernameType", input.usernameType, false);
  checkText("input.externalId", input.externalId, false);
  checkText("input.credentialsStorage", input.credentialsStorage, false);
  if (input.fetchResources != null) {
    if (input.fetchResources.length > 20 || !input.fetchResources.every((r) => RESOURCE.test(r)))
      throw new InputError(
        "input.fetchResources",
        "expected at most 20 of Belvo's resource names, e.g. ACCOUNTS, OWNERS, TRANSACTIONS.",
      );
  }
  if (input.staleIn != null && !STALE_IN.test(input.staleIn))
    throw new InputError("input.staleIn", "expected a number of days written like 365d.");
  checkBase64("input.certificate", input.certificate);
  checkBase64("input.privateKey", input.privateKey);
  if ((input.certificate == null) !== (input.privateKey == null)) {
    const missing = input.certificate == null ? "input.certificate" : "input.privateKey";
    throw new InputError(missing, "certificate and privateKey go together: give both or neither.");
  }
}

export function checkBase64(field: string, value: string | null | undefined): void {
  if (value != null && !(value.length <= MAX_BASE64 && BASE64.test(value)))
    throw new InputError(field, `expected base64 text of at most ${MAX_BASE64} characters.`);
}

export function checkRetrieveInput(input: { link: string }): void {
  checkUuid("input.link", input.link);
}

/** Dates arrive already checked as YYYY-MM-DD by the Date scalar. */
export function checkDatedRetrieveInput(input: DatedRetrieveRequest): void {
  checkUuid("input.link", input.link);
  if (input.account != null) checkUuid("input.account", input.account);
  const days = (Date.parse(input.dateTo) - Date.parse(input.dateFrom)) / 86_400_000;
  if (days < 0) throw new InputError("input.dateTo", "must be on or after input.dateFrom.");
  if (days > MAX_RANGE_DAYS)
    throw new InputError("input.dateFrom", `the range may span at most ${MAX_RANGE_DAYS} days.`);
}
