/** `npm run demo`: the whole MFA journey in a terminal, through the typed client. */
import "reflect-metadata";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import {
  BelvoGatewayClient,
  GatewayClientError,
  type Challenge,
} from "@belvo-graphql-gateway/client";
import { Prompter } from "./prompt.js";

const USAGE = `Usage: npm run demo -- [options]

Registers a link on an MFA institution, answers its challenges, then retrieves balances, all
through the gateway's GraphQL. With no --url it starts the gateway and the built-in Belvo
emulator in this process.

  --url URL            a running gateway's GraphQL endpoint (e.g. http://127.0.0.1:4000/graphql)
  --api-key KEY        the gateway's client key, when it requires one
  --institution CODE   default heimdall_mx_retail (the emulator's MFA institutions: heimdall_*, gotham_*)
  --username NAME      default mfa_numeric (also mfa_default, mfa_qr; user_valid needs no MFA)
  --password SECRET    default: the emulator's password for that username
  --token CODE         answer the next challenge with CODE; repeat it once per challenge, in order.
                       The rest are read from standard input (hidden on a terminal).
  --help               this text

The bank asks twice: once to link the account, and again when the balances are retrieved. So a
scripted run needs a token for each step, plus one for each refused token:

  npm run demo -- --token 111111 --token 111111                  link, then balances
  npm run demo -- --token 999999 --token 111111 --token 111111   a refused token first

In the emulator 111111 is accepted and 999999 is refused with a fresh challenge.`;

const EMULATOR_PASSWORDS: Record<string, string> = {
  mfa_default: "pass_valid",
  mfa_numeric: "numeric_code",
  mfa_qr: "qr_code",
  user_valid: "pass_valid",
};

class Quit extends Error {}

type Step = "link" | "balances";

/** Why the run stops when the tokens run out: which step wanted one, and how to give it. */
function noToken(step: Step): string {
  const where =
    step === "link"
      ? "linking the account"
      : "retrieving the balances (the bank asks again after the link)";
  return `No token given for ${where} (input ended). Pass one --token per challenge, in order: the link's, then the balances'.`;
}

const CLIENT_CODES = new Set(["NETWORK_ERROR", "NOT_GRAPHQL", "CONFIGURATION_ERROR"]);

/** What to do about a failure, when the demo can tell. */
function hint(error: GatewayClientError, apiKey: string | undefined): string {
  switch (error.code) {
    case "UNAUTHENTICATED":
      return apiKey
        ? "The gateway refused that key: pass one of its GATEWAY_API_KEYS with --api-key.\n"
        : "This gateway requires a client key: pass it with --api-key KEY.\n";
    case "NETWORK_ERROR":
    case "NOT_GRAPHQL":
      return "Check --url: it should be the gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql.\n";
    default:
      return "";
  }
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      institution: { type: "string", default: "heimdall_mx_retail" },
      username: { type: "string", default: "mfa_numeric" },
      password: { type: "string" },
      token: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", default: false },
    },
  });
  const password = values.password ?? EMULATOR_PASSWORDS[values.username];
  if (!values.help && password === undefined)
    throw new Quit(`--password is needed for the username ${values.username}.`);
  return { ...values, password: password ?? "" };
}

/**
 * Until the step succeeds: shows the challenge, asks for its token (none when the user confirms
 * elsewhere), and answers it.
 */
async function complete<T extends { __typename: string }>(
  step: Step,
  first: T | Challenge,
  out: Writable,
  prompter: Prompter,
  resume: (challenge: Challenge, token: string | undefined) => Promise<T | Challenge>,
): Promise<Exclude<T, Challenge>> {
  if (first.__typename !== "MfaChallenge") return first as Exclude<T, Challenge>;
  let challenge = first as Challenge;
  for (;;) {
    const data = challenge.tokenGenerationData;
    out.write(`\nThe bank asks for a second factor (${data?.type ?? "token"}).\n`);
    if (data?.instructions) out.write(`  ${data.instructions}\n`);
    if (data?.value)
      out.write(`  ${data.type === "qr" ? "QR payload" : "Challenge code"}: ${data.value}\n`);
    let token: string | undefined;
    if (data?.expectsUserInput === false) {
      out.write("  Approve it in the bank's app; no code to type.\n");
      await prompter.confirm("  Press Enter once approved. ");
    } else {
      const typed = await prompter.ask("  Token: ");
      if (typed === null) throw new Quit(noToken(step));
      token = typed.trim();
    }
    const result = await resume(challenge, token);
    if (result.__typename !== "MfaChallenge") return result as Exclude<T, Challenge>;
    out.write("  That token was refused; the bank sent a fresh challenge.\n");
    challenge = result as Challenge;
  }
}

