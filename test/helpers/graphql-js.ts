/**
 * The graphql-js project of jest.ci.config.js: the test gateway (test/helpers/gateway.ts) compiles
 * nothing, so every operation runs on graphql-js. Set in each test file's own environment.
 */
process.env.GATEWAY_EXECUTOR = "graphql-js";
