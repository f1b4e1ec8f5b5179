import { spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./system.js";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A real redis-server on a free loopback port, keeping nothing on disk. */
export async function startRedisServer(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  for (let tries = 0; !(await accepts(port)); tries++) {
    if (tries > 50) {
      redis.kill();
      throw new Error("redis-server did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill() };
}
