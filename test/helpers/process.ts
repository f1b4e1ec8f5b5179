import { spawn, type ChildProcess } from "node:child_process";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Compiles src/ to dist/ as `npm start` does, so tests run what users run; once for all the
 * files of a run (scripts/build-server.mjs, which CI runs before the tests).
 */
export { buildOnce } from "../../scripts/build-server.mjs";

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
