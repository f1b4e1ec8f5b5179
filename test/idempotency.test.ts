/**
 * Idempotency-Key on one gateway: a retry joins or replays the first request's answer, byte for
 * byte, and Belvo sees each write once; a key reused for another request is refused; refusals
 * before anything went upstream are not stored.
 */
import { createHash } from "node:crypto";
import { ACCOUNT_BODY, LINK_BODY, challengeEntry, errorList, page } from "./helpers/fixtures.js";
import { startGateway } from "./helpers/gateway.js";
import { useGateway } from "./helpers/kit.js";
import { freePort } from "./helpers/system.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { RawBody, postRaw, resumeVariables, sleep, type RawAnswer } from "./helpers/idempotency.js";

let keys = 0;
const freshKey = () => `test-key-${Date.now()}-${++keys}`;
const patches = () => kit.fake.requests.filter((request) => request.method === "PATCH").length;

const kit = useGateway({ upstream: "fake" });

function resume(key: string | null, token = "123456", leaveAfterMs?: number) {
  return postRaw(
    kit.url,
    { query: RESUME_LINK, variables: resumeVariables(token) },
    key === null ? {} : { "idempotency-key": key },
    leaveAfterMs,
  );
}

function typename(answer: RawAnswer | null): string {
  const body = JSON.parse(answer?.text ?? "null") as {
    data?: { resumeLink?: { __typename: string } } | null;
    errors?: { extensions: { code: string } }[];
  } | null;
  return body?.data?.resumeLink?.__typename ?? body?.errors?.[0]?.extensions.code ?? "?";
}

it("keeps the answer of a client that left; its retry joins, the next one replays", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 3_000 });
  const key = freshKey();
  const first = resume(key, "123456", 1_000);
  await sleep(1_500);
  const joined = await resume(key);
  expect(await first).toBeNull();
  expect(joined?.status).toBe(200);
  expect(typename(joined)).toBe("Link");
  expect(joined?.headers["idempotent-replayed"]).toBe("true");
  const replayed = await resume(key);
  expect(replayed?.status).toBe(200);
  expect(replayed?.headers["idempotent-replayed"]).toBe("true");
  expect(replayed?.text).toBe(joined?.text);
  expect(patches()).toBe(1);
  const logs = kit.logs.join("");
  expect(logs).toContain("CLIENT_GONE");
  expect(logs).toContain('"outcome":"joined"');
  expect(logs).not.toContain(key);
  const operationLines = logs
    .split("\n")
    .filter((line) => line.includes('"graphql operation"'))
    .map((line) => JSON.parse(line) as { idempotency?: { keyHash?: string } });
  expect(operationLines.map((line) => line.idempotency?.keyHash)).toEqual([
    expect.stringMatching(/^[0-9a-f]{16}$/),
  ]);
  const metrics = await (await fetch(`${kit.url}/metrics`)).text();
  for (const outcome of ["claimed", "stored", "joined", "replayed"]) {
    expect(metrics).toMatch(
      new RegExp(`gateway_idempotency_total\\{outcome="${outcome}"\\} [1-9]`),
    );
  }
});

it("knows a document by its persisted-query hash as by its text: a retry by hash replays", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const key = freshKey();
  const first = await resume(key);
  expect(typename(first)).toBe("Link");
  const byHash = await postRaw(
    kit.url,
    {
      variables: resumeVariables("123456"),
      extensions: {
        persistedQuery: {
          version: 1,
          sha256Hash: createHash("sha256").update(RESUME_LINK).digest("hex"),
        },
      },
    },
    { "idempotency-key": key },
  );
  expect(byHash?.headers["idempotent-replayed"]).toBe("true");
  expect(byHash?.text).toBe(first?.text);
  expect(patches()).toBe(1);
});

