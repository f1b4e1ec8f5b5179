/** Raw HTTP for the idempotency tests: answers as text (byte for byte), and a client that leaves. */
import { request } from "node:http";
import { LINK_ID, SESSION_HEX } from "./fixtures.js";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function resumeVariables(token = "123456") {
  return {
    input: {
      session: SESSION_HEX,
      link: LINK_ID,
      token,
    },
  };
}

/**
 * POSTs `payload` to /graphql (a `RawBody` as it is); with `leaveAfterMs`, drops the connection
 * then (resolves null).
 */
export function postRaw(
  url: string,
  payload: unknown,
  headers: Record<string, string | string[]> = {},
  leaveAfterMs?: number,
): Promise<RawAnswer | null> {
  return new Promise((resolve, reject) => {
    const body = payload instanceof RawBody ? payload.text : JSON.stringify(payload);
    const req = request(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
    });
    let timer: NodeJS.Timeout | undefined;
    if (leaveAfterMs !== undefined) {
      timer = setTimeout(() => {
        req.destroy();
        resolve(null);
      }, leaveAfterMs);
    }
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.once("error", (error) => {
      if (leaveAfterMs === undefined) reject(error);
    });
    req.end(body);
  });
}

/** A body sent as written: JSON too deep for JSON.stringify, say. */
export class RawBody {
  constructor(readonly text: string) {}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
