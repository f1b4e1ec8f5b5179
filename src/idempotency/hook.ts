/**
 * The two ends of the idempotency hook in the HTTP handler: before Apollo runs (`begin`: pass,
 * answer now, or own a claim) and after (`settle`: store the exact answer, or release the claim).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HTTPGraphQLResponse } from "@apollo/server";
import type { RequestIds } from "../context.js";
import { ErrorCode } from "../errors.js";
import { refusalAnswer } from "../edge/refusals.js";
import type { Log } from "../logger.js";
import type { IdempotencyGate, OwnedClaim } from "./gate.js";

/** What the request's Belvo client knows once the operation ran. */
export interface UpstreamFacts {
  readonly wroteUpstream: boolean;
  readonly longestMfaExpirySeconds: number | null;
}

/**
 * Null when the request goes on without a claim; otherwise the claim, or true when the answer
 * (a replay, a 409, a 422, …) has been sent. Without a key: null at once, no promise.
 */
export function beginIdempotent(
  gate: IdempotencyGate,
  req: IncomingMessage,
  res: ServerResponse,
  facts: { scope: string; body: unknown; ids: RequestIds; logger: Log },
): Promise<OwnedClaim | true | null> | null {
  if (req.headers["idempotency-key"] === undefined) return null;
  return claimed(gate, req, res, facts);
}

async function claimed(
  gate: IdempotencyGate,
  req: IncomingMessage,
  res: ServerResponse,
  facts: { scope: string; body: unknown; ids: RequestIds; logger: Log },
): Promise<OwnedClaim | true | null> {
  const decision = await gate.begin({
    ...facts,
    method: req.method ?? "GET",
    header: keyHeaderValues(req.rawHeaders),
    accept: req.headers.accept,
  });
  if (decision.kind === "pass") return null;
  if (decision.kind === "owner") return decision.claim;
  res.writeHead(decision.status, decision.headers).end(decision.body);
  return true;
}

/** Each `Idempotency-Key` value as sent (`headersDistinct` would build every header's list). */
function keyHeaderValues(raw: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Only a name of the right length is lower-cased: most headers are not looked at twice.
    if (name.length === 15 && name.toLowerCase() === "idempotency-key") values.push(raw[i + 1]!);
  }
  return values;
}

/**
 * A client that leaves changes nothing: the operation runs to its end (an upstream call already
 * sent is never aborted) and, under a key, its answer is stored for the retry.
 */
export function watchClient(res: ServerResponse, logger: Log, claim: OwnedClaim | null): void {
  res.once("close", () => {
    if (res.writableFinished) return;
    logger.warn(
      { code: "CLIENT_GONE", idempotency: claim ? { keyHash: claim.keyHash } : null },
      "the client left before its answer; the operation runs to its end",
    );
  });
}

/**
 * Stores the answer about to be sent (the claim is released when nothing went upstream) and
 * returns it, collected whole when Apollo streamed it. Stored before it is sent, so a retry
 * after the client saw it always replays.
 */
export async function settle(
  claim: OwnedClaim,
  response: HTTPGraphQLResponse,
  upstream: UpstreamFacts | undefined,
): Promise<HTTPGraphQLResponse> {
  let body = "";
  if (response.body.kind === "complete") body = response.body.string;
  else for await (const chunk of response.body.asyncIterator) body += chunk;
  const status = response.status ?? 200;
  const contentType = response.headers.get("content-type") ?? "application/json";
  await claim.finish(
    { status, contentType, body },
    upstream?.wroteUpstream ?? false,
    upstream?.longestMfaExpirySeconds ?? null,
  );
  return response.body.kind === "complete"
    ? response
    : { ...response, body: { kind: "complete", string: body } };
}

/** Apollo itself failed: the handler answers 500; a write already sent is stored as that 500. */
export async function settleFailure(
  claim: OwnedClaim,
  ids: RequestIds,
  upstream: UpstreamFacts | undefined,
  accept: string | undefined,
): Promise<void> {
  const answer = refusalAnswer({ code: ErrorCode.InternalServerError }, ids, accept);
  await claim.finish(
    { status: answer.status, contentType: answer.headers["content-type"]!, body: answer.body },
    upstream?.wroteUpstream ?? false,
    null,
  );
}
