// `npm run build && node bench/cost.mjs`: what the upstream cost check (MAX_UPSTREAM_COST) costs
// per request, for the bench's documents and the typed client's: the first estimate of a document
// (a walk, once per document Apollo parses) and every later one (a cache lookup, what a request
// pays). Not part of the tests.
import "reflect-metadata";
import { readFileSync } from "node:fs";
import { Kind, parse } from "graphql";
import { upstreamCost } from "../dist/guards/upstream-cost.js";
import { buildGatewaySchema } from "../dist/schema.js";
import { SCENARIOS } from "./scenarios.mjs";

const schema = await buildGatewaySchema();
const manifest = JSON.parse(
  readFileSync(new URL("../packages/client/src/trusted-documents.json", import.meta.url), "utf8"),
);
const documents = [
  ...SCENARIOS.map(({ name, query }) => ({ name: `bench: ${name}`, query })),
  ...Object.values(manifest).map((query) => ({
    name: `client: ${/\w+ (\w+)/.exec(query)[1]}`,
    query,
  })),
];

const operationOf = (document) =>
  document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);

/** µs per call of `work(i)` for i from `rounds` to 2·`rounds` − 1, after i below `rounds` to warm up. */
function time(rounds, work) {
  for (let i = 0; i < rounds; i++) work(i);
  const started = process.hrtime.bigint();
  for (let i = rounds; i < 2 * rounds; i++) work(i);
  return Number(process.hrtime.bigint() - started) / 1_000 / rounds;
}

const FIRST = 2_000;
const CACHED = 1_000_000;
for (const { name, query } of documents) {
  // Fresh documents, parsed beforehand, one per call: each first estimate walks its own.
  const fresh = Array.from({ length: 2 * FIRST }, () => parse(query));
  const first = time(FIRST, (i) => upstreamCost(schema, fresh[i], operationOf(fresh[i])));
  const kept = parse(query);
  const operation = operationOf(kept);
  const cost = upstreamCost(schema, kept, operation);
  const cached = time(CACHED, () => upstreamCost(schema, kept, operation));
  console.log(
    `${name}: cost ${cost}; first estimate ${first.toFixed(2)} µs, every later one ${(cached * 1_000).toFixed(0)} ns`,
  );
}