it("refuses the same key with other variables (422), sending nothing upstream", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const key = freshKey();
  expect(typename(await resume(key, "123456"))).toBe("Link");
  const reused = await resume(key, "654321");
  expect(reused?.status).toBe(422);
  expect(typename(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
  expect(reused?.headers["idempotent-replayed"]).toBeUndefined();
  expect(patches()).toBe(1);
});

it("does not store a refused input: the corrected retry with the same key goes through", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const key = freshKey();
  const refused = await resume(key, "12 34");
  expect(typename(refused)).toBe("BAD_USER_INPUT");
  expect(patches()).toBe(0);
  const corrected = await resume(key, "123456");
  expect(typename(corrected)).toBe("Link");
  expect(corrected?.headers["idempotent-replayed"]).toBeUndefined();
  expect(patches()).toBe(1);
});

it("replays a stored challenge as the same challenge", async () => {
  kit.fake.reply({ status: 428, body: [challengeEntry()] });
  const key = freshKey();
  const first = await resume(key);
  expect(typename(first)).toBe("MfaChallenge");
  const again = await resume(key);
  expect(again?.text).toBe(first?.text);
  expect(again?.status).toBe(first?.status);
  expect(again?.headers["idempotent-replayed"]).toBe("true");
  expect(patches()).toBe(1);
});

it("replays a stored upstream 500 as the same error, never resending the token", async () => {
  kit.fake.reply({ status: 500, body: errorList("unexpected_error", "Belvo failed") });
  const key = freshKey();
  const first = await resume(key);
  expect(typename(first)).toBe("UPSTREAM_ERROR");
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const again = await resume(key);
  expect(again?.text).toBe(first?.text);
  expect(again?.headers["idempotent-replayed"]).toBe("true");
  expect(patches()).toBe(1);
});

it("ignores a key on a query: queries send no writes", async () => {
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const query = {
    query: "query L($id: ID!) { link(id: $id) { id status } }",
    variables: { id: LINK_BODY.id },
  };
  const key = freshKey();
  const first = await postRaw(kit.url, query, { "idempotency-key": key });
  const second = await postRaw(kit.url, query, { "idempotency-key": key });
  expect(first?.status).toBe(200);
  expect(second?.headers["idempotent-replayed"]).toBeUndefined();
  expect(kit.fake.requests).toHaveLength(2);
});

it.each<[string, string | string[]]>([
  ["too long", "x".repeat(256)],
  ["not printable ASCII", "clé"],
  ["sent twice", ["key-one", "key-two"]],
])("refuses a key %s before anything runs", async (_case, key) => {
  const answer = await postRaw(
    kit.url,
    { query: RESUME_LINK, variables: resumeVariables() },
    { "idempotency-key": key },
  );
  expect(answer?.status).toBe(400);
  expect(typename(answer)).toBe("BAD_REQUEST");
  expect(kit.fake.requests).toHaveLength(0);
});

it("scopes keys to the client key: another client's same key is another request", async () => {
  const keyed = await kit.another({
    apiKeys: ["client-a-key-0000000001", "client-b-key-0000000002"],
  });
  kit.fake.reply({ status: 200, body: LINK_BODY });
  const key = freshKey();
  const as = (apiKey: string, token: string) =>
    postRaw(
      keyed.url,
      { query: RESUME_LINK, variables: resumeVariables(token) },
      { "idempotency-key": key, authorization: `Bearer ${apiKey}` },
    );
  expect(typename(await as("client-a-key-0000000001", "111111"))).toBe("Link");
  const other = await as("client-b-key-0000000002", "222222");
  expect(typename(other)).toBe("Link");
  expect(other?.headers["idempotent-replayed"]).toBeUndefined();
  expect(patches()).toBe(2);
});

it("answers 409 IDEMPOTENCY_IN_PROGRESS with Retry-After past the wait", async () => {
  const impatient = await kit.another({ idempotency: { waitMs: 300 } });
  kit.fake.reply({ status: 200, body: LINK_BODY, delayMs: 1_500 });
  const key = freshKey();
  const post = () =>
    postRaw(
      impatient.url,
      { query: RESUME_LINK, variables: resumeVariables() },
      { "idempotency-key": key },
    );
  const first = post();
  await sleep(200);
  const busy = await post();
  expect(busy?.status).toBe(409);
  expect(busy?.headers["retry-after"]).toBe("2");
  expect(typename(busy)).toBe("IDEMPOTENCY_IN_PROGRESS");
  expect(typename(await first)).toBe("Link");
  expect(patches()).toBe(1);
});

