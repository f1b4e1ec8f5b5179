// CI's test run (.ci/run): every test file on graphql-jit, as the gateway runs; and, with
// graphql-jit off (GATEWAY_EXECUTOR=graphql-js), the files where the executor matters
// (scripts/executor-tests.mjs). One jest run, two projects, so both share the workers.
import base from "./jest.config.js";
import { executorTests } from "./scripts/executor-tests.mjs";

const { globalSetup, testTimeout, ...project } = base;

/** @type {import('jest').Config} */
export default {
  globalSetup,
  testTimeout,
  testSequencer: "<rootDir>/scripts/ci-sequencer.mjs",
  projects: [
    { ...project, displayName: "graphql-jit" },
    {
      ...project,
      displayName: "graphql-js",
      testMatch: executorTests().map((file) => `<rootDir>/${file}`),
      setupFiles: ["<rootDir>/test/helpers/graphql-js.ts"],
    },
  ],
};
