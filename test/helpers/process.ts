import { execFile, spawn, type ChildProcess } from "node:child_process";
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
import { promisify } from "node:util";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Written when a build of dist/ ends; its time is when that build began. */
const STAMP = join(ROOT, "dist/.tests-build-stamp");
/** Held (a directory: made atomically) by the one jest worker that builds dist/. */
const LOCK = join(ROOT, "dist/.tests-build-lock");
/** A lock older than this was left by a worker that died while building. */
const STALE_LOCK_MS = 180_000;

/** The newest change to what the build reads: src/, the tsconfigs, package.json. */
function newestInput(): number {
  const inputs = ["tsconfig.json", "tsconfig.build.json", "package.json"].map((file) =>
    join(ROOT, file),
  );
  const sources = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" });
  inputs.push(...sources.map((file) => join(ROOT, "src", file)));
  return Math.max(...inputs.map((input) => statSync(input).mtimeMs));
}

const fresh = () => existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestInput();

/** Takes the build lock; false when another worker holds it (a stale lock is taken over). */
function lock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const held = statSync(LOCK, { throwIfNoEntry: false });
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS)
      rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * Compiles src/ to dist/ as `npm start` does, so tests run what users run. Once for all the
 * files of a run: the jest workers that need dist/ at the same time take turns (one builds, the
 * others wait and find it built), and a later file skips the build while no input changed since.
 */
export async function buildOnce(): Promise<void> {
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

export interface Started {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

/** Runs a compiled entry point with only the given settings (none of the test runner's). */
export function runNode(
  script: string,
  env: Record<string, string> = {},
  args: string[] = [],
  /** Written to its standard input, then closed; none when undefined. */
  stdin?: string,
): Started {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exit };
}

/** Waits until stdout matches `pattern`; returns the first group. */
export async function waitForOutput(
  started: Started,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(started.stdout.join(""));
    if (match) return match[1] ?? match[0];
    if (Date.now() > deadline || started.child.exitCode !== null) {
      throw new Error(
        `no ${String(pattern)} in output:\n${started.stdout.join("")}\n${started.stderr.join("")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the whole start-up banner (its last line is the health line); answers the gateway's base URL. */
export async function waitForListening(started: Started): Promise<string> {
  await waitForOutput(started, /health: http:\/\/[\d.:]+\/health/);
  return waitForOutput(started, /listening at (http:\/\/[\d.:]+)\/graphql/);
}
