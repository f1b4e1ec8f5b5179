// The test files CI runs a second time with graphql-jit off (GATEWAY_EXECUTOR=graphql-js, .ci/run):
// those whose GraphQL runs on an in-process gateway that test/helpers/gateway.ts starts, the one
// place that reads GATEWAY_EXECUTOR. Every other file runs the same on both executors, so its
// second run would prove nothing new. Files that drive a browser or a child process, and files
// around the executor whose answers another file of the run proves, are left out by name below,
// each with its reason. `node scripts/executor-tests.mjs` prints the files, one a
// line; `--why` prints every test file with what decided it.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TEST_GATEWAY = "test/helpers/gateway.ts";

/** A value import (not `import type`, which is erased) of a file of the project. */
const VALUE_IMPORT = /\bimport\s+(?!type\s)[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)\.js"/g;

/** Whether `file` imports the test gateway, directly or through other files of test/ (the kit). */
function reachesTestGateway(file, seen = new Set()) {
  if (file === TEST_GATEWAY) return true;
  if (seen.has(file) || !file.startsWith("test/")) return false;
  seen.add(file);
  const source = readFileSync(join(ROOT, file), "utf8");
  return [...source.matchAll(VALUE_IMPORT)].some((match) =>
    reachesTestGateway(relative(ROOT, join(ROOT, dirname(file), `${match[1]}.ts`)), seen),
  );
}

/**
 * Files that start the test gateway but whose subject is outside it: what they prove of GraphQL
 * answers is proven on both executors by the in-process files (client-operations, mfa-journeys,
 * data-journeys, readme, …), and a second run would only repeat a browser, a build, or the waits
 * of the edge, a store or the typed client around the executor. Each of the latter names the file
 * of the graphql-js run that proves the answers of the operations it sends (test/executor-tests
 * checks that it runs there).
 */
export const EXEMPT = {
  "test/web.test.ts":
    "a browser (Chromium) drives the reference page; its operations are the typed client's",
  "test/explorer.test.ts": "a browser (Chromium) drives the offline explorer page",
  "test/demo.test.ts": "child processes: the compiled demo CLI",
  "test/client-package.test.ts": "child processes: npm pack, tsc and node on the packed client",
  "test/hosts.test.ts":
    "the Host check, before the body is read; its resumeLink answers are test/resume-outcomes.test.ts's",
  "test/cross-site.test.ts":
    "the cross-site check, before Apollo; its resumeLink answers are test/resume-outcomes.test.ts's",
  "test/client-key.test.ts":
    "the client-key check, before Apollo; its resumeLink answers are test/resume-outcomes.test.ts's",
  "test/http-limits.test.ts":
    "the HTTP server's timeouts and connection cap (an introspection answer for its size only); its resumeLink answers are test/resume-outcomes.test.ts's",
  "test/subscriptions-attack.test.ts":
    "WebSockets held at the connection cap, none subscribing; its resumeLink answer is test/resume-outcomes.test.ts's",
  "test/idempotency-store.test.ts":
    "the idempotency store's bounds and lifetimes; the gate around the executor is test/idempotency.test.ts's",
  "test/idempotency-joins.test.ts":
    "joins on one pending key holding connections; the gate around the executor is test/idempotency.test.ts's",
  "test/idempotency-bounds.test.ts":
    "what the idempotency store keeps of huge answers, in memory and on Redis; the gate around the executor is test/idempotency.test.ts's",
  "test/idempotency-redis.test.ts":
    "the idempotency store on Redis across two gateways; the gate around the executor is test/idempotency.test.ts's",
  "test/redis.test.ts":
    "the guards' counters on Redis across two gateways; a guard's refusal from a resolver is test/security.test.ts's",
  "test/webhooks.test.ts":
    "the webhook receiver (secret, bounds, repeats); its linkEvents reads are test/events-emulator.test.ts's",
  "test/subscriptions.test.ts":
    "subscriptions over graphql-ws and graphql-sse run on graphql-js's subscribe under either setting (src/events/, not src/execution/jit.ts), and a subscription POSTed is refused before it; its linkEvents reads are test/events-emulator.test.ts's",
  "test/events-redis.test.ts":
    "events kept on Redis across two gateways, read by subscriptions (graphql-js's subscribe under either setting); its linkEvents reads are test/events-emulator.test.ts's",
  "test/client-events.test.ts":
    "the typed client's subscribeLinkEvents only (graphql-js's subscribe under either setting); the events' GraphQL reads are test/events-emulator.test.ts's",
  "test/trusted-documents.test.ts":
    "the document allowlist, checked before validation; the typed client's documents it lets run are test/client-operations.test.ts's",
  "test/retries.test.ts":
    "the upstream client's retries (src/upstream), under the resolvers; its reads' and writes' answers are test/belvo-answers.test.ts's and test/faults.test.ts's",
  "test/client-retry.test.ts":
    "the typed client's retries through a proxy that cuts connections; its resumeLink answers are test/client-operations.test.ts's",
};

/** Every test file, relative to the project (test/….test.ts), sorted. */
export function testFiles() {
  return readdirSync(new URL("../test/", import.meta.url))
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => `test/${name}`);
}

/** Why `file` runs on graphql-js too, or why not: `{ runs, why }`. */
export function classify(file) {
  if (file in EXEMPT) return { runs: false, why: EXEMPT[file] };
  if (reachesTestGateway(file))
    return { runs: true, why: "starts the test gateway (test/helpers/gateway.ts)" };
  return { runs: false, why: "starts no test gateway: GATEWAY_EXECUTOR cannot change it" };
}

/** The files of the graphql-js run. */
export function executorTests() {
  return testFiles().filter((file) => classify(file).runs);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--why")) {
    for (const file of testFiles()) {
      const { runs, why } = classify(file);
      console.log(`${runs ? "runs" : "skip"}  ${file}: ${why}`);
    }
  } else {
    console.log(executorTests().join("\n"));
  }
}
