// Builds the typed client (packages/client: tsc → dist/) when its dist/ is missing or older than
// its sources. The server's build, the demos, the web page's bundle and the tests' child processes
// take the client as a user would, by its package name, which node and bundlers resolve to dist/.
// prepare.mjs runs it before start/test/build; jest runs it as its global setup.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLIENT = fileURLToPath(new URL("../packages/client/", import.meta.url));
const TSC = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

function newestSource() {
  const inputs = [
    "package.json",
    "tsconfig.json",
    ...readdirSync(`${CLIENT}src`).map((f) => `src/${f}`),
  ];
  return Math.max(...inputs.map((input) => statSync(`${CLIENT}${input}`).mtimeMs));
}

export function buildClientIfStale() {
  const built = `${CLIENT}dist/index.js`;
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  console.error("> compiling the typed client (packages/client)");
  const result = spawnSync(process.execPath, [TSC, "-p", `${CLIENT}tsconfig.json`], {
    stdio: "inherit",
  });
  if (result.status !== 0)
    throw new Error(`building packages/client failed (exit ${result.status ?? result.signal})`);
}

export default buildClientIfStale;

if (process.argv[1] === fileURLToPath(import.meta.url)) buildClientIfStale();
