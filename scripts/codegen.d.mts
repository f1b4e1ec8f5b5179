/** Types for scripts/codegen.mjs, which the client drift test imports. */
export declare const GENERATED: string;
export declare function generateClientTypes(): Promise<string>;
