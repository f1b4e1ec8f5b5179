/** The generated list of the typed client's retryable codes (see error-codes.mjs). */
export declare const CLIENT_CODES: string;
export declare function renderClientCodes(codes: readonly string[]): Promise<string>;
