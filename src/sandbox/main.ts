/** `npm run sandbox -- --port 8000`: the emulator alone, as a fake Belvo for frontend work. */
import { parseArgs } from "node:util";
import { startSandbox } from "./server.js";

const USAGE = `Usage: npm run sandbox -- [--port 8000] [--host 127.0.0.1] [--refresh-cooldown-ms 600000]

Starts the built-in Belvo sandbox emulator. Any non-empty Basic key pair is accepted.`;

function option(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (value.trim() === "") throw new Error(`--${name} needs a value`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "refresh-cooldown-ms": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = option(values.port, "port", "8000");
  if (!/^\d+$/.test(port) || Number(port) > 65535)
    throw new Error(`--port: expected a port number, got "${port}"`);
  const cooldown = option(values["refresh-cooldown-ms"], "refresh-cooldown-ms", "600000");
  if (!/^\d{1,9}$/.test(cooldown))
    throw new Error(`--refresh-cooldown-ms: expected milliseconds, got "${cooldown}"`);
  const sandbox = await startSandbox(Number(port), option(values.host, "host", "127.0.0.1"), {
    refreshCooldownMs: Number(cooldown),
  });
  console.log(`Belvo sandbox emulator listening at ${sandbox.url}/api/`);
  console.log(
    "Institutions: erebor_*/gringotts_* (no MFA), heimdall_*_retail/gotham_*_business (MFA).",
  );
  console.log(
    "Logins: user_valid/pass_valid (user_history/pass_valid: two years of transactions); mfa_default/pass_valid, mfa_numeric/numeric_code, mfa_qr/qr_code. Token 111111 passes, 999999 fails.",
  );
  console.log(
    "Reconnect: user_password_changes/pass_valid and user_token_again/pass_valid turn INVALID/TOKEN_REQUIRED at their first refresh.",
  );
  console.log(
    "Resources: links, accounts, balances, transactions, owners (POST starts, PATCH resumes; MFA links challenge on each).",
  );
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
