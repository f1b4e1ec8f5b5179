/** Types for scripts/build-server.mjs, which test/helpers/process.ts imports. */
/** Compiles src/ to dist/ unless it is fresh; waits while another process builds it. */
export declare function buildOnce(): Promise<void>;
