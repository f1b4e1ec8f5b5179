// `npm run bench`: the gateway's production build beside a floor (bench/floor.mjs), both in front
// of the same in-memory Belvo (bench/upstream.mjs), loaded with autocannon. Not part of the tests.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import autocannon from "autocannon";
import { baselineBuild } from "./baseline.mjs";
import { SCENARIOS, variablesOf } from "./scenarios.mjs";

const CONNECTIONS = 32;
/**
 * Interleaved (BENCH_BASE) and compared (BENCH_COMPARE), 6 s: a gateway's first seconds run
 * unoptimized code at twice the CPU, and a turn of 2-5 s would measure that.
 */
const WARMUP_S = Number(
  process.env.BENCH_WARMUP_S ?? (process.env.BENCH_BASE || process.env.BENCH_COMPARE ? 6 : 3),
);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const API_KEY = "bench-client-key-0123456789";
/** BENCH_TRACING=0.1: the gateway traces one request in ten, exporting to bench/otlp-sink.mjs. */
const TRACING = process.env.BENCH_TRACING;
/** BENCH_ONLY: the scenarios whose names start with it (or with one of its `|`-separated parts). */
function chosen(name) {
  const only = process.env.BENCH_ONLY;
  return !only || only.split("|").some((prefix) => name.startsWith(prefix));
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  for (let tries = 0; tries < 100; tries++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=prof`) go to the gateways' processes only. */
function start(script, env, nodeArgs = []) {
  return spawn(process.execPath, [...nodeArgs, script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Peak and current resident memory of a process, in MB (Linux /proc). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const read = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { peak: read("VmHWM"), now: read("VmRSS") };
}

let sequence = 0;
/** BENCH_IDEMPOTENCY_KEYS=1: every request carries its own Idempotency-Key (claimed, stored). */
const WITH_KEYS = process.env.BENCH_IDEMPOTENCY_KEYS === "1";
const RUN = Date.now().toString(36);

/** Each request resumes its own link, as many users would: failed attempts are capped per link. */
/** Answers each server gave under load, warm-up included (to turn a CPU profile into µs/answer). */
const served = new Map();

function load(url, scenario, verify, seconds, keyed = WITH_KEYS) {
  return autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    requests: [
      {
        setupRequest: (request) => {
          const link = `00000000-0000-4000-8000-${(sequence++ % 2 ** 48).toString(16).padStart(12, "0")}`;
          const input = { ...scenario.input, link };
          return {
            ...request,
            ...(keyed
              ? { headers: { ...request.headers, "idempotency-key": `bench-${RUN}-${sequence}` } }
              : {}),
            body: JSON.stringify({
              query: scenario.query,
              variables: variablesOf(scenario, input),
            }),
          };
        },
      },
    ],
    verifyBody: (text) => {
      try {
        return verify(JSON.parse(text).data);
      } catch {
        return false;
      }
    },
  }).then((result) => {
    served.set(url, (served.get(url) ?? 0) + result.requests.total);
    return result;
  });
}

/** One request of `scenario`, outside the load. */
function post(url, scenario) {
  return fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      query: scenario.query,
      variables: variablesOf(scenario, scenario.input),
    }),
  });
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Throughput and latency under load, and the CPU time the server's process spent per answer. */
async function measure(url, scenario, verify, pid) {
  const probe = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      query: scenario.query,
      variables: variablesOf(scenario, scenario.input),
    }),
  });
  const answer = await probe.json();
  if (!verify(answer.data))
    throw new Error(`wrong answer for ${scenario.name} from ${url}: ${JSON.stringify(answer)}`);
  await load(url, scenario, verify, WARMUP_S);
  const cpuBefore = cpuSeconds(pid);
  const result = await load(url, scenario, verify, DURATION_S);
  const cpuUs = ((cpuSeconds(pid) - cpuBefore) * 1e6) / result.requests.total;
  const wrong = result.mismatches + result.non2xx + result.errors + result.timeouts;
  if (wrong > 0) {
    const sample = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({
        query: scenario.query,
        variables: variablesOf(scenario, scenario.input),
      }),
    });
    throw new Error(
      `${wrong} wrong answers for ${scenario.name} from ${url}; one now: ${await sample.text()}`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuUs,
  };
}

const median = (values) => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * BENCH_COMPARE=keys|tracing: what keys (every request its own Idempotency-Key) or tracing (10%
 * sampled, or BENCH_TRACING) cost: the same scenario alternates between the plain gateway and the
 * keyed requests (same process) or a traced gateway (a second process), BENCH_ROUNDS (8) rounds
 * of BENCH_ROUND_S (3) s per side, the order swapped each round, so that a machine whose speed
 * drifts (shared cores) slows both sides alike. Each round gives one ratio (answers, CPU per
 * answer); the cost is the median of the rounds, and their spread says how steady the run was.
 * Sums of 2 s turns, as this measured before, moved by ±10-20% between runs, more than the costs.
 */
async function compare(kind, plainUrl, otherUrl, pids) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 8);
  const seconds = Number(process.env.BENCH_ROUND_S ?? 3);
  const keyed = kind === "keys";
  const rows = [];
  for (const scenario of SCENARIOS.filter((candidate) => chosen(candidate.name))) {
    process.stderr.write(`${scenario.name}: `);
    await load(plainUrl, scenario, scenario.gateway, WARMUP_S, false);
    await load(otherUrl, scenario, scenario.gateway, WARMUP_S, keyed);
    const plain = { url: plainUrl, keyed: false, pid: pids[0], turns: [] };
    const other = { url: otherUrl, keyed, pid: pids[1], turns: [] };
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 ? [other, plain] : [plain, other]) {
        const cpu = cpuSeconds(side.pid);
        const result = await load(side.url, scenario, scenario.gateway, seconds, side.keyed);
        if (result.mismatches + result.non2xx + result.errors + result.timeouts > 0) {
          throw new Error(`wrong answers for ${scenario.name} from ${side.url}`);
        }
        side.turns.push({
          rps: result.requests.total / result.duration,
          cpuUs: ((cpuSeconds(side.pid) - cpu) * 1e6) / result.requests.total,
        });
      }
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    const ratios = (key) => other.turns.map((turn, i) => turn[key] / plain.turns[i][key]);
    const summary = (side) => ({
      rps: median(side.turns.map((turn) => turn.rps)),
      cpuUs: median(side.turns.map((turn) => turn.cpuUs)),
    });
    const answers = ratios("rps");
    rows.push({
      scenario: scenario.name,
      plain: summary(plain),
      other: summary(other),
      cost: 1 - median(answers),
      spread: [1 - Math.max(...answers), 1 - Math.min(...answers)],
      cpuRatio: median(ratios("cpuUs")),
    });
  }
  // Issue 23: a key on every request costs at most 10%, tracing at 10% sampling at most 5%.
  const target = kind === "keys" ? 0.1 : 0.05;
  const percent = (value) => `${(value * 100).toFixed(1)}%`;
  console.log(
    `\n${rounds} rounds of ${seconds} s per side, medians of the rounds (fewer answers: median, min to max of the rounds)\n`,
  );
  console.log(
    `| scenario | plain req/s | ${kind} req/s | fewer answers | plain CPU µs/req | ${kind} CPU µs/req | CPU ${kind} ÷ plain |`,
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const { scenario, plain, other, cost, spread, cpuRatio } of rows) {
    console.log(
      `| ${scenario} | ${Math.round(plain.rps)} | ${Math.round(other.rps)} | ${percent(cost)} (${percent(spread[0])} to ${percent(spread[1])}) | ${Math.round(plain.cpuUs)} | ${Math.round(other.cpuUs)} | ${cpuRatio.toFixed(2)} |`,
    );
  }
  console.log("");
  for (const { scenario, cost } of rows) {
    console.log(
      `${cost <= target ? "PASS" : "FAIL"}  ${scenario}: ${kind} cost ≤ ${target * 100}%`,
    );
  }
  return rows.every(({ cost }) => cost <= target);
}

/** One turn of load on one side: throughput, p99 and CPU µs per answer; wrong answers throw. */
async function turn(side, scenario, seconds) {
  const verify = side.name === "floor" ? scenario.floor : scenario.gateway;
  const cpu = cpuSeconds(side.pid);
  const result = await load(side.url, scenario, verify, seconds, false);
  const wrong = result.mismatches + result.non2xx + result.errors + result.timeouts;
  if (wrong > 0) {
    const sample = await post(side.url, scenario);
    throw new Error(
      `${wrong} wrong answers (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts) for ${scenario.name} from ${side.name}; one now: ${(await sample.text()).slice(0, 300)}`,
    );
  }
  return {
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    cpuUs: ((cpuSeconds(side.pid) - cpu) * 1e6) / result.requests.total,
  };
}

/** Whether a build serves a scenario's operation (an older baseline may have none). */
async function serves(url, scenario) {
  const link = "00000000-0000-4000-8000-000000000000";
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      query: scenario.query,
      variables: variablesOf(scenario, { ...scenario.input, link }),
    }),
  });
  try {
    return scenario.gateway((await response.json()).data);
  } catch {
    return false;
  }
}

/**
 * BENCH_BASE: each scenario runs on this build, the baseline build and the floor in turns of
 * BENCH_ROUND_S, BENCH_ROUNDS rounds, the order rotated each round, so a drifting machine
 * slows all three alike. Ratios are taken within a round, then the median of the rounds.
 */
async function interleave(sides) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_ROUND_S ?? 5);
  const rows = [];
  for (const scenario of SCENARIOS.filter((candidate) => chosen(candidate.name))) {
    const present = [];
    for (const side of sides) {
      if (side.name !== "baseline" || (await serves(side.url, scenario))) present.push(side);
    }
    process.stderr.write(`${scenario.name}: `);
    for (const side of present) {
      const verify = side.name === "floor" ? scenario.floor : scenario.gateway;
      await load(side.url, scenario, verify, WARMUP_S, false);
    }
    const turns = Object.fromEntries(present.map((side) => [side.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < present.length; i++) {
        const side = present[(i + round) % present.length];
        turns[side.name].push(await turn(side, scenario, seconds));
      }
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    const ratio = (other) =>
      turns[other] ? median(turns.gateway.map((ours, i) => ours.rps / turns[other][i].rps)) : NaN;
    const summary = (name) =>
      turns[name]
        ? Object.fromEntries(
            ["rps", "p99", "cpuUs"].map((key) => [key, median(turns[name].map((t) => t[key]))]),
          )
        : null;
    rows.push({
      scenario: scenario.name,
      target: scenario.target,
      gateway: summary("gateway"),
      baseline: summary("baseline"),
      floor: summary("floor"),
      toBaseline: ratio("baseline"),
      cpuToBaseline: turns.baseline
        ? median(turns.gateway.map((ours, i) => ours.cpuUs / turns.baseline[i].cpuUs))
        : NaN,
      toFloor: ratio("floor"),
      baselineToFloor: turns.baseline
        ? median(turns.baseline.map((base, i) => base.rps / turns.floor[i].rps))
        : NaN,
      turns,
    });
  }
  return rows;
}

const fixed = (value, digits = 2) => (Number.isNaN(value) ? "—" : value.toFixed(digits));
const whole = (value) => (Number.isNaN(value) ? "—" : Math.round(value).toLocaleString("en"));

/** The interleaved table and its checks against the baseline and the floor. */
function reportInterleaved(rows, base, memoryAfter, machine) {
  console.log(`\n${machine}\n`);
  console.log(
    `| op | this build req/s | ${base} req/s | floor req/s | this ÷ ${base} | this ÷ floor | ${base} ÷ floor | p99 ms this / ${base} | CPU µs/req this / ${base} / floor | CPU this ÷ ${base} |`,
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    const { gateway, baseline, floor } = row;
    console.log(
      `| ${row.scenario} | ${whole(gateway.rps)} | ${whole(baseline?.rps ?? NaN)} | ${whole(floor.rps)} | ${fixed(row.toBaseline)} | ${fixed(row.toFloor)} | ${fixed(row.baselineToFloor)} | ${whole(gateway.p99)} / ${whole(baseline?.p99 ?? NaN)} | ${whole(gateway.cpuUs)} / ${whole(baseline?.cpuUs ?? NaN)} / ${whole(floor.cpuUs)} | ${fixed(row.cpuToBaseline)} |`,
    );
  }
  console.log(
    `\nRSS after the run: this build ${memoryAfter.gateway.now.toFixed(0)} MB (peak ${memoryAfter.gateway.peak.toFixed(0)}), ${base} ${memoryAfter.baseline.now.toFixed(0)} MB (peak ${memoryAfter.baseline.peak.toFixed(0)})\n`,
  );
  const checks = [
    ...rows
      .filter((row) => row.baseline)
      .map((row) => ({
        what: `${row.scenario}: ≥ 1.10 × ${base}`,
        ok: row.toBaseline >= 1.1,
      })),
    ...rows.map((row) => ({
      what: `${row.scenario}: ≥ ${row.target} × floor`,
      ok: row.toFloor >= row.target,
    })),
    ...rows
      .filter((row) => row.baseline)
      .map((row) => ({
        what: `${row.scenario}: p99 ≤ ${base}'s`,
        ok: row.gateway.p99 <= row.baseline.p99,
      })),
    { what: "RSS after the run ≤ 150 MB", ok: memoryAfter.gateway.now <= 150 },
  ];
  for (const check of checks) console.log(`${check.ok ? "PASS" : "FAIL"}  ${check.what}`);
  return checks;
}

