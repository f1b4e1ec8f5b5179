/** Belvo's links, institutions and MFA challenges as the schema's objects. */
import { AccessMode, LinkStatus } from "../types/enums.js";
import {
  FormField,
  FormFieldValue,
  Institution,
  InstitutionFeature,
} from "../types/institution.type.js";
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
import {
  choice,
  dateTime,
  enumValue,
  id,
  many,
  manyOrEmpty,
  readObject,
  reader,
  requiredText,
  stringList,
  strings,
  text,
  type Readers,
} from "./read.js";

function linkStatus(object: JsonObject): LinkStatus {
  const status = enumValue(LinkStatus, requiredString(object, "status"));
  if (status === null) throw new UnexpectedBody(`"status" is not a known link status`);
  return status;
}

/** A link names its institution only: InstitutionResolver loads the rest when asked. */
const LINK_READERS = {
  status: reader("status", linkStatus),
  institution: reader("institution", (object) =>
    Object.assign(new Institution(), { name: requiredString(object, "institution") }),
  ),
  id: id(),
  accessMode: choice("access_mode", AccessMode),
  lastAccessedAt: dateTime("last_accessed_at"),
  createdAt: dateTime("created_at"),
  createdBy: text("created_by"),
  externalId: text("external_id"),
  refreshRate: text("refresh_rate"),
  institutionUserId: text("institution_user_id"),
  credentialsStorage: text("credentials_storage"),
  fetchResources: strings("fetch_resources"),
  staleIn: text("stale_in"),
} satisfies Readers<Link>;

export function toLink(body: Json): Link {
  return readObject(Link, LINK_READERS, requiredObject(body, "the link"));
}

const FORM_FIELD_VALUE_READERS = {
  code: text("code"),
  validation: text("validation"),
  label: text("label"),
  validationMessage: text("validation_message"),
  placeholder: text("placeholder"),
} satisfies Readers<FormFieldValue>;

const FORM_FIELD_READERS = {
  name: text("name"),
  type: text("type"),
  validation: text("validation"),
  values: many("values", FormFieldValue, FORM_FIELD_VALUE_READERS),
  label: text("label"),
  validationMessage: text("validation_message"),
  placeholder: text("placeholder"),
} satisfies Readers<FormField>;

const INSTITUTION_FEATURE_READERS = {
  name: text("name"),
  description: text("description"),
} satisfies Readers<InstitutionFeature>;

const INSTITUTION_READERS = {
  name: requiredText("name"),
  id: text("id"),
  displayName: text("display_name"),
  type: text("type"),
  website: text("website"),
  countryCodes: stringList("country_codes"),
  primaryColor: text("primary_color"),
  logo: text("logo"),
  iconLogo: text("icon_logo"),
  textLogo: text("text_logo"),
  formFields: manyOrEmpty("form_fields", FormField, FORM_FIELD_READERS),
  features: manyOrEmpty("features", InstitutionFeature, INSTITUTION_FEATURE_READERS),
  resources: stringList("resources"),
  integrationType: text("integration_type"),
  status: text("status"),
} satisfies Readers<Institution>;

/** An institution as Belvo's institutions list gives it: whole. */
export function toInstitution(body: Json): Institution {
  return readObject(Institution, INSTITUTION_READERS, requiredObject(body, "an institution"));
}

function expirySeconds(object: JsonObject): number | null {
  const raw = optionalString(object, "expiry");
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

const TOKEN_GENERATION_DATA_READERS = {
  instructions: text("instructions"),
  type: text("type"),
  value: text("value"),
  // The OpenAPI file spells it `expects_user_input`, Belvo's MFA guide `expect_user_input`.
  expectsUserInput: reader("expects_user_input", (object) => {
    const expects = object.expects_user_input ?? object.expect_user_input;
    return typeof expects === "boolean" ? expects : true;
  }),
} satisfies Readers<TokenGenerationData>;

function toTokenGenerationData(body: Json | undefined): TokenGenerationData | null {
  if (body === undefined || body === null) return null;
  const object = requiredObject(body, "token_generation_data");
  return readObject(TokenGenerationData, TOKEN_GENERATION_DATA_READERS, object);
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
  } satisfies MfaChallenge);
}
