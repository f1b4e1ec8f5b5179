/**
 * OpenTelemetry spans, as a collector receives them (a real OTLP/HTTP receiver on loopback), and
 * the trace context Belvo receives (the recording fake upstream).
 */
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import request from "supertest";
import {
  LINK_BODY,
  REQUEST_ID,
  challengeEntry,
  errorList,
  LINK_ID,
  TEST_REQUEST_ID,
  resumeInput,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { checkStore, closeStore, redisStore } from "../src/guards/store.js";
import { startRedisServer } from "./helpers/redis-server.js";
import { installed } from "./helpers/system.js";
import { OtlpCollector, type ExportedSpan } from "./helpers/otlp-collector.js";

const RESUME = `mutation Resume($input: ResumeLinkInput!) {
  resumeLink(input: $input) { __typename ... on Link { id status } }
}`;
const LINK_QUERY = `{ link(id: "${LINK_ID}") { id status } }`;
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let collector: OtlpCollector;
let provider: BasicTracerProvider;

beforeAll(async () => {
  collector = await OtlpCollector.start();
});
afterAll(() => collector.close());

beforeEach(() => {
  provider = collector.provider();
});
afterEach(() => provider.shutdown());
// Registered after the provider's hooks: the gateway is started with this test's provider.
const kit = useGateway({ upstream: "fake", perTest: true, retryBaseMs: 5 }, () => ({
  tracing: collector.tracing(provider),
}));

let traces = 0;
/** A fresh sampled W3C context, as a frontend's OpenTelemetry would send it. */
function callerContext(flags = "01") {
  traces++;
  const traceId = `4bf92f3577b34da6a3ce929d${String(traces).padStart(8, "0")}`;
  const spanId = `00f067aa0ba9${String(traces).padStart(4, "0")}`;
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-${flags}` };
}

function childrenOf(parent: ExportedSpan): ExportedSpan[] {
  return collector.trace(parent.traceId).filter((span) => span.parentSpanId === parent.spanId);
}

async function operationSpan(traceId: string): Promise<ExportedSpan> {
  return collector.waitFor(provider, (span) => span.traceId === traceId && span.kind === SERVER);
}

it("a resumeLink that challenges, then succeeds: each operation's span holds its Belvo PATCH, and Belvo gets the trace context", async () => {
  kit.fake.reply({ status: 428, body: [challengeEntry()] }, { status: 200, body: LINK_BODY });
  const input = { input: resumeInput("123456") };
  const callers = [callerContext(), callerContext()];
  const typenames = [];
  for (const caller of callers) {
    const { body } = await kit.post(RESUME, input, {
      traceparent: caller.traceparent,
    });
    typenames.push((body.data as { resumeLink: { __typename: string } }).resumeLink.__typename);
  }
  expect(typenames).toEqual(["MfaChallenge", "Link"]);

  for (const [index, caller] of callers.entries()) {
    const operation = await operationSpan(caller.traceId);
    expect(operation).toMatchObject({
      name: "resumeLink",
      parentSpanId: caller.spanId,
      status: 0,
      service: "gateway-under-test",
      attributes: {
        "graphql.operation.type": "mutation",
        "graphql.operation.name": "Resume",
        "gateway.outcome": "OK",
        "gateway.request_id": TEST_REQUEST_ID,
        "http.request.method": "POST",
        "http.response.status_code": 200,
      },
    });
    const [patch, ...others] = childrenOf(operation);
    expect(others).toEqual([]);
    expect(patch).toMatchObject({
      name: "PATCH /api/links/",
      kind: CLIENT,
      status: 0,
      attributes: {
        "http.request.method": "PATCH",
        "url.template": "/api/links/",
        "http.request.resend_count": 0,
        "http.response.status_code": index === 0 ? 428 : 200,
        "server.address": "127.0.0.1",
      },
    });
    // Belvo names its request only in error and challenge bodies.
    expect(patch!.attributes["belvo.request_id"]).toBe(index === 0 ? REQUEST_ID : undefined);
    expect(kit.fake.requests[index]!.headers.traceparent).toBe(
      `00-${caller.traceId}-${patch!.spanId}-01`,
    );
  }
});

it("a GET tried three times: one span per try under the operation, numbered, each try's traceparent its own", async () => {
  kit.fake.reply(
    { status: 503, body: errorList("service_unavailable", "Try later") },
    { fault: "reset-before-headers" },
    { status: 200, body: LINK_BODY },
  );
  const caller = callerContext();
  const { body } = await kit.post(LINK_QUERY, {}, { traceparent: caller.traceparent });
  expect(body).toEqual({ data: { link: { id: LINK_ID, status: "VALID" } } });
  const operation = await operationSpan(caller.traceId);
  expect(operation).toMatchObject({
    name: "link",
    attributes: { "graphql.operation.type": "query", "gateway.outcome": "OK" },
  });
  const tries = childrenOf(operation).sort(
    (a, b) =>
      Number(a.attributes["http.request.resend_count"]) -
      Number(b.attributes["http.request.resend_count"]),
  );
  expect(
    tries.map(({ name, status, attributes }) => ({
      name,
      status,
      resend: attributes["http.request.resend_count"],
      answered: attributes["http.response.status_code"],
      error: attributes["error.type"],
    })),
  ).toEqual([
    { name: "GET /api/links/{id}/", status: ERROR, resend: 0, answered: 503, error: "503" },
    {
      name: "GET /api/links/{id}/",
      status: ERROR,
      resend: 1,
      answered: undefined,
      error: "UPSTREAM_UNAVAILABLE",
    },
    { name: "GET /api/links/{id}/", status: 0, resend: 2, answered: 200, error: undefined },
  ]);
  // The reset try's request reached the fake too, before it cut the connection.
  expect(kit.fake.requests.map((received) => received.headers.traceparent)).toEqual(
    tries.map((span) => `00-${caller.traceId}-${span.spanId}-01`),
  );
});

it("an error: the operation's span has the error code as its outcome and an error status", async () => {
  kit.fake.reply({ status: 400, body: errorList("login_error", "Invalid credentials") });
  const caller = callerContext();
  await kit.post(
    "mutation Register($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }",
    { input: { institution: "erebor_mx_retail", username: "u", password: "p" } },
    { traceparent: caller.traceparent },
  );
  const operation = await operationSpan(caller.traceId);
  expect(operation).toMatchObject({
    name: "registerLink",
    status: ERROR,
    attributes: { "gateway.outcome": "UPSTREAM_REJECTED", "http.response.status_code": 200 },
  });
  expect(childrenOf(operation)).toMatchObject([
    {
      name: "POST /api/links/",
      // Belvo's 4xx is about the user's request, not a failure of the call.
      status: 0,
      attributes: { "http.response.status_code": 400, "belvo.request_id": REQUEST_ID },
    },
  ]);
});

it("a request refused before GraphQL runs (a body that is not JSON) still has its span", async () => {
  const caller = callerContext();
  const response = await request(kit.url)
    .post("/graphql")
    .set({ "content-type": "application/json", traceparent: caller.traceparent })
    .send("{not json");
  expect(response.status).toBe(400);
  const operation = await operationSpan(caller.traceId);
  expect(operation).toMatchObject({
    name: "graphql",
    status: ERROR,
    attributes: { "http.response.status_code": 400 },
  });
  expect(kit.fake.requests).toEqual([]);
});

it("a client that leaves before the answer: its span ends then, marked; the Belvo call ends later under it", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 400 });
  const caller = callerContext();
  const gone = await request(kit.url)
    .post("/graphql")
    .set({ "content-type": "application/json", traceparent: caller.traceparent })
    .send({ query: LINK_QUERY })
    .timeout(150)
    .then(
      () => false,
      () => true,
    );
  expect(gone).toBe(true);
  const operation = await operationSpan(caller.traceId);
  expect(operation).toMatchObject({ status: ERROR, attributes: { "gateway.client_gone": true } });
  expect(operation.attributes["http.response.status_code"]).toBeUndefined();
  const call = await collector.waitFor(provider, (span) => span.parentSpanId === operation.spanId);
  expect(call).toMatchObject({
    name: "GET /api/links/{id}/",
    attributes: { "http.response.status_code": 200 },
  });
});

it("the gateway starts a trace of its own without a caller's, and log lines carry its ids", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const requestId = "req-own-trace";
  await kit.post(LINK_QUERY, {}, { "x-request-id": requestId });
  const operation = await collector.waitFor(
    provider,
    (span) => span.attributes["gateway.request_id"] === requestId,
  );
  expect(operation).toMatchObject({ name: "link", parentSpanId: null });
  const lines = kit.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const own = lines.filter((line) => line.requestId === requestId);
  expect(own.map((line) => line.msg)).toEqual(["belvo call", "graphql operation"]);
  for (const line of own) {
    expect(line).toMatchObject({ traceId: operation.traceId, spanId: operation.spanId });
  }
});

it("a caller's unsampled trace is not exported nor logged, yet Belvo still gets its trace context", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const caller = callerContext("00");
  const linesBefore = kit.logs.length;
  await kit.post(LINK_QUERY, {}, { traceparent: caller.traceparent });
  const sent = kit.fake.requests[0]!.headers.traceparent;
  expect(sent).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-00$`));
  // Its log lines lead to no exported trace: they go without trace ids.
  const own = kit.logs.slice(linesBefore);
  expect(own.map((line) => JSON.parse(line).msg)).toEqual(["belvo call", "graphql operation"]);
  expect(own.join("")).not.toContain("traceId");
  // A later, sampled request's span arrives; the unsampled one never did.
  const later = callerContext();
  await kit.post(LINK_QUERY, {}, { traceparent: later.traceparent });
  await operationSpan(later.traceId);
  expect(collector.trace(caller.traceId)).toEqual([]);
});

