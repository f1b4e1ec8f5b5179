/** The emulator's endpoints, answering as Belvo's sandbox does. */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  balancesFor,
  ownersFor,
  transactionsFor,
  type SandboxBalance,
  type SandboxLink,
  type SandboxOwner,
  type SandboxTransaction,
} from "./data.js";
import { Fields } from "./fields.js";
import { HISTORY_LOGIN, saveHistory } from "./history.js";
import { SandboxError, fieldError, filterValues, paginate, requestId, send } from "./responses.js";
import { INSTITUTIONS, findInstitution, publicInstitution } from "./institutions.js";
import { LATER_LOGINS } from "./link-lives.js";
import { MFA_LOGINS, challengeBody, judgeToken } from "./mfa.js";
import { WEBHOOK_LOGINS, sendHistoricalUpdates, sendLinkStatus, sendWebhook } from "./webhooks.js";
import {
  EXAMPLE,
  type DataFlow,
  type DataRequest,
  type Flow,
  type MfaSession,
  type SandboxState,
} from "./state.js";

/** The sandbox's default page size (production Belvo's is 100). */
const PAGE_SIZE = 10;
const MAX_RANGE_DAYS = 365;

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  state: SandboxState;
  body: Record<string, unknown>;
  /** The id in `/api/things/{id}/`, when the path has one. */
  id?: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function requireLink(state: SandboxState, id: string, field = "link"): SandboxLink {
  const link = state.link(id);
  if (!link)
    throw fieldError(field, "does_not_exist", `Invalid pk "${id}" - object does not exist.`);
  return link;
}

function sessionExpired(): SandboxError {
  return new SandboxError(400, [
    {
      code: "session_expired",
      message: "The MFA session has expired or was already used; start the request again.",
    },
  ]);
}

function answerChallenge({ res }: Call, session: MfaSession): void {
  send(res, 428, challengeBody(session, requestId()));
}

/** A retrieval's data, kept when `save_data` is true. */
function retrievedData(
  state: SandboxState,
  flow: DataFlow,
  link: SandboxLink,
  request: DataRequest | null,
  saveData: boolean,
): unknown[] {
  const collectedAt = state.clock.now().toISOString();
  const accounts = state
    .accountsOf(link.id)
    .filter((account) => !request?.account || account.id === request.account);
  const range = request ?? { dateFrom: day(state.clock.now()), dateTo: day(state.clock.now()) };
  const retrieval = { ...range, collectedAt };
  let data: unknown[];
  switch (flow) {
    case "accounts":
      return accounts;
    case "owners":
      data = ownersFor(link, collectedAt);
      if (saveData) state.save(flow, link.id, data as SandboxOwner[]);
      return data;
    case "balances":
      data = balancesFor(accounts, retrieval);
      if (saveData) state.save(flow, link.id, data as SandboxBalance[]);
      return data;
    case "transactions":
      data = transactionsFor(accounts, retrieval);
      if (saveData) state.save(flow, link.id, data as SandboxTransaction[]);
      return data;
    default:
      return unknownFlow(flow);
  }
}

/** A retrieval's answer: 201 and kept when `save_data` is true, 200 otherwise. */
function answerData(
  call: Call,
  flow: DataFlow,
  link: SandboxLink,
  request: DataRequest | null,
  saveData: boolean,
): void {
  send(call.res, saveData ? 201 : 200, retrievedData(call.state, flow, link, request, saveData));
}

/**
 * `X-Belvo-Request-Mode: async`: 202 `{request_id}` at once; the data is kept (with `save_data`)
 * and announced by a `new_transactions_available` webhook (a `historical_update` for the other
 * resources) with the same request id.
 */
