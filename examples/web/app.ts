/**
 * The gateway's MFA flow in a page: register, answer each challenge (numeric code, QR, device
 * prompt, input-less approval), then show balances; then a link's life: refresh it, reconnect it
 * when its bank wants its user again (updateLink, then the MFA step if asked), disconnect it, or
 * hand a token to Belvo's own Connect widget. Every failure says what happened in words
 * for the user and offers the next step (enter the code again while the session is open,
 * correct the login, try again, start again), with the developer detail folded away. One call
 * at a time: the forms are disabled and a spinner shows while it runs. Only the typed client
 * talks to the gateway.
 */
import qrcode from "qrcode-generator";
import {
  BelvoGatewayClient,
  GatewayClientError as GatewayError,
  type Challenge,
} from "@belvo-graphql-gateway/client";
import { balanceRows } from "./balances.js";
import { TransactionsPanel } from "./transactions.js";
import { widgetSnippet } from "./widget.js";
import { followLink } from "./events.js";

const PASSWORDS: Record<string, string> = {
  mfa_numeric: "numeric_code",
  mfa_default: "pass_valid",
  mfa_qr: "qr_code",
  user_valid: "pass_valid",
  user_history: "pass_valid",
  user_password_changes: "pass_valid",
  user_token_again: "pass_valid",
};