it("probes and scrapes make no span", async () => {
  const caller = callerContext();
  for (const path of ["/health", "/ready", "/metrics", "/graphqlx"]) {
    await request(kit.url).get(path).set({ traceparent: caller.traceparent });
  }
  const later = callerContext();
  await kit.post("{ __typename }", {}, { traceparent: later.traceparent });
  await operationSpan(later.traceId);
  expect(collector.trace(caller.traceId)).toEqual([]);
});

describe("off (no tracing given)", () => {
  it("sends no trace context to Belvo and logs no trace ids", async () => {
    await kit.restart({ tracing: undefined });
    kit.fake.reply({ status: 200, body: LINK_BODY });
    const caller = callerContext();
    await kit.post(LINK_QUERY, {}, { traceparent: caller.traceparent });
    expect(kit.fake.requests).toHaveLength(1);
    expect(kit.fake.requests[0]!.headers.traceparent).toBeUndefined();
    expect(kit.logs.join("")).not.toContain("traceId");
  });
});

describe("with resolver spans (TRACE_RESOLVERS)", () => {
  it("a resolver's span sits between the operation and the Belvo calls it makes", async () => {
    await kit.restart({ tracing: collector.tracing(provider, true) });
    kit.fake.reply({ status: 200, body: LINK_BODY });
    const caller = callerContext();
    await kit.post(LINK_QUERY, {}, { traceparent: caller.traceparent });
    const operation = await operationSpan(caller.traceId);
    const [resolver, ...others] = childrenOf(operation);
    expect(others).toEqual([]);
    expect(resolver).toMatchObject({
      name: "Query.link",
      attributes: { "graphql.field.name": "link", "graphql.field.path": "link" },
    });
    expect(childrenOf(resolver!).map((span) => span.name)).toEqual(["GET /api/links/{id}/"]);
  });

  it("the traced schema answers as the plain one does (a union member, compiled by graphql-jit)", async () => {
    await kit.restart({ tracing: collector.tracing(provider, true) });
    kit.fake.reply({ status: 428, body: [challengeEntry()] });
    const { body } = await kit.post(RESUME, {
      input: resumeInput("123456"),
    });
    expect(body).toEqual({ data: { resumeLink: { __typename: "MfaChallenge" } } });
    const resolver = await collector.waitFor(
      provider,
      (span) => span.name === "Mutation.resumeLink",
    );
    expect(childrenOf(resolver).map((span) => span.name)).toEqual(["PATCH /api/links/"]);
  });
});

