/**
 * The typed client as a user gets it: `npm pack` in a fresh copy of packages/client (no dist/ yet,
 * so packing must build it), the tarball installed into an empty TypeScript project, a small
 * program type-checked in strict mode against the installed .d.ts, then run against a gateway on
 * the built-in emulator. The same tarball in a CommonJS project (as `npm init` and `tsc --init`
 * make one), and the codegen recipe of docs/frontend.md run on the schema the package ships.
 */
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { possibleTypes } from "@belvo-graphql-gateway/client";
import { useGateway } from "./helpers/kit.js";
import { loadRecipe, runRecipe } from "./helpers/codegen-recipe.js";
import { documentation } from "./helpers/markdown.js";

const run = promisify(execFile);
const ROOT = new URL("../", import.meta.url).pathname;
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** A user's strict project; no @types, so only the package's own declarations are in play. */
const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022", "DOM"],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    // The package's own .d.ts are checked; TypeScript's lib files (lib.dom.d.ts…) are not ours.
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    outDir: "dist",
  },
  files: ["main.ts"],
};

let work: string;
let packed: { filename: string; files: { path: string }[] };

/** What `tsc --init` (TypeScript 5.9) writes, in a project `npm init` made CommonJS. */
const TSC_INIT = {
  compilerOptions: {
    module: "nodenext",
    target: "esnext",
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    moduleDetection: "force",
    skipLibCheck: true,
  },
  files: ["main.ts"],
};

/** A CommonJS program: docs/frontend.md's dynamic import(), and Node 20.19's require of ESM. */
function commonJsProgram(url: string): string {
  return `import type { LinkResult } from "@belvo-graphql-gateway/client";
import gatewayClient = require("@belvo-graphql-gateway/client");

async function main() {
  const { BelvoGatewayClient } = await import("@belvo-graphql-gateway/client");
  const gateway = new BelvoGatewayClient(${JSON.stringify(url)});
  const result: LinkResult = await gateway.registerLink({
    institution: "heimdall_mx_retail",
    username: "mfa_numeric",
    password: "numeric_code",
  });
  const required = new gatewayClient.BelvoGatewayClient(${JSON.stringify(url)});
  const link = result.__typename === "MfaChallenge" ? await required.link(result.link) : null;
  console.log(\`import() \${result.__typename}, require \${link?.status ?? "none"}\`);
}
void main();
`;
}

/** The app's own operations, typed by the codegen recipe, run with graphql-request. */
const APP_DOCUMENTS = `mutation Register($input: RegisterLinkInput!) {
  registerLink(input: $input) {
    __typename
    ... on Link { id status }
  }
}
query SavedBalances($link: ID!) {
  link(id: $link) { lastAccessedAt }
  balances(link: $link) { balance valueDate }
}
`;
const APP_PROGRAM = (url: string) => `import { request } from "graphql-request";
import { RegisterDocument, SavedBalancesDocument, type LinkStatus } from "./src/gql/graphql.js";

const url = ${JSON.stringify(url)};
const input = { institution: "erebor_mx_retail", username: "user_valid", password: "pass_valid" };
const { registerLink } = await request(url, RegisterDocument, { input });
if (registerLink.__typename !== "Link") throw new Error(registerLink.__typename);
const status: LinkStatus = registerLink.status;
const saved = await request(url, SavedBalancesDocument, { link: registerLink.id });
// Scalars are strings: none of these compiles against unknown.
const amount: string | null | undefined = saved.balances[0]?.balance;
const day: string | null | undefined = saved.balances[0]?.valueDate;
const accessed: string | null | undefined = saved.link?.lastAccessedAt;
console.log([registerLink.__typename, status, typeof accessed, [amount, day].length].join(" "));
`;

