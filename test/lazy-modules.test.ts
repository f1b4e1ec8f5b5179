/**
 * What the compiled gateway loads: a module only a setting turns on (ioredis for REDIS_URL, the
 * OpenTelemetry SDK for tracing, the emulator without BELVO_URL) stays out of a process without
 * that setting (resident memory), and is there with it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { LINK_BODY } from "./helpers/fixtures.js";
import { OtlpCollector } from "./helpers/otlp-collector.js";
import { buildOnce, runNode, waitForListening } from "./helpers/process.js";
import { startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { installed } from "./helpers/system.js";

beforeAll(() => buildOnce(), 120_000);

/** Loaded with --import: at exit, writes every module the process loaded (CommonJS and ESM). */
const PROBE = `
import { createRequire, register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { writeFileSync } from "node:fs";
const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => loaded.add(url));
port1.unref();
register(
  "data:text/javascript," +
    encodeURIComponent("let p; export function initialize(d) { p = d.port; } export async function load(u, c, n) { p.postMessage(u); return n(u, c); }"),
  { data: { port: port2 }, transferList: [port2] },
);
const { cache } = createRequire(import.meta.url);
process.on("exit", () =>
  writeFileSync(process.env.LOADED_MODULES_FILE, [...loaded, ...Object.keys(cache)].join("\\n")),
);
`;

let dir: string;
let fake: FakeUpstream;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "lazy-modules-"));
  writeFileSync(join(dir, "probe.mjs"), PROBE);
  fake = await FakeUpstream.start({ status: 200, body: LINK_BODY });
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The packages (and the emulator) a gateway started with `env` loaded before it stopped. */
async function loadedBy(env: Record<string, string>): Promise<string[]> {
  const file = join(dir, "loaded.txt");
  const gateway = runNode("dist/index.js", {
    PORT: "0",
    NODE_OPTIONS: `--import=${join(dir, "probe.mjs")}`,
    LOADED_MODULES_FILE: file,
    ...env,
  });
  try {
    await waitForListening(gateway);
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
  const names = readFileSync(file, "utf8")
    .split("\n")
    .map(
      (url) =>
        /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ??
        (url.includes("/dist/sandbox/") ? "(emulator)" : null),
    );
  return [...new Set(names.filter((name) => name !== null))];
}

const WATCHED = ["ioredis", "@opentelemetry/sdk-trace-base", "(emulator)"];
const watched = (names: string[]) => WATCHED.filter((name) => names.includes(name)).sort();
const belvo = () => ({ BELVO_URL: fake.url, BELVO_SECRET_ID: "id", BELVO_SECRET_PASSWORD: "pw" });

it("without REDIS_URL, tracing or the emulator: none of their modules is loaded", async () => {
  const names = await loadedBy(belvo());
  // The probe sees the packages every gateway loads.
  expect(names).toEqual(expect.arrayContaining(["graphql", "@apollo/server", "undici"]));
  expect(watched(names)).toEqual([]);
}, 30_000);

it("the emulator's modules load when it runs (no BELVO_URL)", async () => {
  expect(watched(await loadedBy({}))).toEqual(["(emulator)"]);
}, 30_000);

it("the OpenTelemetry SDK loads when tracing is on", async () => {
  const collector = await OtlpCollector.start();
  try {
    expect(
      watched(await loadedBy({ ...belvo(), OTEL_EXPORTER_OTLP_ENDPOINT: collector.url })),
    ).toEqual(["@opentelemetry/sdk-trace-base"]);
  } finally {
    await collector.close();
  }
}, 30_000);

const describeWithRedis = installed("redis-server", "ioredis loaded with REDIS_URL")
  ? describe
  : describe.skip;

describeWithRedis("with REDIS_URL", () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(() => redis.stop());

  it("ioredis loads", async () => {
    expect(watched(await loadedBy({ ...belvo(), REDIS_URL: redis.url }))).toEqual(["ioredis"]);
  }, 30_000);
});
