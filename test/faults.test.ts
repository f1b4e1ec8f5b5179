/** A misbehaving Belvo: each fault is its mapped error, quickly, and no socket is left behind. */
import { freePort } from "./helpers/system.js";
import { type Reply } from "./helpers/fake-upstream.js";
import { resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { startGateway } from "./helpers/gateway.js";
import { ResumeLinkDocument } from "../packages/client/src/generated.js";
import { postGraphQL } from "./helpers/graphql.js";

const TIMEOUT_MS = 500;

const kit = useGateway({
  upstream: "fake",
  timeoutMs: TIMEOUT_MS,
  limits: { maxResponseBytes: 1024 * 1024 },
});

async function timed(url: string) {
  const started = Date.now();
  const { body } = await postGraphQL(url, ResumeLinkDocument, {
    input: resumeInput("123456"),
  });
  return { body, ms: Date.now() - started };
}

it.each<[string, Reply, string, number]>([
  [
    "headers that come too late",
    { status: 200, body: {}, delayMs: 3_000 },
    "UPSTREAM_TIMEOUT",
    TIMEOUT_MS + 700,
  ],
  [
    "a body that trickles in forever",
    { fault: "trickle-body" },
    "UPSTREAM_TIMEOUT",
    TIMEOUT_MS + 700,
  ],
  ["a reset in the middle of the body", { fault: "reset-mid-body" }, "UPSTREAM_UNAVAILABLE", 400],
  ["truncated JSON", { fault: "truncated-json" }, "UPSTREAM_ERROR", 400],
  [
    "enormous JSON",
    {
      status: 200,
      text: `[${'"x",'.repeat(600_000)}"x"]`,
      headers: { "content-type": "application/json" },
    },
    "UPSTREAM_ERROR",
    1_500,
  ],
])("%s is %s within its bound", async (_fault, reply, code, boundMs) => {
  kit.fake.reply(reply);
  const { body, ms } = await timed(kit.url);
  expect(body).toMatchObject({ data: null, errors: [{ extensions: { code } }] });
  expect(ms).toBeLessThan(boundMs);
});

it("an upstream refusing connections is UPSTREAM_UNAVAILABLE at once", async () => {
  const port = await freePort();
  const refused = await startGateway(`http://127.0.0.1:${port}`, { timeoutMs: TIMEOUT_MS });
  try {
    const { body, ms } = await timed(refused.url);
    expect(body).toMatchObject({ errors: [{ extensions: { code: "UPSTREAM_UNAVAILABLE" } }] });
    expect(ms).toBeLessThan(400);
  } finally {
    await refused.close();
  }
});

it("after the faults, no connection to Belvo is left but the idle keep-alive one, and none after close", async () => {
  kit.fake.reply({ status: 200, body: [] });
  await timed(kit.url);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(kit.fake.openSockets).toBeLessThanOrEqual(1);
  await kit.gateway.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(kit.fake.openSockets).toBe(0);
});
