/**
 * The gateway's MFA flow in a page: register, answer each challenge (numeric code, QR, device
 * prompt, input-less approval), then show balances. Every failure says what happened in words
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
import { followLink } from "./events.js";

const PASSWORDS: Record<string, string> = {
  mfa_numeric: "numeric_code",
  mfa_default: "pass_valid",
  mfa_qr: "qr_code",
  user_valid: "pass_valid",
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

type Section = "start" | "challenge" | "problem" | "result";
type Step = "link" | "balances";
type Link = Exclude<Awaited<ReturnType<typeof client.resumeLink>>, Challenge>;
type Balances = Exclude<Awaited<ReturnType<typeof client.resumeBalances>>, Challenge>;

function show(section: Section) {
  for (const id of ["start", "challenge", "problem", "result"]) $(id).hidden = id !== section;
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
        step === "link" ? client.resumeLink(input) : client.resumeBalances(input),
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

/**
 * A link whose bank wants its user again (a changed password, a token the bank asks for anew)
 * cannot share data. TODO(link life, CONTRACT.md section 7): offer "Reconnect" through
 * updateLink / resumeLink once the gateway has updateLink; until then the user connects anew.
 */
const NEEDS_USER_AGAIN: Partial<Record<Link["status"], string>> = {
  INVALID:
    "Your bank no longer accepts this connection (the password may have changed). Reconnecting an existing account is not available in this page yet: start again and connect the account anew.",
  TOKEN_REQUIRED:
    "Your bank asks you to confirm it's you again before it shares data. Reconnecting an existing account is not available in this page yet: start again and connect the account anew.",
};

let connectedTo = "";
async function linked(link: Link) {
  const name = link.institution.displayName ?? link.institution.name;
  const needsUser = NEEDS_USER_AGAIN[link.status];
  if (needsUser) return problem({ text: needsUser, restart: true }, `link status: ${link.status}`);
  connectedTo = `Connected to ${name}.`;
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
  // A balance Belvo sent that the gateway could not read is null (its error is beside the data).
  const readable = list.balances.flatMap((balance) => (balance ? [balance] : []));
  document.querySelector("tbody")!.replaceChildren(...balanceRows(readable));
  show("result");
}

/** Where a failure happened: a step to run again, or a challenge still on screen. */
type Where = { retry: () => void } | { step: Step; challenge: Challenge };

interface Problem {
  text: string;
  retry?: () => void;
  fixLogin?: boolean;
  restart?: boolean;
}

/** Says what went wrong in words for the user, and offers the next step; detail for developers. */
function problem({ text, retry, fixLogin = false, restart = false }: Problem, error: unknown) {
  $("problem-text").textContent = text;
  $("retry").hidden = !retry;
  $("retry").onclick = retry ?? null;
  $("fix-login").hidden = !fixLogin;
  $("restart").hidden = !restart;
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
  ($("retry").hidden
    ? $("fix-login").hidden
      ? $("restart")
      : $("fix-login")
    : $("retry")
  ).focus();
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
