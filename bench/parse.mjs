// `node bench/parse.mjs`: what one parse of each bench document costs (graphql's parser with its
// token limit, as the gateway parses), so the price of parsing a document a second time (what
// graphql-armor's maxTokens does on Apollo) is a figure. Not part of the tests.
import { parse } from "graphql";
import { SCENARIOS } from "./scenarios.mjs";

const ROUNDS = 20_000;
for (const { name, query } of SCENARIOS) {
  for (let i = 0; i < 2_000; i++) parse(query, { maxTokens: 2_000 });
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) parse(query, { maxTokens: 2_000 });
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / ROUNDS;
  console.log(`${name}: ${query.length} bytes, ${micros.toFixed(1)} µs per parse`);
}
