import { execFileSync } from "node:child_process";
import { connect, createServer, type Socket } from "node:net";
import { Worker } from "node:worker_threads";

/** A loopback port nothing listens on (it was free a moment ago). */
/** Whether something accepts a TCP connection on this loopback port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

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
export function installed(command: string, why: string, versionFlag = "--version"): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${command} is missing (${why}): .ci/run must install it`);
    return false;
  }
}

/**
 * A loopback port that is listened on and never accepts: a worker thread listens, then blocks,
 * and the kernel's accept queue is filled, so a further connection hangs in its handshake, as to
 * an upstream that does not answer (a call to it is never sent). `close` frees the port.
 */
export async function unacceptingPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const server = require("node:net").createServer().listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       // Blocks the worker's event loop, so nothing is accepted, until the flag is set.
       while (Atomics.load(workerData, 0) === 0) Atomics.wait(workerData, 0, 0, 1_000);
       server.close();
     });`,
    { eval: true, workerData: flag },
  );
  const port = await new Promise<number>((resolve) => worker.once("message", resolve));
  const fillers: Socket[] = [];
  // Fill the accept queue: connect until a handshake no longer completes.
  for (let i = 0; i < 64; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    fillers.push(socket);
    const done = await new Promise<boolean>((resolve) => {
      socket.once("connect", () => resolve(true));
      setTimeout(() => resolve(false), 200);
    });
    if (!done) break;
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}