function acceptAsync(
  call: Call,
  flow: DataFlow,
  link: SandboxLink,
  request: DataRequest | null,
  saveData: boolean,
): void {
  const id = requestId();
  send(call.res, 202, { request_id: id });
  const { state } = call;
  const data = retrievedData(state, flow, link, request, saveData);
  const count = flow === "transactions" ? data.length : null;
  sendWebhook(state, {
    webhook_type: flow.toUpperCase(),
    webhook_code: flow === "transactions" ? "new_transactions_available" : "historical_update",
    link_id: link.id,
    request_id: id,
    external_id: link.external_id,
    process_type: "single",
    data: count === null ? {} : { new_transactions: count },
  });
}

function unknownFlow(flow: never): never {
  throw new Error(`unknown flow ${String(flow)}`);
}

export function registerLink(call: Call): void {
  const { state, body, res } = call;
  const fields = new Fields(body);
  const institutionName = fields.string("institution");
  const username = fields.string("username");
  const password = fields.string("password");
  const accessMode = fields.choice("access_mode", ["single", "recurrent"] as const, "recurrent");
  const externalId = fields.optionalString("external_id");
  fields.done();
  const institution = findInstitution(institutionName!);
  if (!institution) {
    throw fieldError(
      "institution",
      "does_not_exist",
      `Object with name=${institutionName} does not exist.`,
    );
  }
  const request = {
    institution: institution.name,
    accessMode: accessMode!,
    externalId: externalId ?? null,
    username: username!,
  };
  const mfaLogin = MFA_LOGINS[username!];
  if (institution.requiresMfa && mfaLogin && mfaLogin.password === password) {
    const link = state.addLink(request);
    state.lives.registered(link.id, username!, password);
    link.status = "token_required";
    state.setLinkMfa(link.id, mfaLogin.mfa);
    answerChallenge(call, state.openSession("link", link.id, mfaLogin.mfa, null));
    return;
  }
  const laterLogin = LATER_LOGINS[username!];
  const valid =
    username === "user_valid" ||
    username === HISTORY_LOGIN.username ||
    laterLogin !== undefined ||
    WEBHOOK_LOGINS[username!] !== undefined;
  if (!valid || password !== (laterLogin?.password ?? "pass_valid")) {
    throw new SandboxError(400, [
      { code: "login_error", message: "Invalid credentials provided to login to the institution" },
    ]);
  }
  const link = state.addLink(request);
  state.lives.registered(link.id, username!, password);
  if (username === HISTORY_LOGIN.username) saveHistory(state, link);
  send(res, 201, link);
  sendHistoricalUpdates(state, link);
  sendLinkStatus(state, link, username!);
}

/** The dates and account of a balances or transactions request, checked as Belvo does. */
function dataRequest(fields: Fields, state: SandboxState): (link: SandboxLink) => DataRequest {
  const dateFrom = fields.date("date_from");
  const dateTo = fields.date("date_to", day(state.clock.now()));
  const account = fields.uuid("account", false);
  return (link) => {
    const days = (Date.parse(dateTo!) - Date.parse(dateFrom!)) / 86_400_000;
    if (days < 0) throw fieldError("date_to", "invalid", "date_to must be on or after date_from.");
    if (days > MAX_RANGE_DAYS)
      throw fieldError(
        "date_from",
        "invalid",
        `The date range may span at most ${MAX_RANGE_DAYS} days.`,
      );
    if (account && !state.accountsOf(link.id).some((candidate) => candidate.id === account)) {
      throw fieldError(
        "account",
        "does_not_exist",
        `Invalid pk "${account}" - object does not exist.`,
      );
    }
    return { dateFrom: dateFrom!, dateTo: dateTo!, account: account ?? null };
  };
}

/** A retrieval or refresh of a link that is not valid: Belvo's 400. */
export function refuseUnusable(link: SandboxLink): void {
  if (link.status === "valid") return;
  // Belvo's own codes: a link whose MFA was never finished (here still token_required) is
  // unconfirmed, not invalid.
  throw new SandboxError(400, [
    link.status === "unconfirmed" || link.status === "token_required"
      ? {
          code: "unconfirmed_link",
          message: "The link's creation was not finished: finish its MFA or register it again.",
        }
      : {
          code: "invalid_link",
          message: "The link is not valid: update its credentials or register it again.",
        },
  ]);
}

