/**
 * Property-based: random and malformed documents, variables and bodies never crash the gateway,
 * never answer 5xx for a client's mistake, and never call Belvo for an invalid input.
 */
import fc from "fast-check";
import request from "supertest";
import { challengeEntry, LINK_ID, SESSION_HEX } from "./helpers/fixtures.js";
import { fragmentAttacks, fragmentGraphs } from "./helpers/fragments.js";
import { useGateway } from "./helpers/kit.js";
import type { TestGateway } from "./helpers/gateway.js";
import { GRAPHQL_CLIENT_ACCEPT, RESUME_BALANCES, RESUME_LINK } from "./helpers/graphql.js";

const kit = useGateway({
  upstream: "fake",
  replies: [{ status: 428, body: [challengeEntry()] }],
  limits: { mfaMaxFailures: 1_000_000 },
});

const odd = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u202e",
    "\ud800",
    "💥".repeat(5_000),
    "a".repeat(70_000),
    "{",
    "}}}}",
    "$input",
    "null",
  ),
);
const anything = fc.jsonValue({ maxDepth: 4 });

async function stillServing() {
  expect((await request(kit.url).get("/health")).status).toBe(200);
}

it("any document with any variables: never a 5xx, always a JSON answer", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(odd, fc.constantFrom(RESUME_LINK, RESUME_BALANCES, "{ institutions { name } }")),
      anything,
      async (query, variables) => {
        const response = await request(kit.url)
          .post("/graphql")
          .set("content-type", "application/json")
          .send({ query, variables });
        expect(response.status).toBeLessThan(500);
        expect(typeof response.body).toBe("object");
      },
    ),
    { numRuns: 150 },
  );
  await stillServing();
});

it("any graph of fragments (used, unused, cycles; under institutions, __schema, __type) is answered, /health answering meanwhile, in development and production", async () => {
  const production = await kit.another({ production: true });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fragmentGraphs, fragmentAttacks),
      fc.boolean(),
      async (query, inProduction) => {
        const url = inProduction ? production.url : kit.url;
        // Generous bounds: what fails is a document that keeps the process busy for seconds.
        const [answer, health] = await Promise.all([
          request(url)
            .post("/graphql")
            .set("content-type", "application/json")
            .send({ query })
            .timeout(5_000),
          request(url).get("/health").timeout(5_000),
        ]);
        expect(health.status).toBe(200);
        expect(answer.status).toBeLessThan(500);
        expect("data" in answer.body || "errors" in answer.body).toBe(true);
      },
    ),
    { numRuns: 100 },
  );
}, 60_000);

it("an invalid resume input never reaches Belvo", async () => {
  const badSession = odd.filter(
    (value) =>
      !/^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(value),
  );
  const badLink = odd.filter(
    (value) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  );
  const badToken = fc.oneof(
    fc.string({ maxLength: 10 }).map((value) => `${value} ${value}`),
    fc.constant(""),
    fc.string({ minLength: 65, maxLength: 300 }).filter((value) => [...value].length > 64),
    fc.integer(),
    fc.array(fc.string(), { maxLength: 3 }),
  );
  const input = fc.oneof(
    badSession.map((session) => ({ session, link: LINK_ID, token: "123456" })),
    badLink.map((link) => ({ session: SESSION_HEX, link, token: "123456" })),
    badToken.map((token) => ({ session: SESSION_HEX, link: LINK_ID, token })),
    anything
      .map((value) => ({ session: value, link: value, token: value }))
      .filter((value) => typeof value.session !== "string"),
  );
  await fc.assert(
    fc.asyncProperty(
      input,
      fc.constantFrom(RESUME_LINK, RESUME_BALANCES),
      async (value, document) => {
        kit.fake.requests.length = 0;
        const { status, body } = await kit.post(document, { input: value });
        expect(status).toBeLessThan(500);
        expect(JSON.stringify(body)).toContain("BAD_USER_INPUT");
        expect(kit.fake.requests).toEqual([]);
      },
    ),
    { numRuns: 200 },
  );
  await stillServing();
});

it("bodies that are not JSON, or JSON of the wrong shape, are 4xx", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        odd,
        anything.map((value) => JSON.stringify(value)),
      ),
      async (body) => {
        // As a GraphQL client accepts: in application/json alone, a document that does not parse
        // is a 200 (GraphQL over HTTP).
        const response = await request(kit.url)
          .post("/graphql")
          .set({ "content-type": "application/json", accept: GRAPHQL_CLIENT_ACCEPT })
          .send(body);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      },
    ),
    { numRuns: 150 },
  );
  await stillServing();
});

it("deep nesting in documents and variables is refused, not a crash", async () => {
  for (const depth of [50, 500, 5_000]) {
    const query = `${"{ a ".repeat(depth)}${"}".repeat(depth)}`;
    const deep = (await kit.post(query)).status;
    expect(deep).toBe(400);
    let variables: unknown = "x";
    for (let i = 0; i < depth; i++) variables = { session: variables };
    const nested = await kit.post(RESUME_LINK, {
      input: variables as Record<string, unknown>,
    });
    expect(nested.status).toBe(400);
  }
  expect(kit.fake.requests).toEqual([]);
  await stillServing();
});

describe("encodings and media types", () => {
  const KEY = "fuzz-client-key-0123456789";
  const QUERY = `{ link(id: "${LINK_ID}") { id } }`;
  /** Each character of `name` percent-encoded or not, hex digits in either case. */
  const spelled = (name: string) =>
    fc
      .array(fc.tuple(fc.boolean(), fc.boolean()), {
        minLength: name.length,
        maxLength: name.length,
      })
      .map((choices) =>
        [...name]
          .map((char, index) => {
            const [encode, upper] = choices[index]!;
            if (!encode) return char;
            const hex = char.charCodeAt(0).toString(16);
            return `%${upper ? hex.toUpperCase() : hex}`;
          })
          .join(""),
      );

  let keyed: TestGateway;
  beforeAll(async () => {
    keyed = await kit.another({ apiKeys: [KEY], production: true });
  });

  it("no spelling of a GET's parameters reaches data without a key", async () => {
    await fc.assert(
      fc.asyncProperty(
        spelled("query"),
        spelled("extensions"),
        fc.constantFrom("text/html", "TEXT/HTML, application/json", "*/*", "application/json"),
        fc.constantFrom("", "&", "&&x=1&"),
        async (query, extensions, accept, padding) => {
          kit.fake.requests.length = 0;
          const persisted = encodeURIComponent(
            JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } }),
          );
          const response = await request(keyed.url)
            .get(
              `/graphql?${padding}${query}=${encodeURIComponent(QUERY)}&${extensions}=${persisted}`,
            )
            .set({ accept, "apollo-require-preflight": "1" });
          expect(response.status).toBe(401);
          expect(kit.fake.requests).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a JSON media type in any case is read as JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.boolean(), { minLength: 16, maxLength: 16 })
          .map((upper) =>
            [..."application/json"].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""),
          ),
        fc.constantFrom("", "; charset=utf-8", ";CHARSET=UTF-8", ' ; charset="utf-8"'),
        async (mediaType, parameters) => {
          const response = await request(kit.url)
            .post("/graphql")
            .set({ "content-type": `${mediaType}${parameters}` })
            .send(JSON.stringify({ query: "{ __typename }" }));
          expect(response.status).toBe(200);
          expect(response.body).toEqual({ data: { __typename: "Query" } });
        },
      ),
      { numRuns: 60 },
    );
  });
});
