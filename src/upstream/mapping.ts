/** Belvo's links, institutions and MFA challenges as the schema's objects. */
import { LinkStatus } from "../types/enums.js";
import { Institution, InstitutionDetails } from "../types/institution.type.js";
import { Link } from "../types/link.type.js";
import { MfaChallenge, TokenGenerationData } from "../types/mfa-challenge.type.js";
import {
  UnexpectedBody,
  isObject,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
  type JsonObject,
} from "./json.js";
import { enumValue, readFields } from "./read.js";

export function toLink(body: Json): Link {
  const object = requiredObject(body, "the link");
  const status = enumValue(LinkStatus, requiredString(object, "status"));
  if (status === null) throw new UnexpectedBody(`"status" is not a known link status`);
  const institution = Object.assign(new Institution(), {
    name: requiredString(object, "institution"),
  });
  return readFields(Link, object, { status, institution });
}

export function toInstitutionDetails(body: Json): InstitutionDetails {
  const object = requiredObject(body, "an institution");
  return readFields(InstitutionDetails, object, { name: requiredString(object, "name") });
}

export function toInstitution(details: InstitutionDetails): Institution {
  return Object.assign(new Institution(), { name: details.name, details });
}

function expirySeconds(object: JsonObject): number | null {
  const raw = optionalString(object, "expiry");
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

function toTokenGenerationData(body: Json | undefined): TokenGenerationData | null {
  if (body === undefined || body === null) return null;
  const object = requiredObject(body, "token_generation_data");
  // The OpenAPI file spells it `expects_user_input`, Belvo's MFA guide `expect_user_input`.
  const expects = object.expects_user_input ?? object.expect_user_input;
  return readFields(TokenGenerationData, object, {
    expectsUserInput: typeof expects === "boolean" ? expects : true,
  });
}

/**
 * A 428 body, in any of the shapes Belvo has used: an object, a one-element array of it, or the
 * legacy `{"detail": "Token Required", session, expiry, link}`. Returns null when the 428 is not
 * a token request (e.g. `activation_required`).
 */
export function toChallenge(body: Json, receivedAt: Date): MfaChallenge | null {
  const entry = Array.isArray(body) && body.length === 1 ? body[0] : body;
  if (!isObject(entry)) return null;
  const code = optionalString(entry, "code");
  const legacy = code === null && /^token required$/i.test(optionalString(entry, "detail") ?? "");
  if (code !== "token_required" && !legacy) return null;
  const expiry = expirySeconds(entry);
  return Object.assign(new MfaChallenge(), {
    code: "token_required",
    message: optionalString(entry, legacy ? "detail" : "message"),
    requestId: optionalString(entry, "request_id"),
    session: requiredString(entry, "session"),
    link: requiredString(entry, "link"),
    expiry,
    expiresAt:
      expiry === null ? null : new Date(receivedAt.getTime() + expiry * 1000).toISOString(),
    tokenGenerationData: toTokenGenerationData(entry.token_generation_data),
  });
}
