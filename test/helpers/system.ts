import { execFileSync } from "node:child_process";
import { createServer } from "node:net";

/** A loopback port nothing listens on (it was free a moment ago). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Whether a system program the suite needs is installed. CI installs each (`.ci/run`), so there a
 * missing one fails the run instead of skipping its tests.
 */
export function installed(command: string, why: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${command} is missing (${why}): .ci/run must install it`);
    return false;
  }
}
