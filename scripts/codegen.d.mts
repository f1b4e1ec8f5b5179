/** Types for scripts/codegen.mjs, which the client drift test imports. */
export declare const GENERATED: { documents: string; possibleTypes: string };
export declare function generateClientFiles(): Promise<{
  documents: string;
  possibleTypes: string;
}>;
