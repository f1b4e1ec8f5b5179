// `npm run bench:replicas`: throughput of 1, 2 and 3 replicas of the gateway's production build
// behind HAProxy (the shipped deploy/haproxy/haproxy.cfg, its servers on loopback), with Redis in
// the loop: every request resumes its own link (the MFA cap counts it in Redis and gives it back)
// with its own Idempotency-Key (claimed and its answer stored in Redis), against the in-memory
// Belvo (bench/upstream.mjs), loaded with autocannon. It prints a table: requests per second,
// latency, the Redis commands per request, and the CPU each process took (in cores), which says
// where the ceiling is. Not part of the tests. Settings: BENCH_DURATION_S (10), BENCH_WARMUP_S (3),
// BENCH_CONNECTIONS (64), BENCH_REPLICAS (1,2,3), BENCH_IDEMPOTENCY_KEYS=0 (no keys).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { SCENARIOS } from "./scenarios.mjs";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const COUNTS = (process.env.BENCH_REPLICAS ?? "1,2,3").split(",").map(Number);
const KEYED = process.env.BENCH_IDEMPOTENCY_KEYS !== "0";
const API_KEY = "bench-client-key-0123456789";
const SCENARIO = SCENARIOS.find((scenario) => scenario.name === "resumeLink → Link");
const RUN = Date.now().toString(36);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function until(what, check) {
  for (let tries = 0; tries < 200; tries++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: timed out`);
}

function start(command, args, env = {}) {
  return spawn(command, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** HAProxy running the shipped config with `ports` as its servers; resolves once it serves. */
async function startBalancer(ports, dir) {
  const shipped = readFileSync("deploy/haproxy/haproxy.cfg", "utf8");
  const servers = ports.map((port, i) => `  server gw${i + 1} 127.0.0.1:${port} check`).join("\n");
  const config = shipped.replace(/^ {2}server-template .*$/m, servers);
  const file = join(dir, `haproxy-${ports.length}.cfg`);
  writeFileSync(file, config);
  const port = await freePort();
  const child = start("/usr/sbin/haproxy", ["-db", "-f", file], {
    LB_BIND: `127.0.0.1:${port}`,
    LB_CHECK_INTERVAL: "2s",
  });
  const url = `http://127.0.0.1:${port}`;
  await until("HAProxy", async () => (await fetch(`${url}/ready`)).ok);
  return { child, url };
}

let sequence = 0;
function load(url, seconds) {
  return autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    requests: [
      {
        setupRequest: (request) => {
          sequence++;
          const link = `00000000-0000-4000-8000-${(sequence % 2 ** 48).toString(16).padStart(12, "0")}`;
          const headers = KEYED
            ? { ...request.headers, "idempotency-key": `bench-${RUN}-${sequence}` }
            : request.headers;
          const variables = { input: { ...SCENARIO.input, link } };
          return {
            ...request,
            headers,
            body: JSON.stringify({ query: SCENARIO.query, variables }),
          };
        },
      },
    ],
    verifyBody: (text) => {
      try {
        return SCENARIO.gateway(JSON.parse(text).data);
      } catch {
        return false;
      }
    },
  });
}

/**
 * What Redis did so far: its commands (those a script runs included) and its script calls (each one
 * round trip; the guards' counts and the idempotency claims and answers are scripts).
 */
async function redisCommands(redis) {
  const info = await redis.info("commandstats");
  let commands = 0;
  let scripts = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
    commands += Number(calls);
    if (name === "eval" || name === "evalsha") scripts += Number(calls);
  }
  return { commands, scripts };
}

