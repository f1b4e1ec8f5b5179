/**
 * The emulator's side of a link's life: PUT new credentials, POST a refresh (with Belvo's
 * cooldown), DELETE, and POST /api/token/ for the Connect widget, checking the key pair.
 */
import { randomBytes } from "node:crypto";
import { Fields } from "./fields.js";
import { GOOD_TOKEN, challengeBody } from "./mfa.js";
import { SandboxError, basicPair, fieldError, requestId, send } from "./responses.js";
import { refuseUnusable, type Call } from "./routes.js";
import type { SandboxLink } from "./data.js";
import type { SandboxState } from "./state.js";
import { sendHistoricalUpdates, sendLinkNeedsUser } from "./webhooks.js";

/** Belvo's `fetch_resources` names a refresh accepts. */
const RESOURCES = new Set([
  "ACCOUNTS",
  "OWNERS",
  "TRANSACTIONS",
  "BALANCES",
  "INCOMES",
  "RECURRING_EXPENSES",
  "RISK_INSIGHTS",
]);
const SCOPES = new Set(["read_institutions", "write_links", "read_links"]);

function notFound(): SandboxError {
  return new SandboxError(404, [{ code: "not_found", message: "Not found." }]);
}

function linkOf(state: SandboxState, id: string | undefined): SandboxLink {
  const link = id === undefined ? undefined : state.link(id);
  if (!link) throw notFound();
  return link;
}

/**
 * PUT /api/links/{id}/: the link's password again (the one it was made with; `pass_valid` for
 * the emulator's own links). An MFA link, or one whose bank asks for a token again, answers a
 * challenge (resumed with PATCH /api/links/) unless the body carries the right token.
 */
export function updateLink({ state, body, res, id }: Call): void {
  const fields = new Fields(body);
  const password = fields.string("password");
  for (const name of ["password2", "username_type", "certificate", "private_key"]) {
    fields.optionalString(name);
  }
  const token = fields.optionalString("token");
  fields.done();
  const link = linkOf(state, id);
  if (password !== (state.lives.password(link.id) ?? "pass_valid")) {
    throw new SandboxError(400, [
      { code: "login_error", message: "Invalid credentials provided to login to the institution" },
    ]);
  }
  const mfa = state.linkMfa(link.id) ?? (link.status === "token_required" ? "device" : null);
  if (mfa && token !== GOOD_TOKEN) {
    send(res, 428, challengeBody(state.openSession("link", link.id, mfa, null), requestId()));
    return;
  }
  link.status = "valid";
  link.last_accessed_at = state.clock.now().toISOString();
  send(res, 200, link);
}

/** "Please wait 7 minutes", or seconds under a minute, as Belvo's 409 says it. */
function waitText(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

function fetchResources(body: Record<string, unknown>): string[] | null {
  const value = body.fetch_resources;
  if (value === undefined || value === null) return null;
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === "string" && RESOURCES.has(item))
  ) {
    throw fieldError(
      "fetch_resources",
      "invalid",
      `Expected a list of: ${[...RESOURCES].join(", ")}.`,
    );
  }
  return value as string[];
}

/**
 * POST /api/links/{id}/refresh/: 202 `{request_id}`, then the refresh completes at once (the
 * `onRefreshComplete` hook is told, and the webhooks are sent); within the cooldown, 409. A LATER_LOGINS link turns at its
 * first refresh.
 */
export function refreshLink({ state, body, res, id }: Call): void {
  const resources = fetchResources(body);
  const link = linkOf(state, id);
  refuseUnusable(link);
  const now = state.clock.now().getTime();
  const left = state.lives.cooldownLeft(link.id, now);
  if (left > 0) {
    throw new SandboxError(409, [
      {
        code: "conflict",
        message: `The link has already been refreshed. Please wait ${waitText(left)} before refreshing it again.`,
      },
    ]);
  }
  const later = state.lives.refreshed(link.id, now);
  const request = requestId();
  send(res, 202, { request_id: request });
  if (later) link.status = later;
  else link.last_accessed_at = new Date(now).toISOString();
  state.lives.completed({
    link: link.id,
    requestId: request,
    resources,
    status: link.status,
    externalId: link.external_id,
  });
  // As Belvo: the refresh's data announced by historical updates carrying its request_id, or the
  // link's new status by a LINK webhook.
  if (later === null) sendHistoricalUpdates(state, link, request);
  else sendLinkNeedsUser(state, link, request);
}

/** DELETE /api/links/{id}/: 204 without a body, or 404. */
export function deleteLink({ state, res, id }: Call): void {
  if (id === undefined || !state.removeLink(id)) throw notFound();
  res.writeHead(204).end();
}

/**
 * POST /api/token/: the body's `id`/`password` must be the request's own key pair (as Belvo
 * checks the secret keys); `scopes` from Belvo's list; `link_id` (update mode) a known link.
 */
export function widgetToken({ req, state, body, res }: Call): void {
  const fields = new Fields(body);
  const id = fields.string("id");
  const password = fields.string("password");
  const scopes = fields.optionalString("scopes");
  const link = fields.uuid("link_id", false);
  fields.optionalString("external_id");
  fields.done();
  const pair = basicPair(req);
  if (id !== pair.id || password !== pair.password) {
    throw new SandboxError(401, [
      {
        code: "authentication_failed",
        message: "Credentials provided are not valid. Check your secret key id and password.",
      },
    ]);
  }
  if (scopes && !scopes.split(",").every((scope) => SCOPES.has(scope.trim()))) {
    throw fieldError("scopes", "invalid", `Expected some of: ${[...SCOPES].join(",")}.`);
  }
  if (link && !state.link(link)) {
    throw fieldError("link_id", "does_not_exist", `Invalid pk "${link}" - object does not exist.`);
  }
  const token = () => randomBytes(48).toString("base64url");
  send(res, 200, { access: token(), refresh: token() });
}
