/** Types for scripts/codegen.mjs, which the client drift test imports. */
export declare const GENERATED: { documents: string; possibleTypes: string; schema: string };
export declare function generateClientFiles(): Promise<{
  documents: string;
  possibleTypes: string;
  schema: string;
}>;
export declare const TRUSTED_DOCUMENTS: string;
/** sha256 → document text for every operation in generated.ts's source, as JSON text. */
export declare function trustedDocuments(generated: string): string;
