/** `npm run demo`, driven as a script and through its prompt (piped standard input). */
import { createServer } from "node:http";
import { CODE_HINT } from "../src/sandbox/mfa.js";
import type { AddressInfo } from "node:net";
import { useGateway } from "./helpers/kit.js";
import { buildOnce, runNode } from "./helpers/process.js";

beforeAll(() => buildOnce(), 120_000);

/** The demo's command line from its flags (`{ url: "…" }` is `--url …`). */
const flags = (named: Record<string, string>) =>
  Object.entries(named).flatMap(([name, value]) => [`--${name}`, value]);

async function demo(args: string[], stdin?: string) {
  const run = runNode("dist/demo/cli.js", {}, args, stdin);
  const code = await run.exit;
  return { code, out: run.stdout.join(""), err: run.stderr.join("") };
}

it("--help explains the flags", async () => {
  const { code, out } = await demo(["--help"]);
  expect(code).toBe(0);
  for (const flag of [
    "--url",
    "--api-key",
    "--institution",
    "--username",
    "--password",
    "--token",
    "--help",
  ])
    expect(out).toContain(flag);
  expect(out).toContain(
    "The bank asks twice: once to link the account, and again when the balances",
  );
  expect(out).toContain("npm run demo -- --token 111111 --token 111111 ");
});

it("says which step wanted a token when the tokens run out", async () => {
  const { code, out } = await demo(["--token", "999999", "--token", "111111"]);
  expect(code).toBe(1);
  expect(out).toMatch(/Link [0-9a-f-]{36} is VALID/);
  expect(out).toMatch(
    /No token given for retrieving the balances \(the bank asks again after the link\) \(input ended\)\. Pass one --token per challenge, in order: the link's, then the balances'\.\n$/,
  );
});

it("names the URL it could not reach, and refuses one without a scheme", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const unreachable = await demo(["--url", `http://127.0.0.1:${port}/graphql`]);
  expect(unreachable.code).toBe(1);
  expect(unreachable.out).toContain(
    `\nNETWORK_ERROR: The gateway at http://127.0.0.1:${port}/graphql could not be reached (ECONNREFUSED).\nCheck --url`,
  );

  const schemeless = await demo(["--url", "127.0.0.1:4000/graphql"]);
  expect(schemeless.code).toBe(1);
  expect(schemeless.out).toContain(
    'CONFIGURATION_ERROR: The gateway URL "127.0.0.1:4000/graphql" is not an http:// or https:// URL with a host; did you mean http://127.0.0.1:4000/graphql?',
  );
});

it("with --token: a wrong token, a fresh challenge, the right one, the link and a balances table", async () => {
  const { code, out } = await demo(["--token", "999999", "--token", "111111", "--token", "111111"]);
  expect(code).toBe(0);
  expect(out).toContain("(started here, with the built-in Belvo emulator)");
  expect(out).toMatch(/Challenge code: \d{6}/);
  expect(out).toContain("That token was refused; the bank sent a fresh challenge.");
  expect(out).toMatch(/Link [0-9a-f-]{36} is VALID \(Heimdall Mexico\)\./);
  expect(out).toMatch(/date {8}account {15}category {12}currency {9}balance/);
  expect(out).toMatch(
    /\d{4}-\d{2}-\d{2} {2}Cuenta Corriente +CHECKING_ACCOUNT +MXN +\d+(\.\d+)?\n/,
  );
  expect(out).toMatch(/\n15 balances, stored by Belvo\.\n$/);
  // The emulator's instructions name the codes; the tokens typed are never echoed.
  expect(out.replaceAll(CODE_HINT, "")).not.toContain("999999");
});

it("through its prompt: tokens typed on standard input, never echoed", async () => {
  const { code, out } = await demo([], "999999\n111111\n111111\n");
  expect(code).toBe(0);
  expect(out.match(/ {2}Token: \n/g)).toHaveLength(3);
  expect(out).toContain("That token was refused");
  expect(out).toContain("15 balances");
  // The emulator's instructions name the codes; the tokens typed are never echoed.
  expect(out.replaceAll(CODE_HINT, "")).not.toContain("111111");
});

it("an input-less QR challenge goes on without a token", async () => {
  const { code, out } = await demo(["--username", "mfa_qr", "--institution", "gotham_co_business"]);
  expect(code).toBe(0);
  expect(out).toMatch(/QR payload: belvo-sandbox:\/\/approve\?session=[0-9a-f]{32}/);
  expect(out).not.toContain("Token:");
  expect(out).toContain("(Gotham Business Colombia)");
  expect(out).toMatch(/COP +\d/);
});

it("says why it stops when the input ends before a token", async () => {
  const { code, out } = await demo([], "");
  expect(code).toBe(1);
  expect(out).toMatch(/No token given for linking the account \(input ended\)\. Pass one --token/);
});

describe("against a running gateway (--url, --api-key)", () => {
  const KEY = "demo-test-key-0000000001";
  const kit = useGateway({ upstream: "emulator", apiKeys: [KEY] });

  it("uses it, with the key", async () => {
    const { code, out } = await demo(
      flags({
        url: `${kit.url}/graphql`,
        "api-key": KEY,
        username: "user_valid",
        institution: "erebor_br_retail",
      }),
    );
    expect(code).toBe(0);
    expect(out).toContain(`Gateway: ${kit.url}/graphql\n`);
    expect(out).not.toContain("bank asks");
    expect(out).toMatch(/BRL +\d/);
  });

  it("reports the gateway's error code, e.g. a missing key", async () => {
    const { code, out } = await demo(["--url", `${kit.url}/graphql`, "--username", "user_valid"]);
    expect(code).toBe(1);
    expect(out).toContain("The gateway answered UNAUTHENTICATED: Send a valid gateway API key");
    expect(out).toContain("This gateway requires a client key: pass it with --api-key KEY.");
  });

  it("says a refused key is refused, without repeating it", async () => {
    const { code, out } = await demo(
      flags({
        url: `${kit.url}/graphql`,
        "api-key": "not-the-key-000000000001",
        username: "user_valid",
      }),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      "The gateway refused that key: pass one of its GATEWAY_API_KEYS with --api-key.",
    );
    expect(out).not.toContain("not-the-key");
  });
});
