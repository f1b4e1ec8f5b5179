/** Talks to the emulator directly, as Belvo's SDKs would. */
export const SANDBOX_AUTH = `Basic ${Buffer.from("sandbox-id:sandbox-password").toString("base64")}`;

export interface BelvoAnswer {
  status: number;
  // The emulator's JSON, read loosely by each test.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function callBelvo(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  authorization: string | null = SANDBOX_AUTH,
): Promise<BelvoAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(authorization === null ? {} : { authorization }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
