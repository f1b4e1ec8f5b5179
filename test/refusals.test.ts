/** The edge's refusals: one status and one set of fixed headers per code, from the errors table. */
import { ERRORS, ErrorCode } from "../src/errors.js";
import { refusalAnswer, type RefusalCode } from "../src/edge/refusals.js";

const IDS = { requestId: "req-1", clientRequestId: "client-1" };

it("gives every edge refusal of the errors table an error status but RATE_LIMITED's 200", () => {
  const edge = Object.entries(ERRORS).filter(([, kind]) => "edge" in kind);
  expect(edge.length).toBeGreaterThanOrEqual(16);
  for (const [code, { status }] of edge) {
    if (code === ErrorCode.RateLimited) expect(status).toBe(200);
    else expect(status).toBeGreaterThanOrEqual(400);
  }
});

it("writes the table's message when a refusal gives none", () => {
  const answer = refusalAnswer({ code: ErrorCode.ShuttingDown }, IDS, undefined);
  expect(JSON.parse(answer.body)).toEqual({
    errors: [
      {
        message: "The gateway is shutting down; retry.",
        extensions: { code: ErrorCode.ShuttingDown, ...IDS },
      },
    ],
  });
});

it.each<[RefusalCode, number]>([
  [ErrorCode.BadRequest, 400],
  [ErrorCode.Unauthenticated, 401],
  [ErrorCode.NotFound, 404],
  [ErrorCode.MethodNotAllowed, 405],
  [ErrorCode.NotAcceptable, 406],
  [ErrorCode.IdempotencyInProgress, 409],
  [ErrorCode.PayloadTooLarge, 413],
  [ErrorCode.MisdirectedRequest, 421],
  [ErrorCode.IdempotencyKeyReused, 422],
  [ErrorCode.RateLimited, 200],
  [ErrorCode.ShuttingDown, 503],
  [ErrorCode.GuardUnavailable, 503],
])("writes %s as HTTP %i in the GraphQL error shape", (code, status) => {
  const answer = refusalAnswer({ code, message: "no" }, IDS, undefined);
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(JSON.parse(answer.body)).toEqual({
    errors: [{ message: "no", extensions: { code, ...IDS } }],
  });
});

it("sends a retryAfter extension as the Retry-After header too, and only then", () => {
  const limited = refusalAnswer(
    { code: ErrorCode.RateLimited, message: "slow down", extensions: { retryAfter: 7 } },
    IDS,
    undefined,
  );
  expect(limited.headers["retry-after"]).toBe("7");
  expect(JSON.parse(limited.body).errors[0].extensions.retryAfter).toBe(7);
  const missing = refusalAnswer({ code: ErrorCode.NotFound, message: "nothing" }, IDS, undefined);
  expect(missing.headers).not.toHaveProperty("retry-after");
});

it("keeps a code's fixed headers, and adds those of one occurrence", () => {
  const draining = refusalAnswer({ code: ErrorCode.ShuttingDown, message: "bye" }, IDS, undefined);
  expect(draining.headers).toMatchObject({ connection: "close", "retry-after": "1" });
  const key = refusalAnswer(
    { code: ErrorCode.Unauthenticated, message: "key", headers: { "www-authenticate": "Bearer" } },
    IDS,
    undefined,
  );
  expect(key.headers["www-authenticate"]).toBe("Bearer");
});

describe("writes every refusal in the media type the request's Accept prefers, as Apollo chooses", () => {
  const JSON_TYPE = "application/json; charset=utf-8";
  const GRAPHQL_RESPONSE = "application/graphql-response+json; charset=utf-8";
  it.each<[string | undefined, string]>([
    [undefined, JSON_TYPE],
    ["", JSON_TYPE],
    ["*/*", JSON_TYPE],
    ["application/json", JSON_TYPE],
    ["application/graphql-response+json", GRAPHQL_RESPONSE],
    // Apollo Client 4
    ["application/graphql-response+json,application/json;q=0.9", GRAPHQL_RESPONSE],
    // urql
    [
      "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
      GRAPHQL_RESPONSE,
    ],
    // graphql-request (the typed client)
    ["application/graphql-response+json, application/json", GRAPHQL_RESPONSE],
    ["application/json, application/graphql-response+json", JSON_TYPE],
    ["application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE],
    // Neither: a refusal is still sent (as application/json), not turned into a 406.
    ["text/html", JSON_TYPE],
  ])("Accept: %j gets %s", (accept, contentType) => {
    const edge = Object.entries(ERRORS).filter(([, kind]) => "edge" in kind);
    for (const code of edge.map(([code]) => code as RefusalCode)) {
      const answer = refusalAnswer({ code, message: "no" }, IDS, accept);
      expect(answer.headers["content-type"]).toBe(contentType);
    }
  });
});
