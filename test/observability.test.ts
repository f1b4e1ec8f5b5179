/** What operators see: log lines, request ids, readiness, metrics. */
import request from "supertest";
import {
  LINK_BODY,
  REQUEST_ID,
  errorList,
  LINK_ID,
  TEST_REQUEST_ID,
  resumeInput,
  LINK_REPLY,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { refusal } from "./helpers/outcomes.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";
import { SECRET_ID, SECRET_PASSWORD } from "./helpers/gateway.js";

const TOKEN = "tok-5e2f9a";
const METRICS_TOKEN = "metrics-token-0123456789";

const kit = useGateway({ upstream: "fake", replies: [LINK_REPLY], perTest: true });

it("logs one line per operation and one per Belvo call, each with the request id, and no secret", async () => {
  kit.fake.reply({ status: 400, body: errorList("login_error", "Bad login") });
  await kit.post(RESUME_LINK, {
    input: resumeInput(TOKEN),
  });
  expect(kit.lines()).toEqual([
    {
      level: 30,
      time: expect.any(Number) as unknown,
      requestId: TEST_REQUEST_ID,
      upstream: {
        method: "PATCH",
        path: "/api/links/",
        status: 400,
        durationMs: expect.any(Number) as unknown,
        belvoRequestId: REQUEST_ID,
        failure: null,
      },
      msg: "belvo call",
    },
    {
      level: 30,
      time: expect.any(Number) as unknown,
      requestId: TEST_REQUEST_ID,
      operation: {
        name: "ResumeLink",
        fields: "resumeLink",
        outcome: "UPSTREAM_REJECTED",
        durationMs: expect.any(Number) as unknown,
        // Estimated before execution (a resume: a write and the link's lookup), and sent.
        upstreamCost: 13,
        upstreamCalls: 1,
      },
      msg: "graphql operation",
    },
  ]);
  const text = kit.logs.join("");
  for (const secret of [TOKEN, SECRET_ID, SECRET_PASSWORD]) expect(text).not.toContain(secret);
});

it("logs a call that got no answer with its failure code", async () => {
  kit.fake.reply({ fault: "reset-before-headers" });
  await kit.post(RESUME_LINK, {
    input: resumeInput(TOKEN),
  });
  expect(kit.lines()[0]).toMatchObject({
    upstream: {
      method: "PATCH",
      status: null,
      belvoRequestId: null,
      failure: "UPSTREAM_UNAVAILABLE",
    },
  });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("x-request-id", () => {
  it("by default, a caller's id is only clientRequestId, beside a gateway-made request id", async () => {
    const own = await kit.another({ trustProxyRequestId: false });
    kit.fake.reply({ status: 500, body: errorList("unexpected_error", "Boom") });
    const answer = await postGraphQL(
      own.url,
      RESUME_LINK,
      { input: resumeInput(TOKEN) },
      { "x-request-id": "trace-abc.123" },
    );
    const requestId = answer.headers["x-request-id"];
    expect(requestId).toMatch(UUID);
    expect(answer.body).toMatchObject({
      errors: [{ extensions: { requestId, clientRequestId: "trace-abc.123" } }],
    });
    const logged = own.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.map((line) => [line.requestId, line.clientRequestId])).toEqual([
      [requestId, "trace-abc.123"],
      [requestId, "trace-abc.123"],
    ]);
  });

  it("by default, two callers sending the same id never share a request id", async () => {
    const own = await kit.another({ trustProxyRequestId: false });
    const answers = await Promise.all(
      [1, 2].map(() =>
        postGraphQL(own.url, "{ nope }", {}, { "x-request-id": "victim-request-id" }),
      ),
    );
    const ids = answers.map((answer) => answer.headers["x-request-id"]);
    expect(new Set(ids).size).toBe(2);
    for (const [index, answer] of answers.entries()) {
      expect(answer.body).toMatchObject({
        errors: [{ extensions: { requestId: ids[index], clientRequestId: "victim-request-id" } }],
      });
    }
    const logged = own.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(logged.map((line) => line.requestId))).toEqual(new Set(ids));
  });

  it.each([
    ["too long", "x".repeat(129)],
    ["with a tab", "bad id\twith spaces"],
    ["with a quote", 'a"b'],
  ])("drops a caller's id %s: no clientRequestId, a fresh request id", async (_case, id) => {
    const own = await kit.another({ trustProxyRequestId: false });
    const answer = await postGraphQL(own.url, "{ nope }", {}, { "x-request-id": id });
    expect(answer.headers["x-request-id"]).toMatch(UUID);
    const [error] = answer.body.errors as { extensions: Record<string, unknown> }[];
    expect(error?.extensions).not.toHaveProperty("clientRequestId");
    expect(own.logs.join("")).not.toContain(id);
  });
});

describe("x-request-id from a trusted proxy, and before GraphQL", () => {
  it("with TRUST_PROXY_REQUEST_ID, keeps a sane incoming id: in the response header, every log line and every error", async () => {
    kit.fake.reply({ status: 500, body: errorList("unexpected_error", "Boom") });
    const answer = await kit.post(
      RESUME_LINK,
      { input: resumeInput(TOKEN) },
      {
        "x-request-id": "trace-abc.123",
      },
    );
    expect(answer.headers["x-request-id"]).toBe("trace-abc.123");
    expect(answer.body).toMatchObject({ errors: [{ extensions: { requestId: "trace-abc.123" } }] });
    expect(JSON.stringify(answer.body)).not.toContain("clientRequestId");
    expect(kit.lines().map((line) => line.requestId)).toEqual(["trace-abc.123", "trace-abc.123"]);
  });

  it("replaces an insane one with a fresh UUID", async () => {
    const answer = await kit.post("{ __typename }", {}, { "x-request-id": "bad id\twith spaces" });
    expect(answer.headers["x-request-id"]).toMatch(UUID);
  });

  it("is set on answers given before GraphQL runs", async () => {
    const response = await request(kit.url).get("/health");
    expect(response.headers["x-request-id"]).toMatch(UUID);
  });
});

it("/ready is 200 while serving and 503 while draining, and a request in flight still finishes", async () => {
  expect((await request(kit.url).get("/ready")).body).toEqual({ status: "ready" });
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 400 });
  const inFlight = kit.post(RESUME_LINK, {
    input: resumeInput(TOKEN),
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const draining = kit.gateway.shutdown(5_000);
  const ready = await request(kit.url).get("/ready");
  expect(ready.status).toBe(503);
  expect(ready.body).toEqual({ status: "draining" });
  const late = await kit.post("{ __typename }");
  expect(late.status).toBe(503);
  expect(late.headers["retry-after"]).toBe("1");
  expect(late.body).toEqual(refusal("SHUTTING_DOWN", "The gateway is shutting down; retry."));
  expect((await inFlight).body).toMatchObject({
    data: { resumeLink: { __typename: "Link", id: LINK_ID } },
  });
  await draining;
});

function sample(text: string, name: string, labels: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("/metrics", () => {
  it("is Prometheus text whose counters move with traffic", async () => {
    await kit.post(RESUME_LINK, {
      input: resumeInput(TOKEN),
    });
    kit.fake.reply({ status: 400, body: errorList("session_expired", "Expired") });
    await kit.post(RESUME_LINK, {
      input: resumeInput(TOKEN),
    });
    await kit.post(RESUME_LINK, {
      input: resumeInput(TOKEN),
    });
    const response = await request(kit.url).get("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const text = response.text;
    for (const line of text
      .split("\n")
      .filter((candidate) => candidate && !candidate.startsWith("#"))) {
      // Label values are quoted and may hold braces (`GET /api/links/{id}/`).
      expect(line).toMatch(
        /^[a-zA-Z_:][\w:]*(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (-?[\d.]+(e[+-]?\d+)?|nan|[+-]inf)$/i,
      );
    }
    expect(sample(text, "gateway_operations_total", 'operation="resumeLink",outcome="OK"')).toBe(1);
    expect(
      sample(
        text,
        "gateway_operations_total",
        'operation="resumeLink",outcome="MFA_SESSION_EXPIRED"',
      ),
    ).toBe(2);
    expect(sample(text, "gateway_operation_duration_seconds_count", 'operation="resumeLink"')).toBe(
      3,
    );
    expect(
      sample(
        text,
        "gateway_upstream_request_duration_seconds_count",
        'endpoint="PATCH /api/links/",status="400"',
      ),
    ).toBe(2);
    expect(sample(text, "gateway_operations_in_flight", "")).toBe(0);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("labels reads by endpoint template, not by id", async () => {
    await kit.post(`{ link(id: "${LINK_ID}") { id } }`);
    const text = (await request(kit.url).get("/metrics")).text;
    expect(
      sample(
        text,
        "gateway_upstream_request_duration_seconds_count",
        'endpoint="GET /api/links/{id}/",status="200"',
      ),
    ).toBe(1);
  });

  it("needs METRICS_TOKEN when one is set", async () => {
    const guarded = await kit.another({ metricsToken: METRICS_TOKEN });
    expect((await request(guarded.url).get("/metrics")).status).toBe(401);
    expect(
      (await request(guarded.url).get("/metrics").set("authorization", "Bearer wrong-token-000000"))
        .status,
    ).toBe(401);
    const allowed = await request(guarded.url)
      .get("/metrics")
      .set("authorization", `Bearer ${METRICS_TOKEN}`);
    expect(allowed.status).toBe(200);
  });
});
