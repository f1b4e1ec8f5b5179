/** A bounded soak: 2,000 operations at 50 concurrent, every outcome mixed, every answer checked. */
import { LINK_BODY, challengeEntry, errorList, SESSION_HEX } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK } from "./helpers/graphql.js";
import { type Reply } from "./helpers/fake-upstream.js";

const OPERATIONS = 2_000;
const CONCURRENCY = 50;

/** The fake answers by token, so each operation knows what it must get back. */
const OUTCOMES: Record<
  string,
  { reply: Reply | null; expect: (body: Record<string, unknown>) => boolean }
> = {
  ok: { reply: { status: 200, body: LINK_BODY }, expect: (body) => typename(body) === "Link" },
  mfa: {
    reply: { status: 428, body: [challengeEntry()] },
    expect: (body) => typename(body) === "MfaChallenge",
  },
  expired: {
    reply: { status: 400, body: errorList("session_expired", "Expired") },
    expect: (body) => code(body) === "MFA_SESSION_EXPIRED",
  },
  down: {
    reply: { status: 503, body: errorList("service_unavailable", "Down") },
    expect: (body) => code(body) === "UPSTREAM_ERROR",
  },
  html: {
    reply: { status: 502, text: "<html>bad gateway</html>" },
    expect: (body) => code(body) === "UPSTREAM_ERROR",
  },
  "bad token": { reply: null, expect: (body) => code(body) === "BAD_USER_INPUT" },
};
const KINDS = Object.keys(OUTCOMES);

function typename(body: Record<string, unknown>): unknown {
  return (body.data as { resumeLink?: { __typename?: string } } | null)?.resumeLink?.__typename;
}
function code(body: Record<string, unknown>): unknown {
  return (body.errors as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code;
}

const kit = useGateway({
  upstream: "fake",
  // A GET is the link lookup that follows an expired session: this Belvo has no such link.
  route: (request) =>
    request.method === "GET"
      ? { status: 404, body: [{ code: "not_found", message: "Not found." }] }
      : (OUTCOMES[(request.body as { token: string }).token]?.reply ?? { status: 500, body: [] }),
});

async function run(count: number): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const kind = KINDS[index % KINDS.length]!;
      // A link per operation: failed MFA attempts are capped per link, and this is not that test.
      const link = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
      const token = kind === "bad token" ? "has a space" : kind;
      const { body } = await kit.post(RESUME_LINK, {
        input: { session: SESSION_HEX, link, token },
      });
      if (!OUTCOMES[kind]!.expect(body)) wrong.push(`${kind}: ${JSON.stringify(body)}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return wrong;
}

/** `npm test` runs Node with --expose-gc, so the heap is measured after a full collection. */
function heapAfterGc(): number {
  const { gc } = globalThis as { gc?: () => void };
  if (!gc) throw new Error("run with --expose-gc (npm test does)");
  gc();
  return process.memoryUsage().heapUsed;
}

it(`answers ${OPERATIONS} mixed operations correctly, and memory returns near where it started`, async () => {
  expect(await run(200)).toEqual([]);
  kit.logs.length = 0;
  const before = heapAfterGc();
  const wrong = await run(OPERATIONS);
  kit.logs.length = 0;
  const after = heapAfterGc();
  expect(wrong).toEqual([]);
  const upstreamCalls = kit.fake.requests.filter((request) => request.method !== "GET").length;
  kit.fake.requests.length = 0;
  // Every sixth operation is refused by the gateway itself and never reaches Belvo.
  const refused = (count: number) => Math.floor((count + 1) / KINDS.length);
  expect(upstreamCalls).toBe(200 - refused(200) + OPERATIONS - refused(OPERATIONS));
  expect((after - before) / 1024 / 1024).toBeLessThan(25);
  // CPU-bound (2,200 operations): CI's other workers share the cores with it.
}, 120_000);