describe("a write that never left the gateway is not stored", () => {
  it("Belvo unreachable (no connection): the retry with the same key sends it", async () => {
    const port = await freePort(); // nothing listens there
    const unreachable = await startGateway(`http://127.0.0.1:${port}`);
    try {
      const key = freshKey();
      const variables = resumeVariables();
      const first = await postRaw(
        unreachable.url,
        { query: RESUME_LINK, variables },
        { "idempotency-key": key },
      );
      expect(typename(first)).toBe("UPSTREAM_UNAVAILABLE");
      const retry = await postRaw(
        unreachable.url,
        { query: RESUME_LINK, variables },
        { "idempotency-key": key },
      );
      expect(typename(retry)).toBe("UPSTREAM_UNAVAILABLE");
      expect(retry?.headers["idempotent-replayed"]).toBeUndefined();
    } finally {
      await unreachable.close();
    }
  });

  it("but a connection cut after the write was sent is stored: the retry replays it", async () => {
    kit.fake.reply({ fault: "reset-before-headers" });
    const key = freshKey();
    const first = await resume(key);
    expect(typename(first)).toBe("UPSTREAM_UNAVAILABLE");
    const retry = await resume(key);
    expect(retry?.headers["idempotent-replayed"]).toBe("true");
    expect(retry?.text).toBe(first?.text);
    expect(patches()).toBe(1);
  });
});

it("answers deep variables with the same 400 with a key as without, and logs no error", async () => {
  // 100 000 nested arrays as the token: JSON.parse reads them, a recursion would overflow.
  const deep = `${"[".repeat(100_000)}"123456"${"]".repeat(100_000)}`;
  const variables = JSON.stringify(resumeVariables("TOKEN")).replace('"TOKEN"', deep);
  const payload = new RawBody(`{"query":${JSON.stringify(RESUME_LINK)},"variables":${variables}}`);
  // As GraphQL clients ask (graphql-request, Apollo Client 4): a request error is a 400 there.
  const requestId = {
    "x-request-id": "deep-variables-0001",
    accept: "application/graphql-response+json, application/json",
  };
  const plain = await postRaw(kit.url, payload, requestId);
  const keyed = await postRaw(kit.url, payload, { ...requestId, "idempotency-key": freshKey() });
  expect(plain?.status).toBe(400);
  expect(keyed?.status).toBe(400);
  expect(keyed?.text).toBe(plain?.text);
  expect(typename(keyed)).toBe("BAD_USER_INPUT");
  expect(keyed?.headers["idempotent-replayed"]).toBeUndefined();
  expect(kit.lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
  expect(kit.fake.requests).toHaveLength(0);
});

it("a claim outlives the reads after its write: a retry past 2 deadlines joins, Belvo sees one PATCH", async () => {
  // Each Belvo call takes most of the deadline: the PATCH, then the link's accounts, then each
  // account's link, one after the other (a lease of two deadlines lapsed under the last one).
  const timeoutMs = 500;
  kit.fake.route = (request) => {
    const delayMs = 400;
    if (request.method === "PATCH") return { status: 200, body: LINK_BODY, delayMs };
    if (request.path.startsWith("/api/accounts/")) return { ...page([ACCOUNT_BODY]), delayMs };
    return { ...page([LINK_BODY]), delayMs };
  };
  const gateway = await kit.another({ timeoutMs, leaseMarginMs: 0 });
  const query = RESUME_LINK.replace(
    "id institution { name }",
    "id accounts { id link { id status } } institution { name }",
  );
  const key = freshKey();
  const send = () =>
    postRaw(
      gateway.url,
      { query, variables: resumeVariables("123456") },
      { "idempotency-key": key },
    );
  const first = send();
  await sleep(1_100);
  const retry = await send();
  const answer = await first;
  expect(answer?.status).toBe(200);
  expect(retry?.headers["idempotent-replayed"]).toBe("true");
  expect(retry?.text).toBe(answer?.text);
  expect(patches()).toBe(1);
});