/** The program a user would write; it must compile under `strict` with the package's types. */
function program(url: string, downUrl: string): string {
  return `import { BelvoGatewayClient, GatewayClientError, possibleTypes, type LinkResult } from "@belvo-graphql-gateway/client";

const client = new BelvoGatewayClient(${JSON.stringify(url)});

function describe(result: LinkResult): string {
  switch (result.__typename) {
    case "Link":
      return \`link \${result.status}\`;
    case "MfaChallenge":
      return \`challenge \${result.tokenGenerationData?.type ?? "none"}\`;
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** Never called: proves the inputs are typed, not any. */
export function misuse() {
  // @ts-expect-error a token is a string
  return client.resumeLink({ session: "s", link: "l", token: 111111 });
}

const lines: string[] = [];
const registered = await client.registerLink({
  institution: "heimdall_mx_retail",
  username: "mfa_numeric",
  password: "numeric_code",
});
lines.push(describe(registered));
if (registered.__typename === "MfaChallenge") {
  const { session, link } = registered;
  lines.push(describe(await client.resumeLink({ session, link, token: "111111" })));
}
try {
  await client.resumeLink({ session: "nope", link: "00000000-0000-4000-8000-000000000000" });
} catch (error) {
  if (error instanceof GatewayClientError) lines.push(\`\${error.code} \${error.errors.length}\`);
}
try {
  new BelvoGatewayClient("localhost:4000/graphql");
} catch (error) {
  if (error instanceof GatewayClientError) lines.push(error.code);
}
// A gateway that is down: a write fails fast, telling each retry.
const retried: number[] = [];
const down = new BelvoGatewayClient(${JSON.stringify(downUrl)}, {
  retry: { unreachableMs: 300, baseDelayMs: 20, onRetry: (event) => void retried.push(event.attempt) },
});
try {
  await down.registerLink({ institution: "heimdall_mx_retail", username: "u", password: "p" });
} catch (error) {
  if (error instanceof GatewayClientError)
    lines.push(\`\${error.code} \${error.reason} \${retried[0]}\`);
}
lines.push(Object.keys(possibleTypes).sort().join(" "));
console.log(lines.join("\\n"));
`;
}

const kit = useGateway({ upstream: "emulator" });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "client-package-"));

  // A copy as a fresh checkout has it: sources, no dist/. Its dependencies resolve, as in the
  // workspace, from the root's node_modules.
  const source = join(work, "client");
  cpSync(join(ROOT, "packages/client"), source, {
    recursive: true,
    filter: (path) => !/\/(dist|node_modules)(\/|$)/.test(path.slice(ROOT.length)),
  });
  symlinkSync(join(ROOT, "node_modules"), join(source, "node_modules"));
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: source,
  });
  packed = (JSON.parse(stdout) as (typeof packed)[])[0]!;

  // The two projects install the same tarball side by side.
  const app = join(work, "app");
  const commonJs = join(work, "cjs");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module" }),
  );
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG));
  mkdirSync(commonJs);
  writeFileSync(
    join(commonJs, "package.json"),
    JSON.stringify({ name: "cjs-app", private: true, type: "commonjs" }),
  );
  writeFileSync(join(commonJs, "tsconfig.json"), JSON.stringify(TSC_INIT));
  await Promise.all([install(app), install(commonJs)]);
}, 180_000);

const install = (cwd: string) =>
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)],
    { cwd },
  );

