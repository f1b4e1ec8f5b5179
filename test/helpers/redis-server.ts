import { spawn, type ChildProcess } from "node:child_process";
import { accepts, freePort } from "./system.js";

export interface RedisServer {
  url: string;
  /** The redis-server process, for a test that freezes (SIGSTOP) or kills it. */
  server: ChildProcess;
  stop(): void;
}

/**
 * A real redis-server on a free loopback port, keeping nothing on disk; with `dir`, a `SAVE`
 * writes an uncompressed dump.rdb there (for a test that reads what Redis holds).
 */
export async function startRedisServer(dir?: string): Promise<RedisServer> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    [
      ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...(dir === undefined ? [] : ["--dir", dir, "--rdbcompression", "no"]),
    ],
    { stdio: "ignore" },
  );
  for (let tries = 0; !(await accepts(port)); tries++) {
    if (tries > 50) {
      server.kill();
      throw new Error("redis-server did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, server, stop: () => server.kill() };
}
