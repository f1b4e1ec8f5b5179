// Compiles src/ to dist/ as `npm start` does, for the tests that run what users run (the compiled
// gateway as a child process: test/helpers/process.ts's buildOnce). Once for all the files of a
// run: the jest workers that need dist/ at the same time take turns (one builds, the others wait
// and find it built), and a later file skips the build while no input changed since. CI runs it
// beside lint (`node scripts/build-server.mjs`, .ci/run), so no test file waits for it.
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Written when a build of dist/ ends; its time is when that build began. */
const STAMP = join(ROOT, "dist/.tests-build-stamp");
/** Held (a directory: made atomically) by the one process that builds dist/. */
const LOCK = join(ROOT, "dist/.tests-build-lock");
/** A lock older than this was left by a process that died while building. */
const STALE_LOCK_MS = 180_000;

/** The newest change to what the build reads: src/, the tsconfigs, package.json. */
function newestInput() {
  const inputs = ["tsconfig.json", "tsconfig.build.json", "package.json"].map((file) =>
    join(ROOT, file),
  );
  const sources = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" });
  inputs.push(...sources.map((file) => join(ROOT, "src", file)));
  return Math.max(...inputs.map((input) => statSync(input).mtimeMs));
}

const fresh = () => existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInput();

/** Takes the build lock; false when another process holds it (a stale lock is taken over). */
function lock() {
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    const held = statSync(LOCK, { throwIfNoEntry: false });
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS)
      rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** Builds dist/ unless it is fresh; waits while another process builds it. */
export async function buildOnce() {
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  while (!fresh()) {
    if (!lock()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (fresh()) return;
      const began = new Date();
      await promisify(execFile)(
        process.execPath,
        ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
        { cwd: ROOT },
      );
      writeFileSync(STAMP, "");
      utimesSync(STAMP, began, began);
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildOnce();
