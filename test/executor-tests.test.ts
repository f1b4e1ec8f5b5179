/**
 * CI's second run (GATEWAY_EXECUTOR=graphql-js) takes the files scripts/executor-tests.mjs names:
 * every file that starts the test gateway, except the named browser and child-process files and
 * those around the executor (the edge, a store, the typed client) whose answers another file proves.
 */
import { readFileSync } from "node:fs";
import { EXEMPT, classify, executorTests, testFiles } from "../scripts/executor-tests.mjs";

it("runs every file that starts the test gateway, through the kit or directly", () => {
  const runs = executorTests();
  // Through the kit (useGateway), and straight from the gateway helper (startGateway).
  expect(runs).toEqual(
    expect.arrayContaining(["test/mfa-journeys.test.ts", "test/faults.test.ts"]),
  );
  for (const file of testFiles()) {
    const source = readFileSync(file, "utf8");
    const startsGateway =
      /import \{[^}]*\b(useGateway|startGateway)\b[^}]*\} from "\.\/helpers/.test(source);
    if (startsGateway && !(file in EXEMPT))
      expect([file, runs.includes(file)]).toEqual([file, true]);
  }
});

it("leaves out files the executor cannot reach: no test gateway, or a type-only import of it", () => {
  expect(classify("test/config.test.ts")).toEqual({
    runs: false,
    why: "starts no test gateway: GATEWAY_EXECUTOR cannot change it",
  });
  // leaks.test.ts starts its gateways with createGateway: the production default executor.
  expect(classify("test/leaks.test.ts").runs).toBe(false);
  expect(executorTests()).not.toContain("test/schema.test.ts");
});

it("exempts by name only files that drive a browser or a child process, or that name the file of the graphql-js run proving their answers", () => {
  const runs = executorTests();
  for (const [file, why] of Object.entries(EXEMPT)) {
    const source = readFileSync(file, "utf8");
    const outside = /from "(playwright-core|node:child_process|\.\/helpers\/process\.js)"/.test(
      source,
    );
    const provenBy = why.match(/test\/[\w-]+\.test\.ts/g) ?? [];
    expect([file, outside || provenBy.length > 0]).toEqual([file, true]);
    for (const proof of provenBy)
      expect([file, proof, runs.includes(proof)]).toEqual([file, proof, true]);
    expect(classify(file).runs).toBe(false);
  }
});
