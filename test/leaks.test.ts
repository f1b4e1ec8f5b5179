/**
 * Recognisable secrets through every error path: none may appear in any answer, header, log
 * line or exported span. The fake upstream echoes what it received, as some servers do in their
 * error pages.
 */
import { Writable } from "node:stream";
import request from "supertest";
import { redisStore, type GuardStore } from "../src/guards/store.js";
import { createLogger } from "../src/logger.js";
import { gatewayConfig } from "../src/config.js";
import { createGateway } from "../src/server.js";
import { freePort } from "./helpers/system.js";
import { FakeUpstream, type RecordedRequest, type Reply } from "./helpers/fake-upstream.js";
import { LINK_ID, SESSION_HEX, TEST_REQUEST_ID, resumeInput } from "./helpers/fixtures.js";
import { postGraphQL } from "./helpers/graphql.js";
import { OtlpCollector } from "./helpers/otlp-collector.js";

const SECRETS = {
  belvoId: "LEAKbelvoid7Q2",
  belvoPassword: "LEAKbelvopw9X4",
  apiKey: "LEAKapikey00000000001",
  wrongApiKey: "LEAKwrongkey0000000002",
  token: "LEAKtok55",
  password: "LEAKbankpw31",
  password2: "LEAKbankpw2nd",
  cookie: "LEAKcookie77",
};
const VALUES = Object.values(SECRETS);

function echo(request: RecordedRequest, status: number): Reply {
  const said = `received ${JSON.stringify(request.body)} with ${String(request.headers.authorization)}`;
  return { status, body: [{ code: "login_error", message: said, request_id: "0".repeat(32) }] };
}

const PATHS: Record<string, (request: RecordedRequest) => Reply> = {
  "400-echo": (request) => echo(request, 400),
  "500-echo": (request) => echo(request, 500),
  "401-echo": (request) => echo(request, 401),
  "html-echo": (request) => ({ status: 502, text: `<html>${JSON.stringify(request.body)}</html>` }),
  "428-echo": (request) => ({
    status: 428,
    body: [
      {
        code: "activation_required",
        message: JSON.stringify(request.body),
        request_id: "1".repeat(32),
      },
    ],
  }),
  timeout: () => ({ status: 200, body: [], delayMs: 2_000 }),
  reset: () => ({ fault: "reset-mid-body" }),
};

let fake: FakeUpstream;
let collector: OtlpCollector;
let path = "400-echo";
const seen: string[] = [];

beforeAll(async () => {
  fake = await FakeUpstream.start();
  fake.route = (received) => PATHS[path]!(received);
  collector = await OtlpCollector.start();
});
afterAll(async () => {
  await fake.close();
  await collector.close();
});

/** Traced: every span is exported to the collector, whose bodies are searched too. */
async function gatewayWith(extra: { guardStore?: GuardStore } = {}) {
  const logs: string[] = [];
  const provider = collector.provider();
  const config = gatewayConfig(
    {
      kind: "belvo",
      url: fake.url,
      secretId: SECRETS.belvoId,
      secretPassword: SECRETS.belvoPassword,
    },
    { BELVO_TIMEOUT_MS: "400", GATEWAY_API_KEYS: SECRETS.apiKey },
  );
  const gateway = await createGateway(config, {
    logger: createLogger(
      "trace",
      false,
      new Writable({ write: (chunk: Buffer, _e, done) => done(void logs.push(chunk.toString())) }),
    ),
    tracing: collector.tracing(provider, true),
    ...extra,
  });
  const url = await gateway.listen(0, "127.0.0.1");
  /** Closes the gateway and sends every span still queued to the collector. */
  const close = async () => {
    await gateway.close();
    await provider.shutdown();
  };
  return { close, url, logs };
}

const AUTH = {
  authorization: `Bearer ${SECRETS.apiKey}`,
  cookie: `session=${SECRETS.cookie}`,
};
const RESUME = "mutation($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename } }";
const REGISTER =
  "mutation($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }";