/** BENCH_BASE=<commit>: this build, that commit's build and the floor, interleaved. */
async function againstBaseline(commit, { gatewayUrl, gateway, floorUrl, floorProcess, start2 }) {
  const build = baselineBuild(commit);
  const short = build.sha.slice(0, 7);
  const baseline = await start2(`${build.dir}/dist/index.js`);
  process.stderr.write(
    `this build: pid ${gateway.pid}; ${short}: pid ${baseline.pid}; floor: pid ${floorProcess.pid}\n`,
  );
  const rows = await interleave([
    { name: "gateway", url: gatewayUrl, pid: gateway.pid },
    { name: "baseline", url: baseline.url, pid: baseline.pid },
    { name: "floor", url: floorUrl, pid: floorProcess.pid },
  ]);
  const memoryAfter = { gateway: memory(gateway.pid), baseline: memory(baseline.pid) };
  process.stderr.write(
    `answers under load, warm-up included: this build ${served.get(gatewayUrl)}, ${short} ${served.get(baseline.url)}\n`,
  );
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${CONNECTIONS} connections; ${rounds} rounds of ${process.env.BENCH_ROUND_S ?? 5} s per side after ${WARMUP_S} s of warm-up; medians of the rounds`;
  const checks = reportInterleaved(rows, short, memoryAfter, machine);
  writeFileSync(
    "bench/results-base.json",
    `${JSON.stringify({ machine, base: build.sha, rows, memoryAfter, checks }, null, 2)}\n`,
  );
  console.log("\nwrote bench/results-base.json");
  return checks.every((check) => check.ok);
}

async function main() {
  const [upstreamPort, gatewayPort, floorPort, sinkPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const comparing = process.env.BENCH_COMPARE;
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  /** The production gateway's settings, with `extra` (tracing) on top. */
  const gatewayEnv = (port, extra = {}) => ({
    NODE_ENV: "production",
    PORT: String(port),
    BELVO_URL: upstreamUrl,
    BELVO_SECRET_ID: "bench",
    BELVO_SECRET_PASSWORD: "bench",
    GATEWAY_API_KEYS: API_KEY,
    // Nothing scrapes the bench's gateway; production needs METRICS_TOKEN or this.
    METRICS_PUBLIC: "true",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    // A fresh key on every request fills the bench client's tenth of the in-process store in
    // seconds; with the default 10 minutes of youth every later keyed write would be refused
    // RATE_LIMITED. At 1 s the store stays at its bound, each claim making room: its steady state.
    ...(comparing === "keys" || WITH_KEYS ? { IDEMPOTENCY_YOUNG_MS: "1000" } : {}),
    ...extra,
  });
  const tracingEnv = (ratio) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: ratio,
  });
  // Compared, the first gateway is the plain one; the traced one is started beside it.
  const traced = TRACING !== undefined && !comparing;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const children = [
    start("bench/upstream.mjs", { PORT: String(upstreamPort) }),
    start("dist/index.js", gatewayEnv(gatewayPort, traced ? tracingEnv(TRACING) : {}), nodeArgs),
    start("bench/floor.mjs", { PORT: String(floorPort), BELVO_URL: upstreamUrl }),
    ...(traced ? [start("bench/otlp-sink.mjs", { PORT: String(sinkPort) })] : []),
  ];
  const [, gateway, floorProcess] = children;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  try {
    await Promise.all([waitFor(`${gatewayUrl}/health`), waitFor(`${floorUrl}/`)]);
    if (process.env.BENCH_BASE) {
      const start2 = async (script) => {
        const port = await freePort();
        const child = start(script, gatewayEnv(port), nodeArgs);
        children.push(child);
        const url = `http://127.0.0.1:${port}`;
        await waitFor(`${url}/health`);
        return { url, pid: child.pid };
      };
      const ok = await againstBaseline(process.env.BENCH_BASE, {
        gatewayUrl,
        gateway,
        floorUrl,
        floorProcess,
        start2,
      });
      process.exitCode = ok ? 0 : 1;
      return;
    }
    if (comparing === "keys" || comparing === "tracing") {
      let other = { url: gatewayUrl, pid: gateway.pid };
      if (comparing === "tracing") {
        const port = await freePort();
        const second = start("dist/index.js", gatewayEnv(port, tracingEnv(TRACING ?? "0.1")));
        children.push(second, start("bench/otlp-sink.mjs", { PORT: String(sinkPort) }));
        other = { url: `http://127.0.0.1:${port}`, pid: second.pid };
        await waitFor(`${other.url}/health`);
      }
      const ok = await compare(comparing, gatewayUrl, other.url, [gateway.pid, other.pid]);
      process.exitCode = ok ? 0 : 1;
      return;
    }
    const rows = [];
    for (const scenario of SCENARIOS.filter((candidate) => chosen(candidate.name))) {
      process.stderr.write(`${scenario.name}: floor… `);
      const floor = await measure(floorUrl, scenario, scenario.floor, floorProcess.pid);
      process.stderr.write("gateway… ");
      const ours = await measure(gatewayUrl, scenario, scenario.gateway, gateway.pid);
      process.stderr.write("done\n");
      rows.push({
        scenario: scenario.name,
        floor,
        gateway: ours,
        ratio: ours.rps / floor.rps,
        target: scenario.target,
      });
    }
    const rss = memory(gateway.pid);
    const checks = [
      ...rows.map((row) => ({
        what: `${row.scenario}: throughput ≥ ${row.target} × floor`,
        ok: row.ratio >= row.target,
      })),
      ...rows.map((row) => ({
        what: `${row.scenario}: gateway p99 ≤ 25 ms`,
        ok: row.gateway.p99 <= 25,
      })),
      { what: "gateway RSS after the run < 200 MB", ok: rss.now < 200 },
    ];
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${TRACING ? `; tracing on, ratio ${TRACING}` : ""}`;
    console.log(
      `\n${machine}; ${CONNECTIONS} connections, ${DURATION_S} s measured after ${WARMUP_S} s of warm-up\n`,
    );
    console.log(
      "| scenario | floor req/s | gateway req/s | ratio | gateway p50 ms | gateway p99 ms | floor p99 ms | floor CPU µs/req | gateway CPU µs/req |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const row of rows) {
      console.log(
        `| ${row.scenario} | ${Math.round(row.floor.rps)} | ${Math.round(row.gateway.rps)} | ${row.ratio.toFixed(2)} | ${row.gateway.p50} | ${row.gateway.p99} | ${row.floor.p99} | ${Math.round(row.floor.cpuUs)} | ${Math.round(row.gateway.cpuUs)} |`,
      );
    }
    console.log(
      `\ngateway RSS: peak ${rss.peak.toFixed(0)} MB, after the run ${rss.now.toFixed(0)} MB\n`,
    );
    for (const check of checks) console.log(`${check.ok ? "PASS" : "FAIL"}  ${check.what}`);
    writeFileSync(
      "bench/results.json",
      `${JSON.stringify({ machine, connections: CONNECTIONS, durationS: DURATION_S, rows, rss, checks }, null, 2)}\n`,
    );
    console.log("\nwrote bench/results.json");
    process.exitCode = checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    for (const child of children) child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(`bench: ${error.message}`);
  process.exit(2);
});
