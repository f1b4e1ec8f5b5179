/**
 * The typed client as a user gets it: `npm pack` in a fresh copy of packages/client (no dist/ yet,
 * so packing must build it), the tarball installed into an empty TypeScript project, a small
 * program type-checked in strict mode against the installed .d.ts, then run against a gateway on
 * the built-in emulator.
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
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { possibleTypes } from "@belvo-graphql-gateway/client";
import { useGateway } from "./helpers/kit.js";

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
    skipLibCheck: false,
    outDir: "dist",
  },
  files: ["main.ts"],
};

let work: string;
let packed: { filename: string; files: { path: string }[] };

/** The program a user would write; it must compile under `strict` with the package's types. */
function program(url: string): string {
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

  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module" }),
  );
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG));
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)],
    { cwd: app },
  );
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it("packs the built client and its sources, and nothing of the server", () => {
  const files = packed.files.map((file) => file.path).sort();
  for (const built of ["dist/index.js", "dist/index.d.ts", "dist/possible-types.js"])
    expect(files).toContain(built);
  for (const file of files) expect(file).toMatch(/^(dist|src)\/|^(package\.json|README\.md)$/);
  const manifest = JSON.parse(
    readFileSync(join(work, "app/node_modules/@belvo-graphql-gateway/client/package.json"), "utf8"),
  );
  expect(manifest.private).toBeUndefined();
  expect(Object.keys(manifest.dependencies).sort()).toEqual([
    "@graphql-typed-document-node/core",
    "graphql-request",
  ]);
  expect(existsSync(join(work, "app/node_modules/@apollo/server"))).toBe(false);
});

it("type-checks a program in strict mode and runs it against the gateway", async () => {
  const app = join(work, "app");
  writeFileSync(join(app, "main.ts"), program(`${kit.url}/graphql`));
  await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: app }).catch(
    (error: Error & { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? error.message}`);
    },
  );
  const { stdout } = await run(process.execPath, ["dist/main.js"], { cwd: app });
  expect(stdout.split("\n")).toEqual([
    "challenge numeric",
    "link VALID",
    "BAD_USER_INPUT 1",
    "CONFIGURATION_ERROR",
    // The installed package's possibleTypes are the ones this repository's source generates.
    Object.keys(possibleTypes).sort().join(" "),
    "",
  ]);
  // tsc in a child process: CPU-bound, and it shares the cores with CI's other workers.
}, 60_000);