const describeWithRedis = installed("redis-server", "the guards' spans") ? describe : describe.skip;

describeWithRedis("with the guards' counters in Redis", () => {
  it("each guard step that touches Redis has its span under the operation, beside the Belvo call", async () => {
    const redis = await startRedisServer();
    const guardStore = redisStore(
      redis.url,
      { commandTimeoutMs: 1_000, connectTimeoutMs: 1_000 },
      () => undefined,
    );
    try {
      await checkStore(guardStore);
      await kit.restart({
        tracing: collector.tracing(provider),
        guardStore,
        limits: { ratePerMinute: 100 },
      });
      kit.fake.reply({ status: 200, body: LINK_BODY });
      const caller = callerContext();
      await kit.post(RESUME, { input: resumeInput("123456") }, { traceparent: caller.traceparent });
      const operation = await operationSpan(caller.traceId);
      expect(childrenOf(operation).map(({ name, attributes }) => [name, attributes])).toEqual([
        [
          "guard rate increment",
          { "gateway.guard": "rate", "gateway.guard.step": "increment", "db.system.name": "redis" },
        ],
        [
          "guard mfa-failures increment",
          {
            "gateway.guard": "mfa-failures",
            "gateway.guard.step": "increment",
            "db.system.name": "redis",
          },
        ],
        ["PATCH /api/links/", expect.objectContaining({ "http.response.status_code": 200 })],
        [
          "guard mfa-failures decrement",
          {
            "gateway.guard": "mfa-failures",
            "gateway.guard.step": "decrement",
            "db.system.name": "redis",
          },
        ],
      ]);
    } finally {
      await kit.gateway.close();
      await closeStore(guardStore);
      redis.stop();
    }
  });
});

it("a request refused by the per-key rate (HTTP 200, in errors): its span says RATE_LIMITED, in error", async () => {
  await kit.restart({ tracing: collector.tracing(provider), limits: { ratePerMinute: 1 } });
  kit.fake.reply({ status: 200, body: LINK_BODY });
  await kit.post(LINK_QUERY, {}, { traceparent: callerContext().traceparent });
  const refused = callerContext();
  const answer = await kit.post(LINK_QUERY, {}, { traceparent: refused.traceparent });
  expect(answer.status).toBe(200);
  const span = await operationSpan(refused.traceId);
  expect(span.attributes["gateway.outcome"]).toBe("RATE_LIMITED");
  expect(span.status).toBe(ERROR);
});
