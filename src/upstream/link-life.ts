/**
 * A link's life after its first login, as Belvo calls (CONTRACT.md section 7): PUT new
 * credentials, POST a refresh, PATCH the access mode, DELETE it, and POST /api/token/ for the
 * Connect widget. Each call is a write: sent once, through BelvoClient.writeTo.
 */
import { ErrorCode, GatewayError, UpstreamError, type UpstreamDetails } from "../errors.js";
import type { AccessMode } from "../types/enums.js";
import type { Link } from "../types/link.type.js";
import {
  DeletedLink,
  RefreshAccepted,
  WidgetToken,
  type LinkResource,
} from "../types/link-life.type.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import type { BelvoClient } from "./belvo.js";
import {
  NOT_JSON,
  isObject,
  optionalString,
  requiredObject,
  requiredString,
  type Json,
} from "./json.js";
import { toLink } from "./mapping.js";
import { interpretAnswer, interpretMfaAnswer, type Answer, type Sent } from "./outcome.js";
import { withoutEmpty } from "./resources.js";

export interface UpdateLinkRequest {
  link: string;
  password: string;
  password2?: string | null;
  token?: string | null;
  usernameType?: string | null;
  certificate?: string | null;
  privateKey?: string | null;
}

export interface RefreshLinkRequest {
  link: string;
  resources?: readonly LinkResource[] | null;
}

export interface WidgetTokenRequest {
  link?: string | null;
  externalId?: string | null;
}

/** Belvo's names of each body's fields: a Belvo field error is repeated only for one of these. */
const UPDATE_FIELDS = [
  "password",
  "password2",
  "token",
  "username_type",
  "certificate",
  "private_key",
] as const;
const REFRESH_FIELDS = ["fetch_resources"] as const;
const ACCESS_MODE_FIELDS = ["access_mode"] as const;
const TOKEN_FIELDS = ["scopes", "link_id", "external_id"] as const;

/** What the Connect widget may do with its token (CONTRACT.md section 7). */
export const WIDGET_SCOPES = "read_institutions,write_links,read_links";
/** Belvo's widget tokens are valid ten minutes. */
export const WIDGET_TOKEN_TTL_MS = 10 * 60_000;
/** Belvo's refresh cooldown, when its 409 names no wait (CONTRACT.md section 7). */
export const REFRESH_COOLDOWN_S = 600;

const linkPath = (id: string) => `/api/links/${encodeURIComponent(id)}/`;

/** Belvo's 409 on a refresh within its cooldown: the client waits `retryAfter` seconds. */
export class RefreshCooldown extends GatewayError {
  constructor(upstream: UpstreamDetails, retryAfter: number) {
    super(
      `Belvo refreshed this link a short while ago and refreshes it again in ${retryAfter} s (HTTP 409); retry then.`,
      ErrorCode.RateLimited,
      { upstream, retryable: true, retryAfter },
    );
  }
}

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600 };

/** The longest wait taken from Belvo's message: a day (its cooldown is ten minutes). */
export const REFRESH_WAIT_MAX_S = 86_400;

/**
 * The wait Belvo's cooldown message names ("Please wait 7 minutes before…"), in seconds, at most
 * a day; the cooldown's full length when it names none (a whole number of up to 6 digits, never
 * digits cut from a longer or decimal number).
 */
export function cooldownSeconds(body: Answer["body"]): number {
  const entry = firstEntry(body);
  const text = isObject(entry)
    ? (safeString(entry, "message") ?? safeString(entry, "detail") ?? "")
    : "";
  const wait = /(?<![\d.])(\d{1,6})\s*(second|minute|hour)s?\b/i.exec(text);
  if (!wait) return REFRESH_COOLDOWN_S;
  const seconds = Number(wait[1]) * UNIT_SECONDS[wait[2]!.toLowerCase()]!;
  return seconds > 0 ? Math.min(seconds, REFRESH_WAIT_MAX_S) : REFRESH_COOLDOWN_S;
}

/** The first entry of Belvo's error list, or a bare error object; undefined for anything else. */
function firstEntry(body: Answer["body"]): Json | undefined {
  if (body === NOT_JSON) return undefined;
  return Array.isArray(body) ? body[0] : body;
}

function safeString(object: Record<string, Json>, key: string): string | null {
  try {
    return optionalString(object, key);
  } catch {
    return null;
  }
}

function upstreamOf(answer: Answer): UpstreamDetails {
  const entry = firstEntry(answer.body);
  const requestId = isObject(entry) ? safeString(entry, "request_id") : null;
  return {
    status: answer.status,
    code: null,
    requestId: requestId !== null && /^[a-f0-9]{32}$/.test(requestId) ? requestId : null,
  };
}

/**
 * Belvo's field errors name the input's field by the schema's path (`input.fetchResources` for
 * `fetch_resources`); where the schema names it otherwise, the error is named as the schema does.
 */