/** POST /api/{balances,accounts,transactions,owners}/: a retrieval, paused by MFA links. */
export function retrieve(flow: DataFlow) {
  return (call: Call): void => {
    const { state, body } = call;
    const fields = new Fields(body);
    const linkId = fields.uuid("link");
    const dated =
      flow === "balances" || flow === "transactions" ? dataRequest(fields, state) : null;
    fields.optionalString("token");
    const saveData = fields.boolean("save_data", true);
    fields.done();
    const link = requireLink(state, linkId!);
    const request = dated ? dated(link) : null;
    refuseUnusable(link);
    const mfa = state.linkMfa(link.id);
    if (mfa) {
      answerChallenge(call, state.openSession(flow, link.id, mfa, request));
      return;
    }
    if (call.req.headers["x-belvo-request-mode"] === "async") {
      return acceptAsync(call, flow, link, request, saveData!);
    }
    answerData(call, flow, link, request, saveData!);
  };
}

/** PATCH /api/links/{id}/: changes the access mode. */
export function patchLink({ res, state, body, id }: Call): void {
  const fields = new Fields(body);
  const accessMode = fields.choice("access_mode", ["single", "recurrent"] as const, "recurrent");
  if (!("access_mode" in body)) fields.string("access_mode");
  fields.done();
  const link = state.link(id!);
  if (!link) throw new SandboxError(404, [{ code: "not_found", message: "Not found." }]);
  link.access_mode = accessMode!;
  link.refresh_rate = accessMode === "recurrent" ? (link.refresh_rate ?? "7d") : null;
  send(res, 200, link);
}

/** PATCH /api/links/ and each data resource: answer a challenge. */
export function resume(flow: Flow) {
  return (call: Call): void => {
    const { state, body, res } = call;
    const fields = new Fields(body);
    const sessionId = fields.string("session");
    const linkId = fields.uuid("link");
    const token = fields.optionalString("token");
    const saveData = fields.boolean("save_data", true);
    fields.done();
    const session = state.session(flow, sessionId!);
    if (!session) throw sessionExpired();
    if (session.linkId !== linkId)
      throw fieldError("link", "invalid", "The link does not belong to this session.");
    if (state.clock.now().getTime() > session.expiresAt) {
      state.closeSession(session);
      throw sessionExpired();
    }
    const verdict = judgeToken(session, token ?? null, EXAMPLE.token);
    if (verdict === "missing") throw fieldError("token", "required", "This field is required.");
    state.closeSession(session);
    if (verdict === "refused") {
      answerChallenge(call, state.openSession(flow, session.linkId, session.mfa, session.request));
      return;
    }
    const link = requireLink(state, session.linkId);
    link.status = "valid";
    link.last_accessed_at = state.clock.now().toISOString();
    if (flow === "link") {
      send(res, 200, link);
      sendHistoricalUpdates(state, link);
    } else answerData(call, flow, link, session.request, saveData!);
  };
}

export function listLinks({ req, res, url, state }: Call): void {
  const ids = filterValues(url, "id__in");
  const institution = url.searchParams.get("institution");
  const status = url.searchParams.get("status");
  const links = state
    .allLinks()
    .filter(
      (link) =>
        (!ids || ids.has(link.id)) &&
        (!institution || link.institution === institution) &&
        (!status || link.status === status),
    );
  send(res, 200, paginate(req, url, links, PAGE_SIZE));
}

/** Belvo's 404 for an id it does not know. */
function found<T>(item: T | undefined): T {
  if (item === undefined)
    throw new SandboxError(404, [{ code: "not_found", message: "Not found." }]);
  return item;
}

export function getLink({ res, state, id }: Call): void {
  send(res, 200, found(state.link(id!)));
}

