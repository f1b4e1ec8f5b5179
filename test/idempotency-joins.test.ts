/**
 * Joins on one pending key (issue 21, item 2): copies of one slow keyed write cannot pin every
 * connection. A few join; the rest are answered IDEMPOTENCY_IN_PROGRESS at once; and `/health`
 * and `/ready` answer while MAX_CONNECTIONS is held by requests executing.
 */
import { request } from "node:http";
import { LINK_BODY } from "./helpers/fixtures.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { postRaw, resumeVariables, sleep, type RawAnswer } from "./helpers/idempotency.js";
import { useGateway } from "./helpers/kit.js";

const kit = useGateway({ upstream: "fake", lazy: true });
const patches = () => kit.fake.requests.filter((request) => request.method === "PATCH").length;

/** One request on a connection of its own (no agent): its answer, or the socket's error code. */
function onNewConnection(
  url: string,
  method: string,
  path: string,
  body?: string,
): Promise<RawAnswer | string> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, {
      method,
      agent: false,
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

const resume = (url: string, key: string) =>
  postRaw(url, { query: RESUME_LINK, variables: resumeVariables() }, { "idempotency-key": key });

it("lets four retries join one key's request; the rest are told IDEMPOTENCY_IN_PROGRESS at once", async () => {
  const gateway = await kit.another({});
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 1_500 });
  const started = Date.now();
  const first = resume(gateway.url, "one-slow-key");
  await sleep(200);
  const copies = Array.from({ length: 7 }, () =>
    resume(gateway.url, "one-slow-key").then((answer) => ({ answer, at: Date.now() - started })),
  );
  const answers = await Promise.all(copies);
  const joined = answers.filter(({ answer }) => answer?.status === 200);
  const refused = answers.filter(({ answer }) => answer?.status === 409);
  expect(joined).toHaveLength(4);
  expect(refused).toHaveLength(3);
  for (const { answer, at } of refused) {
    // At once: long before the request they would have joined ends.
    expect(at).toBeLessThan(1_000);
    expect(answer?.headers["retry-after"]).toBe("2");
    expect(JSON.parse(answer?.text ?? "")).toMatchObject({
      errors: [{ extensions: { code: "IDEMPOTENCY_IN_PROGRESS", retryable: true } }],
    });
  }
  for (const { answer } of joined) expect(answer?.headers["idempotent-replayed"]).toBe("true");
  expect((await first)?.status).toBe(200);
  expect(patches()).toBe(1);
});

it("answers /health and /ready while every connection is held by joins; other newcomers are cut", async () => {
  const gateway = await kit.another({ http: { maxConnections: 3 } });
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 1_500 });
  const held = [resume(gateway.url, "held-key")];
  await sleep(100);
  for (let i = 0; i < 2; i++) held.push(resume(gateway.url, "held-key"));
  await sleep(200);
  const health = await onNewConnection(gateway.url, "GET", "/health");
  const ready = await onNewConnection(gateway.url, "GET", "/ready");
  expect(health).toMatchObject({ status: 200, text: '{"status":"ok"}' });
  expect(ready).toMatchObject({ status: 200, text: '{"status":"ready"}' });
  expect((health as RawAnswer).headers.connection).toBe("close");
  // Any other request on a connection past the cap is refused by closing it: nothing runs.
  const body = JSON.stringify({ query: RESUME_LINK, variables: resumeVariables("654321") });
  expect(await onNewConnection(gateway.url, "POST", "/graphql", body)).toBe("ECONNRESET");
  const answers = await Promise.all(held);
  expect(answers.map((answer) => answer?.status)).toEqual([200, 200, 200]);
  expect(patches()).toBe(1);
});
