// `node bench/large-answer.mjs [build …]`: what each stage of a 1,000-item answer costs in one
// process, for this build (`.`) or each build directory given (e.g. a BENCH_BASE scratch build
// under $TMPDIR/belvo-bench-base/<sha>), in interleaved rounds, min and p25 of each: reading
// Belvo's JSON (amounts kept exact), the readers, and the transactions page's execution (its
// resolver's parse and read included, its cursors, graphql-jit) and JSON.stringify. Not part
// of the tests; end to end, see `npm run bench`.
import { resolve } from "node:path";
import { LARGE_BALANCES, TRANSACTIONS, transactionPage } from "./belvo-data.mjs";
import { SCENARIOS, variablesOf } from "./scenarios.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const PAGE = transactionPage("http://127.0.0.1:1");
const builds = process.argv.length > 2 ? process.argv.slice(2) : ["."];

/** One build's stages, each a function of nothing. */
async function stagesOf(root) {
  const load = (path) => import(resolve(root, path));
  await load("node_modules/reflect-metadata/Reflect.js");
  const { parse } = await load("node_modules/graphql/index.js");
  const { compileQuery } = await load("node_modules/graphql-jit/dist/index.js");
  const { buildGatewaySchema } = await load("dist/schema.js");
  const { parseJson } = await load("dist/upstream/json.js");
  const { readable } = await load("dist/upstream/read.js");
  const { toRawPage } = await load("dist/upstream/pages.js");
  const { PageCursors } = await load("dist/pages/cursors.js");
  const mapping = await load("dist/upstream/data-mapping.js");
  const { TRANSACTION_DECIMAL_KEYS: transactionKeys, BALANCE_DECIMAL_KEYS: balanceKeys } = mapping;
  const transactions = parseJson(TRANSACTIONS, transactionKeys);
  const balances = parseJson(LARGE_BALANCES, balanceKeys);
  // The transactions page, on a client that reads PAGE as BelvoClient.page reads Belvo's answer.
  const scenario = SCENARIOS.find(({ name }) => name.startsWith("transactions page"));
  const query = compileQuery(await buildGatewaySchema(), parse(scenario.query));
  const belvo = {
    page: async (_path, _filters, _window, decimalKeys, toItem) => {
      const { results, count } = toRawPage(parseJson(PAGE, decimalKeys));
      const items = results.map((item, position) => ({
        position,
        value: readable(() => toItem(item), 200),
      }));
      return { items, count, hasNextPage: true, foreignNext: null };
    },
  };
  const context = { belvo, cursors: new PageCursors(Buffer.alloc(32, 1)) };
  const variables = variablesOf(scenario, scenario.input);
  let executed;
  return {
    "1,000 transactions: parse": () => parseJson(TRANSACTIONS, transactionKeys),
    "1,000 transactions: read": () => mapping.toTransactionList(transactions, 201),
    "1,000 balances: parse": () => parseJson(LARGE_BALANCES, balanceKeys),
    "1,000 balances: read": () => mapping.toBalanceList(balances, 201),
    "transactions page: execute": async () => {
      executed = await query.query(undefined, context, variables);
    },
    "transactions page: stringify": () => JSON.stringify(executed),
  };
}

const all = await Promise.all(builds.map(stagesOf));
const times = all.map(() => new Map());
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, stages] of all.entries()) {
    for (const [name, stage] of Object.entries(stages)) {
      const started = process.hrtime.bigint();
      await stage();
      const micros = Number(process.hrtime.bigint() - started) / 1_000;
      times[index].set(name, [...(times[index].get(name) ?? []), micros]);
    }
  }
}
for (const [name] of Object.entries(all[0])) {
  const cells = times.map((build) => {
    const sorted = build.get(name).sort((a, b) => a - b);
    return `${sorted[0].toFixed(0)} / ${sorted[Math.floor(sorted.length / 4)].toFixed(0)}`;
  });
  console.log(
    `${name.padEnd(32)} ${cells.map((cell) => cell.padStart(14)).join(" ")}  µs (min / p25)`,
  );
}
console.log(`builds: ${builds.join(", ")}`);