/** What each choice does, said under its select: the options stay short enough for a phone. */
const INSTITUTION_HINTS: Record<string, string> = {
  heimdall_mx_retail: "Asks for a second factor.",
  gotham_br_business: "Asks for a second factor.",
  erebor_mx_retail: "No second factor.",
};
const USERNAME_HINTS: Record<string, string> = {
  mfa_numeric: "A code to type into a token device.",
  mfa_default: "A code from the bank's app.",
  mfa_qr: "A QR code to approve in the bank's app.",
  user_valid: "No second factor.",
  user_history: "Two years of saved transactions; no second factor.",
  user_password_changes: "Its bank password changes at the first refresh: then reconnect it.",
  user_token_again: "Its bank asks for a code again at the first refresh: then reconnect it.",
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startForm = $<HTMLFormElement>("start");
const tokenForm = $<HTMLFormElement>("token-form");
const tokenInput = tokenForm.elements.namedItem("token") as HTMLInputElement;
const institution = startForm.elements.namedItem("institution") as HTMLSelectElement;
const username = startForm.elements.namedItem("username") as HTMLSelectElement;
const password = startForm.elements.namedItem("password") as HTMLInputElement;

const config = (await (await fetch("config.json")).json()) as {
  gatewayUrl: string;
  apiKey?: string;
};
// A dropped connection is retried twice with the same Idempotency-Key (the gateway answers a
// retry from the first call, never sending a code twice); then the page offers "Try again".
const client = new BelvoGatewayClient(config.gatewayUrl, {
  apiKey: config.apiKey,
  retry: { maxAttempts: 3 },
});

const transactions = new TransactionsPanel(client);

type Section = "start" | "challenge" | "problem" | "result" | "reconnect" | "widget";
type Step = "link" | "balances" | "reconnect";
type Link = Exclude<Awaited<ReturnType<typeof client.resumeLink>>, Challenge>;
type Balances = Exclude<Awaited<ReturnType<typeof client.resumeBalances>>, Challenge>;

function show(section: Section) {
  for (const id of ["start", "challenge", "problem", "result", "reconnect", "widget"])
    $(id).hidden = id !== section;
}

/**
 * One call at a time: every form is disabled and a spinner says what is happening until the
 * call settles, so a double click sends one request. A second call while one runs is dropped.
 */
let inFlight = false;
async function busy<T>(text: string, call: () => Promise<T>): Promise<T | undefined> {
  if (inFlight) return undefined;
  inFlight = true;
  for (const fieldset of document.querySelectorAll("fieldset")) fieldset.disabled = true;
  $("busy-text").textContent = text;
  $("busy").hidden = false;
  try {
    return await call();
  } finally {
    inFlight = false;
    for (const fieldset of document.querySelectorAll("fieldset")) fieldset.disabled = false;
    $("busy").hidden = true;
  }
}

/** What the user sees for each step; the second says why the bank asks again. */
const STEP_TEXT: Record<Step, string> = {
  link: "Step 1 of 2 · Connecting your account.",
  balances:
    "Your account is connected. Step 2 of 2 · To share your balances, your bank asks you to confirm it's you once more.",
  reconnect: "Reconnecting your account · Your bank asks you to confirm it's you.",
};

/** The challenge on screen, and what answering it does. */
let answer: ((token: string | undefined) => void) | null = null;

function askFor(step: Step, challenge: Challenge, refused: boolean) {
  const data = challenge.tokenGenerationData;
  $("step").textContent = STEP_TEXT[step];
  $("notice").hidden = !refused;
  $("notice").textContent = "That code was refused; your bank sent a new challenge.";
  $("token-error").hidden = true;
  $("instructions").textContent = data?.instructions ?? "Enter the code your bank gave you.";
  const isQr = data?.type === "qr" && data.value;
  $("code").hidden = !data?.value || Boolean(isQr);
  $("code").textContent = data?.value ?? "";
  $("qr").hidden = !isQr;
  if (isQr) {
    const code = qrcode(0, "M");
    code.addData(data.value!);
    code.make();
    $("qr").innerHTML = code.createSvgTag({ scalable: true });
  }
  const needsToken = data?.expectsUserInput !== false;
  $("token-label").hidden = !needsToken;
  tokenInput.required = needsToken;
  tokenInput.value = "";
  $("send").textContent = needsToken ? "Send" : "I have approved it";
  answer = (token) => void resume(step, challenge, token);
  show("challenge");
  if (needsToken) tokenInput.focus();
}

/** Sends the user's answer once; a refused code brings a new challenge on screen. */
async function resume(step: Step, challenge: Challenge, token: string | undefined) {
  const input = { session: challenge.session, link: challenge.link, token };
  try {
    const result = await busy(
      "Checking with your bank… this can take up to a minute.",
      (): Promise<Link | Balances | Challenge> =>
        step === "balances" ? client.resumeBalances(input) : client.resumeLink(input),
    );
    if (result === undefined) return;
    switch (result.__typename) {
      case "MfaChallenge":
        return askFor(step, result, true);
      case "Link":
        return linked(result);
      case "BalanceList":
        return showBalances(result);
    }
  } catch (error) {
    failed(error, { step, challenge });
  }
}

async function connect() {
  try {
    const registered = await busy("Connecting to your bank… this can take up to a minute.", () =>
      client.registerLink({
        institution: institution.value,
        username: username.value,
        password: password.value,
      }),
    );
    if (registered === undefined) return;
    if (registered.__typename === "MfaChallenge") return askFor("link", registered, false);
    await linked(registered);
  } catch (error) {
    failed(error, { retry: () => void connect() });
  }
}

/** A link whose bank wants its user again (a changed password, a token asked anew): Reconnect. */
const NEEDS_USER_AGAIN: Partial<Record<Link["status"], string>> = {
  INVALID:
    "Your bank no longer accepts this connection (the password may have changed). Reconnect it with your current password.",
  TOKEN_REQUIRED:
    "Your bank asks you to confirm it's you again before it shares data. Reconnect to confirm.",
};

let connectedTo = "";
let connectedLink = "";
async function linked(link: Link) {
  connectedLink = link.id;
  const name = link.institution.displayName ?? link.institution.name;
  const needsUser = NEEDS_USER_AGAIN[link.status];
  if (needsUser) {
    return problem(
      { text: needsUser, reconnect: link, restart: true },
      `link status: ${link.status}`,
    );
  }
  connectedTo = `Connected to ${name}.`;
  current = link;
  const today = new Date();
  try {
    const retrieval = await busy("Your account is connected. Fetching your balances…", () =>
      client.retrieveBalances({
        link: link.id,
        // The last week: the latest balance of each account, and its earlier days on demand.
        dateFrom: new Date(today.getTime() - 6 * 86_400_000).toISOString().slice(0, 10),
        dateTo: today.toISOString().slice(0, 10),
      }),
    );
    if (retrieval === undefined) return;
    if (retrieval.__typename === "MfaChallenge") return askFor("balances", retrieval, false);
    showBalances(retrieval);
    // The timeline of the link's events; new data refreshes the balances quietly.
    void followLink(client, link.id, $("timeline"), () => void refreshBalances(link.id));
  } catch (error) {
    failed(error, { retry: () => void linked(link) });
  }
}

/** The balances again, after an event said new data arrived (a failure keeps the table as is). */
async function refreshBalances(link: string) {
  const today = new Date().toISOString().slice(0, 10);
  const dateFrom = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  const retrieval = await client
    .retrieveBalances({ link, dateFrom, dateTo: today })
    .catch(() => undefined);
  if (retrieval && retrieval.__typename !== "MfaChallenge") showBalances(retrieval);
}

function showBalances(list: Balances) {
  $("link").textContent = connectedTo;
  $("link-notice").hidden = true;
  // A balance Belvo sent that the gateway could not read is null (its error is beside the data).
  const readable = list.balances.flatMap((balance) => (balance ? [balance] : []));
  document.querySelector("tbody")!.replaceChildren(...balanceRows(readable));
  // Each account once, in the order Belvo listed them: their transactions on demand.
  const accounts = new Map(
    readable.flatMap(({ account }) => (account ? [[account.id, account.name ?? "Account"]] : [])),
  );
  transactions.open(
    connectedLink,
    [...accounts].map(([id, name]) => ({ id, name })),
  );
  show("result");
}

/** Where a failure happened: a step to run again, or a challenge still on screen. */
type Where = { retry: () => void } | { step: Step; challenge: Challenge };

interface Problem {
  text: string;
  retry?: () => void;
  fixLogin?: boolean;
  restart?: boolean;
  /** A link to offer "Reconnect" for. */
  reconnect?: Link;
}

/** Says what went wrong in words for the user, and offers the next step; detail for developers. */
function problem(
  { text, retry, fixLogin = false, restart = false, reconnect }: Problem,
  error: unknown,
) {
  $("problem-text").textContent = text;
  $("retry").hidden = !retry;
  $("retry").onclick = retry ?? null;
  $("fix-login").hidden = !fixLogin;
  $("restart").hidden = !restart;
  $("reconnect-offer").hidden = !reconnect;
  $("reconnect-offer").onclick = reconnect ? () => offerReconnect(reconnect) : null;
  $("problem-details").textContent =
    error instanceof GatewayError
      ? [
          `code: ${error.code}`,
          `message: ${error.message}`,
          `retryable: ${error.retryable}`,
          `requestId: ${error.requestId ?? "-"}`,
          `HTTP status: ${error.status ?? "-"}`,
          `upstream: ${error.upstream ? JSON.stringify(error.upstream) : "-"}`,
        ].join("\n")
      : String(error);
  show("problem");
  const first = ["retry", "reconnect-offer", "fix-login", "restart"].find((id) => !$(id).hidden);
  $(first ?? "restart").focus();
}

function failed(error: unknown, where: Where) {
  const challenge = "challenge" in where ? where : null;
  if (!(error instanceof GatewayError)) {
    return problem(
      { text: "Something went wrong on this page. Please start again.", restart: true },
      error,
    );
  }
  // The gateway checks a code's format before asking the bank: the session is still open.
  if (challenge && error.code === "BAD_USER_INPUT") {
    askFor(challenge.step, challenge.challenge, false);
    $("token-error").textContent =
      "That code doesn't look right. Type it exactly as your bank shows it, without spaces.";
    $("token-error").hidden = false;
    return;
  }
  // A code is never sent twice by the page: after a lost answer, the user enters it again.
  const retry = challenge
    ? () => askFor(challenge.step, challenge.challenge, false)
    : (where as { retry: () => void }).retry;
  switch (error.code) {
    case "MFA_SESSION_EXPIRED":
      return problem(
        { text: "The bank's session expired before the code arrived.", restart: true },
        error,
      );
    case "RATE_LIMITED":
      return problem(
        {
          text: `Too many attempts. Try again in ${error.retryAfter ?? 60} seconds.`,
          restart: true,
        },
        error,
      );
    case "BAD_USER_INPUT":
      return problem(
        { text: "Please check the bank, username and password.", fixLogin: true },
        error,
      );
  }
  if (error.code === "UPSTREAM_REJECTED" && error.upstream?.code === "login_error") {
    return problem(
      { text: "Your bank did not accept that username or password.", fixLogin: true },
      error,
    );
  }
  if (error.retryable) {
    const text = challenge
      ? "We couldn't reach your bank to check the code. Check your connection, then enter the code again."
      : "We couldn't reach your bank. Check your connection, then try again.";
    return problem({ text, retry, restart: true }, error);
  }
  problem(
    {
      text: "Something went wrong on our side. Please try again in a moment.",
      retry,
      restart: true,
    },
    error,
  );
}

function describeChoices() {
  $("institution-hint").textContent = INSTITUTION_HINTS[institution.value] ?? "";
  $("username-hint").textContent = USERNAME_HINTS[username.value] ?? "";
}
password.value = PASSWORDS[username.value] ?? "";
describeChoices();
institution.onchange = describeChoices;
username.onchange = () => {
  password.value = PASSWORDS[username.value] ?? "";
  describeChoices();
};
startForm.onsubmit = (event) => {
  event.preventDefault();
  void connect();
};
tokenForm.onsubmit = (event) => {
  event.preventDefault();
  answer?.(tokenInput.required ? tokenInput.value.trim() : undefined);
};
$("restart").onclick = () => show("start");
$("again").onclick = () => show("start");
$("fix-login").onclick = () => {
  show("start");
  password.select();
};

// A link's life: refresh, reconnect, disconnect, and Belvo's widget.

let current: Link | null = null;
const reconnectForm = $<HTMLFormElement>("reconnect-form");
const reconnectPassword = reconnectForm.elements.namedItem("password") as HTMLInputElement;

function offerReconnect(link: Link, refused = false) {
  current = link;
  $("reconnect-text").textContent =
    NEEDS_USER_AGAIN[link.status] ?? "Enter your bank password to reconnect this account.";
  $("reconnect-error").textContent = "Your bank did not accept that password.";
  $("reconnect-error").hidden = !refused;
  reconnectPassword.value = "";
  show("reconnect");
  reconnectPassword.focus();
}

/** updateLink with the password typed; the bank may ask for a code (the MFA step), then balances. */
async function reconnect(link: Link) {
  try {
    const result = await busy("Reconnecting to your bank… this can take up to a minute.", () =>
      client.updateLink({ link: link.id, password: reconnectPassword.value }),
    );
    if (result === undefined) return;
    if (result.__typename === "MfaChallenge") return askFor("reconnect", result, false);
    await linked(result);
  } catch (error) {
    if (error instanceof GatewayError && error.upstream?.code === "login_error") {
      return offerReconnect(link, true);
    }
    failed(error, { retry: () => offerReconnect(link) });
  }
}

/** Asks Belvo for fresh data; a link whose bank now wants its user again offers Reconnect. */
async function refresh(link: Link) {
  try {
    const accepted = await busy("Asking your bank for fresh data…", async () => {
      const result = await client.refreshLink({ link: link.id });
      return { result, now: await client.link(link.id) };
    });
    if (accepted === undefined) return;
    if (accepted.result.__typename === "MfaChallenge") {
      return askFor("reconnect", accepted.result as Challenge, false);
    }
    if (accepted.now === null) return disconnected("This account is no longer connected.");
    if (NEEDS_USER_AGAIN[accepted.now.status]) return linked(accepted.now as Link);
    linkNotice("Your bank is sending fresh data; it shows here once it arrives.");
  } catch (error) {
    if (error instanceof GatewayError && error.code === "RATE_LIMITED") {
      const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 600) / 60));
      return linkNotice(
        `Your data was refreshed a moment ago. You can refresh again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      );
    }
    failed(error, { retry: () => void refresh(link) });
  }
}

function linkNotice(text: string) {
  $("link-notice").textContent = text;
  $("link-notice").hidden = false;
  show("result");
}

/** deleteLink: the bank connection and the data Belvo kept for it are gone. */
async function disconnect(link: Link) {
  try {
    const deleted = await busy("Disconnecting…", () => client.deleteLink({ link: link.id }));
    if (deleted === undefined) return;
    disconnected("Disconnected: the connection to your bank and its data were deleted.");
  } catch (error) {
    failed(error, { retry: () => void disconnect(link) });
  }
}

function disconnected(text: string) {
  current = null;
  $("start-notice").textContent = text;
  $("start-notice").hidden = false;
  show("start");
}

/** A Connect widget token from the gateway, and how a page hands it to Belvo's widget. */
async function useWidget(link: Link | null) {
  try {
    const token = await busy("Getting a token for Belvo's widget…", () =>
      client.createWidgetToken(link ? { link: link.id } : {}),
    );
    if (token === undefined) return;
    const until = new Date(token.expiresAt).toLocaleTimeString([], {
      hour: "2-digit",
      minute: "2-digit",
    });
    $("widget-text").textContent =
      `The gateway minted a widget token${link ? " to reconnect this account" : ""}, valid until ${until}. A page hands it to Belvo's widget like this:`;
    $("widget-code").textContent = widgetSnippet(link?.id ?? null);
    $("widget-back").onclick = () => (link ? offerReconnect(link) : show("start"));
    show("widget");
  } catch (error) {
    failed(error, { retry: () => void useWidget(link) });
  }
}

reconnectForm.onsubmit = (event) => {
  event.preventDefault();
  if (current) void reconnect(current);
};
$("reconnect-widget").onclick = () => void useWidget(current);
$("use-widget").onclick = () => void useWidget(null);
$("refresh").onclick = () => current && void refresh(current);
$("disconnect").onclick = () => current && void disconnect(current);
startForm.addEventListener("submit", () => ($("start-notice").hidden = true));

// Ready: index.html serves the forms disabled until every handler above is set. An enabled form
// clicked sooner is submitted by the browser itself: a GET of the page, the password in its URL.
for (const fieldset of document.querySelectorAll("fieldset")) fieldset.disabled = false;