async function drive(url: string) {
  const answers = [];
  for (path of Object.keys(PATHS)) {
    answers.push(await postGraphQL(url, RESUME, { input: resumeInput(SECRETS.token) }, AUTH));
    answers.push(
      await postGraphQL(
        url,
        REGISTER,
        {
          input: {
            institution: "erebor_mx_retail",
            username: "u",
            password: SECRETS.password,
            password2: SECRETS.password2,
          },
        },
        AUTH,
      ),
    );
  }
  // Refused by the gateway itself: bad token shape, wrong types, a wrong client key, bad JSON.
  answers.push(await postGraphQL(url, RESUME, { input: resumeInput(`${SECRETS.token} x`) }, AUTH));
  answers.push(
    await postGraphQL(
      url,
      RESUME,
      { input: { session: SESSION_HEX, link: LINK_ID, token: [SECRETS.token] } },
      AUTH,
    ),
  );
  answers.push(
    await postGraphQL(
      url,
      REGISTER,
      { input: { institution: "x", username: "u", password: { p: SECRETS.password } } },
      AUTH,
    ),
  );
  answers.push(
    await postGraphQL(
      url,
      RESUME,
      { input: resumeInput(SECRETS.token) },
      { authorization: `Bearer ${SECRETS.wrongApiKey}` },
    ),
  );
  const broken = await request(url)
    .post("/graphql")
    .set({ "content-type": "application/json", ...AUTH })
    .send(`{"query": "${SECRETS.token}`);
  answers.push({
    status: broken.status,
    body: broken.body as Record<string, unknown>,
    headers: broken.headers,
  });
  return answers;
}

it("no secret reaches an answer, a header, a log line or a span on any path", async () => {
  const { close, url, logs } = await gatewayWith();
  const answers = await drive(url);
  await close();
  for (const answer of answers) seen.push(JSON.stringify(answer));
  expect(fake.requests.length).toBeGreaterThanOrEqual(Object.keys(PATHS).length * 2);
  seen.push(...logs, ...collector.bodies);
  // Every request was traced: an operation span each, a Belvo call span each that reached it.
  expect(collector.spans.filter((span) => span.kind === 2)).toHaveLength(answers.length);
  expect(collector.spans.filter((span) => span.kind === 3).length).toBeGreaterThanOrEqual(
    fake.requests.length,
  );
  const everything = seen.join("\n");
  for (const value of VALUES) expect(everything).not.toContain(value);
  // The echoes did carry them: the test would see a leak.
  expect(JSON.stringify(fake.requests)).toContain(SECRETS.token);
});

it("a guard whose store is down refuses (GUARD_UNAVAILABLE) without secrets in the answer or the log", async () => {
  const port = await freePort();
  const guardStore = redisStore(
    `redis://:${SECRETS.belvoPassword}@127.0.0.1:${port}`,
    { commandTimeoutMs: 200, connectTimeoutMs: 200 },
    () => undefined,
  );
  const { close, url, logs } = await gatewayWith({ guardStore });
  const exported = collector.bodies.length;
  try {
    path = "400-echo";
    const sent = fake.requests.length;
    const { body } = await postGraphQL(url, RESUME, { input: resumeInput(SECRETS.token) }, AUTH);
    expect(body).toMatchObject({
      data: null,
      errors: [{ extensions: { code: "GUARD_UNAVAILABLE", retryable: true } }],
    });
    expect(fake.requests).toHaveLength(sent);
    await close();
    const spans = collector.bodies.slice(exported).join("");
    // The guard's failed Redis step has its span, with the error's class and nothing more.
    expect(spans).toContain("guard mfa-failures increment");
    const everything = JSON.stringify(body) + logs.join("") + spans;
    expect(logs.join("")).toContain(`"clientRequestId":"${TEST_REQUEST_ID}"`);
    expect(logs.join("")).toContain("GUARD_UNAVAILABLE");
    for (const value of VALUES) expect(everything).not.toContain(value);
  } finally {
    await close();
    if (guardStore.kind === "redis") guardStore.redis.disconnect();
  }
});