/** Retrieves the last three days of balances for the link and prints them as a table. */
async function showBalances(
  client: BelvoGatewayClient,
  linkId: string,
  out: Writable,
  prompter: Prompter,
): Promise<void> {
  const today = new Date();
  const dateTo = today.toISOString().slice(0, 10);
  const dateFrom = new Date(today.getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
  out.write(`\nRetrieving balances from ${dateFrom} to ${dateTo}…\n`);
  const retrieval = await client.retrieveBalances({ link: linkId, dateFrom, dateTo });
  const list = await complete("balances", retrieval, out, prompter, ({ session, link }, token) =>
    client.resumeBalances({ session, link, token }),
  );
  out.write(
    `\n${"date".padEnd(12)}${"account".padEnd(22)}${"category".padEnd(20)}${"currency".padEnd(10)}${"balance".padStart(14)}\n`,
  );
  // A balance or its account may be null (Belvo sent it so, or garbled): the rest still shows.
  for (const balance of list.balances) {
    const account = balance?.account;
    out.write(
      `${(balance?.valueDate ?? "").padEnd(12)}${(account?.name ?? "").padEnd(22)}${(account?.category ?? "").padEnd(20)}${(account?.currency ?? "").padEnd(10)}${(balance?.balance ?? "").padStart(14)}\n`,
    );
  }
  out.write(`\n${list.balances.length} balances${list.saved ? ", stored by Belvo" : ""}.\n`);
}

/** What to print for a failure the demo expects; undefined for one it does not (thrown on). */
function failure(error: unknown, apiKey: string | undefined): string | undefined {
  if (error instanceof GatewayClientError) {
    // The client's own codes mean the gateway said nothing (or nothing in GraphQL).
    const said = CLIENT_CODES.has(error.code) ? "" : "The gateway answered ";
    const retry = error.retryAfter ? ` (retry in ${error.retryAfter} s)` : "";
    return `\n${said}${error.code}: ${error.message}${retry}\n${hint(error, apiKey)}`;
  }
  if (error instanceof Quit) return `\n${error.message}\n`;
  return undefined;
}

export async function runDemo(
  argv: string[],
  out: Writable,
  input: NodeJS.ReadStream,
  terminal: NodeJS.WriteStream,
): Promise<number> {
  let config;
  try {
    config = options(argv);
  } catch (error) {
    out.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (config.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  // The gateway's and the emulator's modules are loaded only when they run here: --help and --url
  // answer without spending a second loading them.
  const local = config.url ? undefined : await (await import("./local.js")).startLocalGateway();
  const url = config.url ?? local!.url;
  const prompter = new Prompter(input, terminal, [...config.token]);
  try {
    // A lost connection is retried twice with the same Idempotency-Key, then the run stops and
    // says which URL could not be reached.
    const client = new BelvoGatewayClient(url, {
      apiKey: config["api-key"],
      retry: { maxAttempts: 3 },
    });
    out.write(
      `Gateway: ${url}${local ? " (started here, with the built-in Belvo emulator)" : ""}\n`,
    );
    out.write(`Registering ${config.username} at ${config.institution}…\n`);
    const registered = await client.registerLink({
      institution: config.institution,
      username: config.username,
      password: config.password,
    });
    const link = await complete("link", registered, out, prompter, ({ session, link }, token) =>
      client.resumeLink({ session, link, token }),
    );
    out.write(
      `\nLink ${link.id} is ${link.status} (${link.institution.displayName ?? link.institution.name}).\n`,
    );
    await showBalances(client, link.id, out, prompter);
    return 0;
  } catch (error) {
    const said = failure(error, config["api-key"]);
    if (said === undefined) throw error;
    out.write(said);
    return 1;
  } finally {
    prompter.close();
    await local?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run demo | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  process.exitCode = await runDemo(
    process.argv.slice(2),
    process.stdout,
    process.stdin,
    process.stdout,
  );
}
