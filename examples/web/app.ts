/**
 * The gateway's MFA flow in a page: register, answer each challenge (numeric code, QR, device
 * prompt, input-less approval), handle a refused token, an expired session and rate limiting,
 * then show balances. Only the typed client talks to the gateway.
 */
import qrcode from "qrcode-generator";
import {
  BelvoGatewayClient,
  GatewayClientError as GatewayError,
  type Challenge,
} from "@belvo-graphql-gateway/client";

const PASSWORDS: Record<string, string> = {
  mfa_numeric: "numeric_code",
  mfa_default: "pass_valid",
  mfa_qr: "qr_code",
  user_valid: "pass_valid",
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startForm = $<HTMLFormElement>("start");
const tokenForm = $<HTMLFormElement>("token-form");
const tokenInput = tokenForm.elements.namedItem("token") as HTMLInputElement;
const username = startForm.elements.namedItem("username") as HTMLSelectElement;
const password = startForm.elements.namedItem("password") as HTMLInputElement;

const config = (await (await fetch("config.json")).json()) as {
  gatewayUrl: string;
  apiKey?: string;
};
const client = new BelvoGatewayClient(config.gatewayUrl, { apiKey: config.apiKey });

function show(section: "start" | "challenge" | "problem" | "result") {
  for (const id of ["start", "challenge", "problem", "result"]) $(id).hidden = id !== section;
}

/** Resolves with what the user answered: a token, or undefined once they approved elsewhere. */
function askFor(challenge: Challenge, refused: boolean): Promise<string | undefined> {
  const data = challenge.tokenGenerationData;
  $("notice").hidden = !refused;
  $("notice").textContent = "That code was refused; your bank sent a new challenge.";
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
  show("challenge");
  if (needsToken) tokenInput.focus();
  return new Promise((resolve) => {
    tokenForm.onsubmit = (event) => {
      event.preventDefault();
      resolve(needsToken ? tokenInput.value.trim() : undefined);
    };
  });
}

/** Answers challenges until the step succeeds. */
async function complete<T extends { __typename: string }>(
  first: T | Challenge,
  resume: (challenge: Challenge, token: string | undefined) => Promise<T | Challenge>,
): Promise<Exclude<T, Challenge>> {
  let result = first;
  let refused = false;
  while (result.__typename === "MfaChallenge") {
    const challenge = result as Challenge;
    result = await resume(challenge, await askFor(challenge, refused));
    refused = true;
  }
  return result as Exclude<T, Challenge>;
}

function problem(error: unknown) {
  const restart = $("restart");
  restart.hidden = true;
  let text = "Something went wrong; please try again.";
  if (error instanceof GatewayError) {
    text = error.message;
    if (error.code === "MFA_SESSION_EXPIRED") {
      text = "The bank's session expired before the code arrived.";
      restart.hidden = false;
    } else if (error.code === "RATE_LIMITED") {
      text = `Too many attempts. Try again in ${error.retryAfter ?? 60} seconds.`;
      restart.hidden = false;
    }
  }
  $("problem-text").textContent = text;
  show("problem");
}

async function connect() {
  const institution = (startForm.elements.namedItem("institution") as HTMLSelectElement).value;
  const registered = await client.registerLink({
    institution,
    username: username.value,
    password: password.value,
  });
  const link = await complete(registered, (challenge, token) =>
    client.resumeLink({ session: challenge.session, link: challenge.link, token }),
  );
  $("link").textContent =
    `Connected to ${link.institution.displayName ?? link.institution.name}: link ${link.status}.`;
  const today = new Date();
  const retrieval = await client.retrieveBalances({
    link: link.id,
    dateFrom: new Date(today.getTime() - 86_400_000).toISOString().slice(0, 10),
    dateTo: today.toISOString().slice(0, 10),
  });
  const list = await complete(retrieval, (challenge, token) =>
    client.resumeBalances({ session: challenge.session, link: challenge.link, token }),
  );
  const rows = list.balances.map((balance) => {
    const row = document.createElement("tr");
    for (const [text, amount] of [
      [balance.valueDate ?? "", false],
      [balance.account.name ?? "", false],
      [balance.account.category ?? "", false],
      [`${balance.balance ?? ""} ${balance.account.currency ?? ""}`, true],
    ] as const) {
      const cell = document.createElement("td");
      cell.textContent = text;
      if (amount) cell.className = "amount";
      row.append(cell);
    }
    return row;
  });
  document.querySelector("tbody")!.replaceChildren(...rows);
  show("result");
}

password.value = PASSWORDS[username.value] ?? "";
username.onchange = () => (password.value = PASSWORDS[username.value] ?? "");
startForm.onsubmit = (event) => {
  event.preventDefault();
  connect().catch(problem);
};
$("restart").onclick = () => show("start");