export function listAccounts({ req, res, url, state }: Call): void {
  const ids = filterValues(url, "id__in");
  const links = filterValues(url, "link__in") ?? filterValues(url, "link");
  const accounts = state
    .allAccounts()
    .filter((account) => (!ids || ids.has(account.id)) && (!links || links.has(account.link)));
  send(res, 200, paginate(req, url, accounts, PAGE_SIZE));
}

export function getAccount({ res, state, id }: Call): void {
  send(res, 200, found(state.account(id!)));
}

export function listBalances({ req, res, url, state }: Call): void {
  const links = filterValues(url, "link");
  const accounts = filterValues(url, "account__in") ?? filterValues(url, "account");
  // Dates compare as YYYY-MM-DD text; Belvo also takes a full timestamp, cut to its date here.
  const from = url.searchParams.get("value_date__gte")?.slice(0, 10);
  const to = url.searchParams.get("value_date__lte")?.slice(0, 10);
  const balances = state
    .savedOf("balances")
    .filter(
      (balance) =>
        (!links || links.has(balance.account.link)) &&
        (!accounts || accounts.has(balance.account.id)) &&
        (!from || balance.value_date >= from) &&
        (!to || balance.value_date <= to),
    );
  send(res, 200, paginate(req, url, balances, PAGE_SIZE));
}

export function listTransactions({ req, res, url, state }: Call): void {
  const link = url.searchParams.get("link");
  if (!link) throw fieldError("link", "required", "This field is required.");
  const accounts = filterValues(url, "account__in") ?? filterValues(url, "account");
  const inRange = valueDateFilter(url);
  const transactions = state
    .savedOf("transactions", link)
    .filter(
      (transaction) =>
        (!accounts || accounts.has(transaction.account.id)) && inRange(transaction.value_date),
    );
  send(res, 200, paginate(req, url, transactions, PAGE_SIZE));
}

/**
 * Belvo's `value_date` filters: `__range=from,to` (inclusive), `__gte`, `__lte`. Dates compare as
 * YYYY-MM-DD text; Belvo also takes a full timestamp, cut to its date here.
 */
function valueDateFilter(url: URL): (valueDate: string) => boolean {
  const range = url.searchParams.get("value_date__range")?.split(",");
  if (range && range.length !== 2)
    throw fieldError("value_date__range", "invalid", "Enter two dates separated by a comma.");
  const from = (range?.[0] ?? url.searchParams.get("value_date__gte"))?.slice(0, 10);
  const to = (range?.[1] ?? url.searchParams.get("value_date__lte"))?.slice(0, 10);
  return (valueDate) => (!from || valueDate >= from) && (!to || valueDate <= to);
}

export function listOwners({ req, res, url, state }: Call): void {
  const links = filterValues(url, "link__in") ?? filterValues(url, "link");
  const owners = state.savedOf("owners").filter((owner) => !links || links.has(owner.link));
  send(res, 200, paginate(req, url, owners, PAGE_SIZE));
}

export function listInstitutions({ req, res, url }: Call): void {
  const names = filterValues(url, "name__in") ?? filterValues(url, "name");
  const countries = filterValues(url, "country_code__in") ?? filterValues(url, "country_code");
  const institutions = INSTITUTIONS.filter(
    (institution) =>
      (!names || names.has(institution.name)) &&
      (!countries || institution.country_codes.some((code) => countries.has(code))),
  ).map(publicInstitution);
  send(res, 200, paginate(req, url, institutions, PAGE_SIZE));
}

export function apiRoot({ req, res }: Call): void {
  const base = `http://${req.headers.host ?? "127.0.0.1"}/api`;
  send(
    res,
    200,
    Object.fromEntries(
      ["links", "accounts", "balances", "transactions", "owners", "institutions"].map((name) => [
        name,
        `${base}/${name}/`,
      ]),
    ),
  );
}
