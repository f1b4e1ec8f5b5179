// Makes `npm start` and `npm test` work on a fresh clone: installs from the lockfile when
// node_modules is missing or older than package-lock.json, builds the typed client (a workspace
// the demos and tests import by name) when it is stale, and builds the server when asked ("build").
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { buildClientIfStale } from "./build-client.mjs";

function run(label, command, args) {
  console.error(`> ${label}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const marker = "node_modules/.package-lock.json";
if (!existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs) {
  run("installing dependencies from package-lock.json (npm ci)", "npm", [
    "ci",
    "--no-audit",
    "--no-fund",
  ]);
}
buildClientIfStale();
// The offline explorer's bundle (tests and the gateway outside production serve it). Without
// the dev dependencies (a production install), there is nothing to bundle it with, and no need.
try {
  const { buildExplorer } = await import("./build-explorer.mjs");
  if (await buildExplorer()) console.error("> bundled the offline explorer (esbuild)");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  console.error("> offline explorer not bundled: esbuild is not installed (npm ci --omit=dev)");
}
if (process.argv.includes("build")) {
  run("compiling TypeScript (tsc)", process.execPath, [
    "node_modules/typescript/bin/tsc",
    "-p",
    "tsconfig.build.json",
  ]);
}
