/**
 * Several replicas of the compiled gateway behind the real HAProxy, on Redis watched by a real
 * Sentinel (test/replicas.test.ts; the bench's `bench/replicas.mjs` does the same by hand). Every
 * port is a free one chosen at start; nothing waits out real time: each wait polls what it waits for.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { runNode, waitForListening, type Started } from "./process.js";
import { startRedisServer, type RedisServer } from "./redis-server.js";
import { accepts, freePort } from "./system.js";

const ROOT = new URL("../../", import.meta.url).pathname;
/** The primary's name the sentinel watches (REDIS_SENTINEL_NAME). */
export const SENTINEL_NAME = "gateway-primary";

/** Polls `check` every 50 ms until it is true; fails after `timeoutMs` naming `what`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A redis-server that replicates `primary`; the copy it receives goes to `dir` (a replica writes one). */
async function startRedisReplica(primary: RedisServer, dir: string): Promise<RedisServer> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    [
      ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...["--replicaof", "127.0.0.1", new URL(primary.url).port, "--dir", dir],
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on("error", () => undefined);
  try {
    await until("the replica's sync", async () => {
      if (client.status === "wait" || client.status === "end") await client.connect();
      return (await client.info("replication")).includes("master_link_status:up");
    });
  } finally {
    client.disconnect();
  }
  return { url, server, stop: () => server.kill() };
}

/** Redis watched by one Sentinel: a primary, its replica, and the sentinel that can swap them. */
export class SentinelTopology {
  private constructor(
    readonly primary: RedisServer,
    readonly replica: RedisServer,
    private readonly sentinel: ChildProcess,
    readonly sentinelPort: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<SentinelTopology> {
    const dir = mkdtempSync(join(tmpdir(), "sentinel-"));
    // Either may become a replica and receive a copy on disk: both keep theirs in `dir`.
    const primary = await startRedisServer(dir);
    const replica = await startRedisReplica(primary, dir);
    const port = await freePort();
    // Sentinel rewrites its config file: one of its own. The failover is the test's (SENTINEL
    // FAILOVER): a primary frozen for a moment is not taken for down (5 s).
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${new URL(primary.url).port} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} 5000`,
        `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
        "",
      ].join("\n"),
    );
    const sentinel = spawn("redis-sentinel", [conf], { stdio: "ignore" });
    const topology = new SentinelTopology(primary, replica, sentinel, port, dir);
    // A failover needs a replica the sentinel knows (it learns them from the primary's INFO).
    await until("the sentinel to know the replica", async () => {
      const replicas = (await topology.ask("SENTINEL", "REPLICAS", SENTINEL_NAME)) as string[][];
      return replicas.length === 1 && !replicas[0]!.join(" ").includes("disconnected");
    });
    return topology;
  }

  /** REDIS_SENTINELS, REDIS_SENTINEL_NAME. */
  get settings(): Record<string, string> {
    return {
      REDIS_SENTINELS: `127.0.0.1:${this.sentinelPort}`,
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
    };
  }

  /** One command to the sentinel, on a connection of its own. */
  async ask(...command: string[]): Promise<unknown> {
    const client = new Redis(this.sentinelPort, "127.0.0.1", { maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      return await client.call(command[0]!, ...command.slice(1));
    } finally {
      client.disconnect();
    }
  }

  /** The server the sentinel names the primary now. */
  async current(): Promise<RedisServer> {
    const port = await this.primaryPort();
    return port === Number(new URL(this.primary.url).port) ? this.primary : this.replica;
  }

  /** The port of the server the sentinel names the primary. */
  async primaryPort(): Promise<number> {
    const [, port] = (await this.ask("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SENTINEL_NAME)) as [
      string,
      string,
    ];
    return Number(port);
  }

  /** SENTINEL FAILOVER, then waits until the replica is the primary (by the sentinel and itself). */
  async failover(): Promise<void> {
    const before = await this.primaryPort();
    await this.ask("SENTINEL", "FAILOVER", SENTINEL_NAME);
    const next = before === Number(new URL(this.primary.url).port) ? this.replica : this.primary;
    const client = new Redis(next.url, { maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await until("the failover", async () => {
        const named = await this.primaryPort();
        const role = (await client.call("ROLE")) as [string];
        return named === Number(new URL(next.url).port) && role[0] === "master";
      });
    } finally {
      client.disconnect();
    }
  }

  /** The connections `server` has from clients that named themselves `name` (CLIENT SETNAME). */
  async clientsNamed(server: RedisServer, name: string): Promise<number> {
    const client = new Redis(server.url, { maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      const list = (await client.call("CLIENT", "LIST")) as string;
      return list.split("\n").filter((line) => line.includes(` name=${name} `)).length;
    } finally {
      client.disconnect();
    }
  }

  stop(): void {
    this.sentinel.kill();
    this.replica.stop();
    this.primary.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One replica: its fixed port (kept across restarts, as HAProxy knows it) and its process. */
export interface Replica {
  name: string;
  port: number;
  url: string;
  process: Started | null;
}

/** Starts the compiled gateway as replica `replica` with `env` (PORT and HOST set here). */
export async function startReplica(replica: Replica, env: Record<string, string>): Promise<void> {
  replica.process = runNode("dist/index.js", {
    ...env,
    HOST: "127.0.0.1",
    PORT: String(replica.port),
  });
  await waitForListening(replica.process);
}

/** SIGTERM, and the exit code once the drain is over. */
export async function stopReplica(replica: Replica): Promise<number | null> {
  const started = replica.process;
  if (!started) return null;
  started.child.kill("SIGTERM");
  const code = await started.exit;
  replica.process = null;
  return code;
}

export async function makeReplicas(count: number): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 1; i <= count; i++) {
    const port = await freePort();
    replicas.push({ name: `gw${i}`, port, url: `http://127.0.0.1:${port}`, process: null });
  }
  return replicas;
}

/**
 * HAProxy with the shipped config (deploy/haproxy/haproxy.cfg), its servers these replicas on
 * loopback instead of Docker's DNS, checked every `checkInterval`, and each answer naming the
 * replica that gave it (`x-served-by`, added here only: the shipped config tells clients nothing).
 */
export class LoadBalancer {
  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
    private readonly dir: string,
    readonly log: string[],
  ) {}

  static async start(replicas: Replica[], checkInterval = "100ms"): Promise<LoadBalancer> {
    const shipped = readFileSync(join(ROOT, "deploy/haproxy/haproxy.cfg"), "utf8");
    const template = /^ {2}server-template .*$/m;
    if (!template.test(shipped)) throw new Error("haproxy.cfg: no server-template line");
    const servers = replicas.map(({ name, port }) => `  server ${name} 127.0.0.1:${port} check`);
    const config = shipped.replace(
      template,
      [...servers, "  http-response set-header x-served-by %s"].join("\n"),
    );
    const dir = mkdtempSync(join(tmpdir(), "haproxy-"));
    writeFileSync(join(dir, "haproxy.cfg"), config);
    const port = await freePort();
    const child = spawn("/usr/sbin/haproxy", ["-db", "-f", join(dir, "haproxy.cfg")], {
      env: { LB_BIND: `127.0.0.1:${port}`, LB_CHECK_INTERVAL: checkInterval },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    await until("HAProxy to listen", () => accepts(port));
    return new LoadBalancer(child, `http://127.0.0.1:${port}`, dir, log);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.kill("SIGTERM");
    await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
