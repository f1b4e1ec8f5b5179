/** Tracing turned on by the standard OpenTelemetry settings, in the compiled gateway as users run it. */
import { LINK_BODY, LINK_ID } from "./helpers/fixtures.js";
import { postGraphQL } from "./helpers/graphql.js";
import { FakeUpstream } from "./helpers/fake-upstream.js";
import { OtlpCollector } from "./helpers/otlp-collector.js";
import { buildOnce, runNode, waitForListening } from "./helpers/process.js";
import { freePort } from "./helpers/system.js";

beforeAll(() => buildOnce(), 120_000);

let collector: OtlpCollector;
let fake: FakeUpstream;
beforeEach(async () => {
  collector = await OtlpCollector.start();
  fake = await FakeUpstream.start({ status: 200, body: LINK_BODY });
});
afterEach(async () => {
  await fake.close();
  await collector.close();
});

const QUERY = `{ link(id: "${LINK_ID}") { id } }`;
/** The compiled gateway's environment, in front of the fake, exporting to `endpoint`. */
const environment = (endpoint: string) => ({
  PORT: "0",
  BELVO_URL: fake.url,
  BELVO_SECRET_ID: "id-for-tracing-test",
  BELVO_SECRET_PASSWORD: "password-for-tracing-test",
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
});
const SAMPLED = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const UNSAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

it("OTEL_* settings turn it on: the sampler follows them, and queued spans are sent on SIGTERM", async () => {
  const gateway = runNode("dist/index.js", {
    ...environment(collector.url),
    OTEL_SERVICE_NAME: "gateway-from-env",
    // No trace of the gateway's own; a caller's sampled one is followed.
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: "0",
  });
  let sampledRequestId: unknown;
  try {
    const url = await waitForListening(gateway);
    expect(gateway.stdout.join("")).toContain(
      `tracing: spans to ${collector.url} as gateway-from-env (parentbased_traceidratio)`,
    );
    const sampled = await postGraphQL(url, QUERY, {}, { traceparent: SAMPLED });
    sampledRequestId = sampled.headers["x-request-id"];
    await postGraphQL(url, QUERY, {});
    await postGraphQL(url, QUERY, {}, { traceparent: UNSAMPLED, tracestate: "vendor=kept" });
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
  expect(sampledRequestId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  expect(fake.requests.map((received) => received.headers.traceparent)).toEqual([
    expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/),
    expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
    // A caller's unsampled trace goes on, unsampled, with its state.
    expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/),
  ]);
  expect(fake.requests[2]?.headers.tracestate).toBe("vendor=kept");
  expect(
    collector.spans.map(({ name, service, traceId, attributes }) => ({
      name,
      service,
      traceId,
      requestId: attributes["gateway.request_id"],
    })),
  ).toEqual([
    {
      name: "GET /api/links/{id}/",
      service: "gateway-from-env",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      requestId: undefined,
    },
    {
      name: "link",
      service: "gateway-from-env",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      requestId: sampledRequestId,
    },
  ]);
});

it("a collector that is away costs a warning, not the answer nor a clean exit", async () => {
  const gateway = runNode("dist/index.js", {
    ...environment(`http://127.0.0.1:${await freePort()}`),
    // Read by the exporter itself: how long it keeps trying (10 s by default).
    OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
  });
  try {
    const url = await waitForListening(gateway);
    const { body } = await postGraphQL(url, QUERY);
    expect(body).toEqual({ data: { link: { id: LINK_ID } } });
  } finally {
    gateway.child.kill("SIGTERM");
  }
  expect(await gateway.exit).toBe(0);
  expect(gateway.stdout.join("")).toContain(
    "tracing: spans could not be exported (is the OTLP endpoint reachable?)",
  );
});
