/** Types for scripts/build-explorer.mjs, which the explorer's browser test imports. */
export declare const EXPLORER_DIR: string;
export declare function buildExplorer(options?: { force?: boolean }): Promise<boolean>;