/** tsc -p in `cwd`; its diagnostics as the error. */
async function compile(cwd: string, project = "tsconfig.json") {
  await run(process.execPath, [TSC, "-p", project], { cwd }).catch(
    (error: Error & { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? error.message}`);
    },
  );
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it("packs the built client and its sources, and nothing of the server", () => {
  const files = packed.files.map((file) => file.path).sort();
  for (const built of ["dist/index.js", "dist/index.d.ts", "dist/possible-types.js"])
    expect(files).toContain(built);
  for (const file of files)
    expect(file).toMatch(/^(dist|src)\/|^(package\.json|README\.md|schema\.graphql)$/);
  // The gateway's schema ships with it, for apps' codegen.
  expect(
    readFileSync(
      join(work, "app/node_modules/@belvo-graphql-gateway/client/schema.graphql"),
      "utf8",
    ),
  ).toBe(readFileSync(join(ROOT, "schema.graphql"), "utf8"));
  const manifest = JSON.parse(
    readFileSync(join(work, "app/node_modules/@belvo-graphql-gateway/client/package.json"), "utf8"),
  );
  expect(manifest.private).toBeUndefined();
  expect(Object.keys(manifest.dependencies).sort()).toEqual([
    "@graphql-typed-document-node/core",
    "graphql-request",
    // subscribeLinkEvents (Server-Sent Events); no dependency of its own.
    "graphql-sse",
  ]);
  expect(existsSync(join(work, "app/node_modules/@apollo/server"))).toBe(false);
});

/**
 * The two programs, written with the gateway's URL and compiled side by side (two tsc processes,
 * independent); each test awaits its own compilation, so a failure shows in the test concerned.
 */
let compiled: { app: Promise<void>; commonJs: Promise<void> };

beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
  await new Promise((resolve) => closed.close(resolve));
  writeFileSync(join(work, "app/main.ts"), program(`${kit.url}/graphql`, downUrl));
  writeFileSync(join(work, "cjs/main.ts"), commonJsProgram(`${kit.url}/graphql`));
  compiled = { app: compile(join(work, "app")), commonJs: compile(join(work, "cjs")) };
  // Not lost while waiting: the test that awaits each one reports its failure.
  for (const compilation of Object.values(compiled)) compilation.catch(() => undefined);
});

it("type-checks a program in strict mode and runs it against the gateway", async () => {
  await compiled.app;
  const { stdout } = await run(process.execPath, ["dist/main.js"], { cwd: join(work, "app") });
  expect(stdout.split("\n")).toEqual([
    "challenge numeric",
    "link VALID",
    "BAD_USER_INPUT 1",
    "CONFIGURATION_ERROR",
    "NETWORK_ERROR ECONNREFUSED 2",
    // The installed package's possibleTypes are the ones this repository's source generates.
    Object.keys(possibleTypes).sort().join(" "),
    "",
  ]);
}, 60_000);

it("a CommonJS project (npm init, tsc --init) loads it with import() or require, typed", async () => {
  await compiled.commonJs;
  const { stdout } = await run(process.execPath, ["main.js"], { cwd: join(work, "cjs") });
  expect(stdout).toBe("import() MfaChallenge, require TOKEN_REQUIRED\n");
}, 60_000);

it("the documentation's codegen recipe types an app's operations: strict, verbatimModuleSyntax, and they run", async () => {
  const app = join(work, "app");
  // The recipe's block, wherever the documentation keeps it (docs/frontend.md).
  const recipes = documentation().flatMap(({ text }) => [
    ...text.matchAll(/<!-- codegen recipe -->\s*```ts\n([\s\S]*?)```/g),
  ]);
  expect(recipes).toHaveLength(1);
  const block = recipes[0]?.[1];
  const recipe = await loadRecipe(block ?? "", app);
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "src/operations.graphql"), APP_DOCUMENTS);
  const written = await runRecipe(recipe, app);
  const generated = written["src/gql/graphql.ts"] ?? "";
  // The scalars are strings, never unknown.
  expect(generated).toContain(
    "balances: Array<{ balance: string | null, valueDate: string | null }",
  );
  expect(generated).not.toMatch(/\w\??: unknown\b/);
  expect(generated).toMatch(/^import type /m);
  writeFileSync(join(app, "codegen-main.ts"), APP_PROGRAM(`${kit.url}/graphql`));
  const project = {
    compilerOptions: { ...TSCONFIG.compilerOptions, verbatimModuleSyntax: true, outDir: "out" },
    files: ["codegen-main.ts"],
  };
  writeFileSync(join(app, "tsconfig.codegen.json"), JSON.stringify(project));
  await compile(app, "tsconfig.codegen.json");
  const { stdout } = await run(process.execPath, ["out/codegen-main.js"], { cwd: app });
  expect(stdout).toBe("Link VALID string 2\n");
}, 60_000);
