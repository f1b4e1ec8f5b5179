/** @type {import('jest').Config} */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  // Tests import the typed client by its package name and run its TypeScript source; node and
  // bundlers (the demos, the packed package) take its built dist/.
  testEnvironmentOptions: {
    customExportConditions: ["node", "node-addons", "@belvo-graphql-gateway/source"],
  },
  roots: ["<rootDir>/test"],
  globalSetup: "<rootDir>/scripts/build-client.mjs",
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }],
  },
  testTimeout: 20000,
};