/** One row: N replicas behind the balancer, measured after a warm-up. */
async function measure(count, gateways, others, redis, dir) {
  const balancer = await startBalancer(
    gateways.slice(0, count).map(({ port }) => port),
    dir,
  );
  await load(balancer.url, WARMUP_S);
  const processes = [
    ...gateways.slice(0, count).map(({ child }, i) => ({ name: `gateway ${i + 1}`, child })),
    { name: "haproxy", child: balancer.child },
    ...others,
  ];
  const before = processes.map(({ child }) => cpuSeconds(child.pid));
  const commandsBefore = await redisCommands(redis);
  const result = await load(balancer.url, DURATION_S);
  const commandsAfter = await redisCommands(redis);
  const cores = processes.map(({ name, child }, i) => ({
    name,
    cores: (cpuSeconds(child.pid) - before[i]) / result.duration,
  }));
  balancer.child.kill();
  const wrong = result.mismatches + result.non2xx + result.errors + result.timeouts;
  if (wrong > 0) throw new Error(`${count} replicas: ${wrong} wrong answers`);
  return {
    count,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    scriptsPerRequest: (commandsAfter.scripts - commandsBefore.scripts) / result.requests.total,
    commandsPerRequest: (commandsAfter.commands - commandsBefore.commands) / result.requests.total,
    cores,
  };
}

function print(rows) {
  console.log(
    `\n${SCENARIO.name}, ${CONNECTIONS} connections, ${KEYED ? "an Idempotency-Key per request" : "no keys"}, ${DURATION_S} s per row\n`,
  );
  console.log(
    "| replicas | req/s | × 1 replica | p50 ms | p99 ms | Redis scripts/req | Redis commands/req | CPU (cores): gateways / haproxy / redis / belvo |",
  );
  console.log("| -: | -: | -: | -: | -: | -: | -: | - |");
  for (const row of rows) {
    const gateways = row.cores.filter(({ name }) => name.startsWith("gateway"));
    const other = (name) => row.cores.find((entry) => entry.name === name).cores.toFixed(2);
    const each = gateways.map(({ cores }) => cores.toFixed(2)).join(" + ");
    console.log(
      `| ${row.count} | ${Math.round(row.rps)} | ${(row.rps / rows[0].rps).toFixed(2)} | ${row.p50} | ${row.p99} | ${row.scriptsPerRequest.toFixed(1)} | ${row.commandsPerRequest.toFixed(1)} | ${each} / ${other("haproxy")} / ${other("redis")} / ${other("belvo")} |`,
    );
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "bench-replicas-"));
  const [upstreamPort, redisPort] = [await freePort(), await freePort()];
  const upstream = start(process.execPath, ["bench/upstream.mjs"], { PORT: String(upstreamPort) });
  const redisServer = start("redis-server", [
    ...["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  ]);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const redis = new Redis(redisUrl);
  redis.on("error", () => undefined);
  await until("redis", async () => (await redis.ping()) === "PONG");
  const gateways = [];
  for (let i = 0; i < Math.max(...COUNTS); i++) {
    const port = await freePort();
    const child = start(process.execPath, ["dist/index.js"], {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      BELVO_URL: `http://127.0.0.1:${upstreamPort}`,
      BELVO_SECRET_ID: "bench",
      BELVO_SECRET_PASSWORD: "bench-password",
      GATEWAY_API_KEYS: API_KEY,
      METRICS_PUBLIC: "true",
      REDIS_URL: redisUrl,
      LOG_LEVEL: "info",
    });
    gateways.push({ port, child });
  }
  for (const { port } of gateways)
    await until(
      `gateway on ${port}`,
      async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok,
    );
  const others = [
    { name: "redis", child: redisServer },
    { name: "belvo", child: upstream },
  ];
  const rows = [];
  try {
    for (const count of COUNTS) {
      process.stderr.write(`${count} replica(s)…\n`);
      rows.push(await measure(count, gateways, others, redis, dir));
    }
    print(rows);
  } finally {
    redis.disconnect();
    // The gateways first (each drains and closes its Redis connections), then what they use.
    await Promise.all(
      gateways.map(({ child }) => new Promise((resolve) => child.once("exit", resolve).kill())),
    );
    for (const { child } of others) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
