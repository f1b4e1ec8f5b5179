/** Types for scripts/executor-tests.mjs, which test/executor-tests.test.ts imports. */
/** Test files that start the test gateway but are left out of the graphql-js run, with why. */
export declare const EXEMPT: Readonly<Record<string, string>>;
/** Every test file (test/….test.ts), sorted. */
export declare function testFiles(): string[];
/** Whether `file` runs on graphql-js too, and why (or why not). */
export declare function classify(file: string): { runs: boolean; why: string };
/** The files of the graphql-js run. */
export declare function executorTests(): string[];