function schemaNames<T>(names: Record<string, string>, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const field = error instanceof UpstreamError ? error.extensions.field : undefined;
    const renamed = typeof field === "string" ? names[field] : undefined;
    if (!(error instanceof UpstreamError) || renamed === undefined) throw error;
    throw error.withField(renamed, error.message.replace(`(${String(field)})`, `(${renamed})`));
  }
}

function toRefreshAccepted(link: string) {
  return (body: Json): RefreshAccepted =>
    Object.assign(new RefreshAccepted(), {
      link,
      requestId: requiredString(requiredObject(body, "the refresh"), "request_id"),
    });
}

function toWidgetToken(receivedAt: Date) {
  return (body: Json): WidgetToken => {
    const object = requiredObject(body, "the token");
    return Object.assign(new WidgetToken(), {
      access: requiredString(object, "access"),
      refresh: optionalString(object, "refresh"),
      expiresAt: new Date(receivedAt.getTime() + WIDGET_TOKEN_TTL_MS).toISOString(),
    });
  };
}

/** PUT /api/links/{id}/: new credentials; Belvo may ask for a token (428) as at registration. */
export function updateLink(
  belvo: BelvoClient,
  request: UpdateLinkRequest,
): Promise<Link | MfaChallenge> {
  const body = withoutEmpty({
    password: request.password,
    password2: request.password2,
    token: request.token,
    username_type: request.usernameType,
    certificate: request.certificate,
    private_key: request.privateKey,
  });
  const secrets = [
    request.password,
    request.password2,
    request.token,
    request.certificate,
    request.privateKey,
  ];
  return belvo.writeTo(
    "PUT",
    linkPath(request.link),
    body,
    { secrets, fields: UPDATE_FIELDS },
    (answer, sent, receivedAt) => interpretMfaAnswer(answer, toLink, receivedAt, sent),
  );
}

/** POST /api/links/{id}/refresh/: 202 `{request_id}`; 409 within Belvo's cooldown. */
export function refreshLink(
  belvo: BelvoClient,
  request: RefreshLinkRequest,
): Promise<RefreshAccepted | MfaChallenge> {
  const body = withoutEmpty({ fetch_resources: request.resources });
  return belvo.writeTo(
    "POST",
    `${linkPath(request.link)}refresh/`,
    body,
    { secrets: [], fields: REFRESH_FIELDS },
    (answer, sent, receivedAt) => {
      if (answer.status === 409) {
        throw new RefreshCooldown(upstreamOf(answer), cooldownSeconds(answer.body));
      }
      return schemaNames({ "input.fetchResources": "input.resources" }, () =>
        interpretMfaAnswer(answer, toRefreshAccepted(request.link), receivedAt, sent),
      );
    },
  );
}

/** PATCH /api/links/{id}/ `{access_mode}`: the link as Belvo now has it. */
export function setLinkAccessMode(
  belvo: BelvoClient,
  request: { link: string; accessMode: AccessMode },
): Promise<Link> {
  return belvo.writeTo(
    "PATCH",
    linkPath(request.link),
    { access_mode: request.accessMode.toLowerCase() },
    { secrets: [], fields: ACCESS_MODE_FIELDS },
    (answer, sent) => interpretAnswer(answer, toLink, sent),
  );
}

/** DELETE /api/links/{id}/: 204, no body (another 2xx with JSON is taken as done too). */
export function deleteLink(belvo: BelvoClient, request: { link: string }): Promise<DeletedLink> {
  return belvo.writeTo(
    "DELETE",
    linkPath(request.link),
    undefined,
    { secrets: [], fields: [] },
    (answer, sent) => {
      // Belvo's 204 has no body; another 2xx must at least be JSON (not a proxy's page).
      if (answer.status === 204) return Object.assign(new DeletedLink(), { id: request.link });
      return interpretAnswer(
        answer,
        () => Object.assign(new DeletedLink(), { id: request.link }),
        sent,
      );
    },
  );
}

/**
 * POST /api/token/ with the gateway's key pair as `id`/`password`, the widget's scopes, and
 * `link_id` in update mode: Belvo's `{access, refresh}`, valid ten minutes from receipt.
 */
export function createWidgetToken(
  belvo: BelvoClient,
  request: WidgetTokenRequest,
): Promise<WidgetToken> {
  const body = withoutEmpty({
    scopes: WIDGET_SCOPES,
    link_id: request.link,
    external_id: request.externalId,
  });
  return belvo.writeTo(
    "POST",
    "/api/token/",
    body,
    { secrets: [], fields: TOKEN_FIELDS, keyPair: true },
    (answer, sent: Sent, receivedAt) =>
      schemaNames({ "input.linkId": "input.link" }, () =>
        interpretAnswer(answer, toWidgetToken(receivedAt), sent),
      ),
  );
}
