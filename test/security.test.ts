/** Who may call, how often, and how much one operation may ask. */
import { jest } from "@jest/globals";
import request from "supertest";
import {
  LINK_BODY,
  challengeEntry,
  errorList,
  LINK_ID,
  SESSION_HEX,
  TEST_REQUEST_ID,
  resumeInput,
} from "./helpers/fixtures.js";
import { ROOTS, cycle, fanOut, unusedFanOut } from "./helpers/fragments.js";
import { startGateway } from "./helpers/gateway.js";
import { useGateway } from "./helpers/kit.js";
import { unacceptingPort } from "./helpers/system.js";
import { RESUME_BALANCES, RESUME_LINK, postGraphQL, resumeData } from "./helpers/graphql.js";

const OTHER_LINK = "11111111-2222-4333-8444-555555555555";
const kit = useGateway({
  upstream: "fake",
  perTest: true,
  replies: [{ status: 428, body: [challengeEntry()] }],
});

/** Fakes only `Date` (the caps' clock), so that sockets and timers run as they do. */
function pinDate(at: number): void {
  jest.useFakeTimers({
    now: at,
    doNotFake: [
      "hrtime",
      "nextTick",
      "performance",
      "queueMicrotask",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
      "setTimeout",
      "clearTimeout",
    ],
  });
}
afterEach(() => jest.useRealTimers());

const resume = (link: string, document = RESUME_LINK, session = SESSION_HEX) =>
  kit.post(document, { input: { session, link, token: "999999" } });

describe("one token or set of credentials per operation", () => {
  it.each([
    [
      "two aliased resumeLink fields",
      `mutation { a: resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "1"}) { __typename } b: resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "2"}) { __typename } }`,
      2,
    ],
    [
      "the same field twice through fragments",
      `mutation { ...A ...B } fragment A on Mutation { resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "1"}) { __typename } } fragment B on Mutation { r: resumeBalances(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "2"}) { __typename } }`,
      2,
    ],
    [
      "the data resumes side by side (accounts, transactions, owners)",
      `mutation { a: resumeAccounts(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "1"}) { __typename } b: resumeTransactions(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "2"}) { __typename } c: resumeOwners(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", token: "3"}) { __typename } }`,
      3,
    ],
    [
      "registerLink beside resumeLink",
      `mutation { registerLink(input: {institution: "erebor_mx_retail", username: "u", password: "p"}) { __typename } resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}"}) { __typename } }`,
      2,
    ],
  ])("refuses %s before any upstream call", async (_case, query, count) => {
    const { status, body } = await kit.post(query);
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: `The operation sends ${count} tokens or credentials (registerLink, resumeLink, resumeBalances, …); send one per operation.`,
          locations: [{ line: 1, column: 1 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED", requestId: TEST_REQUEST_ID },
        },
      ],
    });
    expect(kit.fake.requests).toEqual([]);
  });
});

it("every mutation that takes a token or a password is counted, read from the schema", async () => {
  const { buildGatewaySchema } = await import("../src/schema.js");
  const { secretMutations } = await import("../src/guards/document-rules.js");
  expect([...secretMutations(await buildGatewaySchema())].sort()).toEqual([
    "registerLink",
    "resumeAccounts",
    "resumeBalances",
    "resumeLink",
    "resumeOwners",
    "resumeTransactions",
    "updateLink",
  ]);
});

describe("failed MFA attempts", () => {
  /** Resumes of one link, each counted against the same cap. */
  const RESUMES: [string, string][] = [
    ["resumeLink", RESUME_LINK],
    ["resumeBalances", RESUME_BALANCES],
    ["resumeTransactions", resumeData("Transactions", "TransactionList", "transactions { id }")],
  ];

  const rateLimited = (field: string, retryAfter: number) => ({
    data: null,
    errors: [
      {
        message: "Too many failed MFA attempts for this link (5 per 10 minutes); retry later.",
        path: [field],
        extensions: { code: "RATE_LIMITED", retryAfter, requestId: TEST_REQUEST_ID },
      },
    ],
  });

  it("after five fresh challenges on one link, the sixth resume is refused within the window, across sessions and resumes (link, balances, transactions)", async () => {
    let clock = Date.parse("2026-01-15T10:00:00Z");
    pinDate(clock);
    for (let i = 0; i < 5; i++) {
      const session = `${String(i).repeat(32)}`;
      const [field, document] = RESUMES[i % RESUMES.length]!;
      const { body } = await resume(LINK_ID, document, session);
      expect(body).toMatchObject({ data: { [field]: { __typename: "MfaChallenge" } } });
    }
    clock += 4 * 60_000;
    jest.setSystemTime(clock);
    for (const [field, document] of RESUMES) {
      expect((await resume(LINK_ID, document, "f".repeat(32))).body).toEqual(
        rateLimited(field, 360),
      );
    }
    expect(kit.fake.requests).toHaveLength(5);

    expect((await resume(OTHER_LINK)).body).toMatchObject({
      data: { resumeLink: { __typename: "MfaChallenge" } },
    });
    expect(kit.fake.requests).toHaveLength(6);

    clock += 6 * 60_000;
    jest.setSystemTime(clock);
    expect((await resume(LINK_ID)).body).toMatchObject({
      data: { resumeLink: { __typename: "MfaChallenge" } },
    });
  });

  it("counts only resumes answered with a fresh challenge", async () => {
    kit.fake.reply({ status: 200, body: LINK_BODY });
    for (let i = 0; i < 8; i++) {
      expect((await resume(LINK_ID)).body).toMatchObject({
        data: { resumeLink: { __typename: "Link" } },
      });
    }
    kit.fake.reply({ status: 503, body: [] });
    for (let i = 0; i < 8; i++) await resume(LINK_ID);
    expect(kit.fake.requests).toHaveLength(16);
  });
});

describe("what counts as a failed attempt", () => {
  const wrong = (count: number) =>
    Promise.all(Array.from({ length: count }, () => resume(LINK_ID)));

  it("a wrong token answered with a field error (400) counts", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList("invalid", "Invalid token.", { field: "token" }),
    });
    await wrong(5);
    expect((await resume(LINK_ID)).body).toMatchObject({
      errors: [{ extensions: { code: "RATE_LIMITED" } }],
    });
    expect(kit.fake.requests).toHaveLength(5);
  });

  it("a resume Belvo does not answer in time counts", async () => {
    const impatient = await kit.another({ timeoutMs: 100 });
    kit.fake.reply({ status: 428, body: [challengeEntry()], delayMs: 400 });
    const send = () =>
      postGraphQL(impatient.url, RESUME_LINK, {
        input: resumeInput("999999"),
      });
    for (let i = 0; i < 5; i++)
      expect((await send()).body).toMatchObject({
        errors: [{ extensions: { code: "UPSTREAM_TIMEOUT" } }],
      });
    expect((await send()).body).toMatchObject({
      errors: [{ extensions: { code: "RATE_LIMITED" } }],
    });
    expect(kit.fake.requests).toHaveLength(5);
  });
});

it("a resume never sent (no connection to Belvo within the deadline) does not count", async () => {
  const silent = await unacceptingPort();
  const gateway = await startGateway(`http://127.0.0.1:${silent.port}`, { timeoutMs: 300 });
  try {
    for (let i = 0; i < 7; i++) {
      const { body } = await postGraphQL(gateway.url, RESUME_LINK, {
        input: resumeInput("999999"),
      });
      expect(body).toMatchObject({ errors: [{ extensions: { code: "UPSTREAM_TIMEOUT" } }] });
    }
  } finally {
    await gateway.close();
    await silent.close();
  }
});

const REGISTER = `mutation($input: RegisterLinkInput!) { registerLink(input: $input) { __typename } }`;
const login = (username: string, password = "wrong-password") =>
  kit.post(REGISTER, {
    input: { institution: "erebor_mx_retail", username, password },
  });

describe("failed logins", () => {
  it("the sixth wrong password for one username within the window is refused and never reaches Belvo", async () => {
    pinDate(Date.parse("2026-01-15T10:00:00Z"));
    kit.fake.reply({
      status: 400,
      body: errorList("login_error", "Invalid credentials provided to login to the institution"),
    });
    for (let i = 0; i < 5; i++)
      expect((await login("ana")).body).toMatchObject({
        errors: [{ extensions: { code: "UPSTREAM_REJECTED" } }],
      });
    expect((await login("ANA ")).body).toEqual({
      data: null,
      errors: [
        {
          message:
            "Too many failed logins for this username at this institution (5 per 10 minutes); retry later.",
          path: ["registerLink"],
          extensions: { code: "RATE_LIMITED", retryAfter: 600, requestId: TEST_REQUEST_ID },
        },
      ],
    });
    expect(kit.fake.requests).toHaveLength(5);
    // Another username at the same institution is not affected.
    await login("bea");
    expect(kit.fake.requests).toHaveLength(6);
  });

  it("a retryable refusal (the institution is down) does not count", async () => {
    kit.fake.reply({
      status: 400,
      body: errorList("institution_down", "The institution is down."),
    });
    for (let i = 0; i < 8; i++)
      expect((await login("ana")).body).toMatchObject({
        errors: [{ extensions: { code: "UPSTREAM_REJECTED", retryable: true } }],
      });
    expect(kit.fake.requests).toHaveLength(8);
  });

  it("a right password (a link, or an MFA challenge) does not count", async () => {
    for (let i = 0; i < 8; i++)
      expect((await login("ana", "right")).body).toMatchObject({
        data: { registerLink: { __typename: "MfaChallenge" } },
      });
    expect(kit.fake.requests).toHaveLength(8);
  });
});

describe("look-alike usernames", () => {
  it("look-alike spellings of one username share its five tries; Belvo gets each as typed", async () => {
    kit.fake.reply({ status: 400, body: errorList("login_error", "Invalid credentials") });
    const spellings = [
      "ana.silva",
      "ana\u200b.silva", // zero-width space
      "an\u00ada.silva", // soft hyphen
      "\uff21\uff2e\uff21.silva", // full-width capitals
      "\ufeffAna.Silva", // byte-order mark
      "ana\u2060.silva\u200d", // word joiner, zero-width joiner
      "\uff41\uff4e\uff41\uff0e\uff53\uff49\uff4c\uff56\uff41", // full-width, dot included
      "ana.sil\u034fva", // combining grapheme joiner
    ];
    const codes: string[] = [];
    for (const username of spellings) {
      const { body } = await login(username);
      codes.push(
        (body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      );
    }
    expect(codes).toEqual([
      ...Array<string>(5).fill("UPSTREAM_REJECTED"),
      ...Array<string>(3).fill("RATE_LIMITED"),
    ]);
    expect(kit.fake.requests.map((sent) => (sent.body as { username: string }).username)).toEqual(
      spellings.slice(0, 5),
    );
  });
});

describe("look-alike usernames, further spellings", () => {
  it("format characters and stray accents (combining marks) share one counter", async () => {
    kit.fake.reply({ status: 400, body: errorList("login_error", "Invalid credentials") });
    for (let i = 0; i < 5; i++) await login("ana.silva");
    // (Control characters, U+0085 included, are refused as input before any count.)
    const spellings = [
      "ana\ufff9.silva", // interlinear annotation anchor: a format character, not default-ignorable
      "\u0600ana.silva", // Arabic number sign: the same
      "ana.si\u0301lva", // a stray combining accent (an accent-insensitive collation ignores it)
      "a\u0300na.silva\u0327",
      "\u00e1na.s\u00edlva", // the same accents, precomposed
    ];
    const codes: string[] = [];
    for (const username of spellings) {
      const { body } = await login(username);
      codes.push(
        (body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      );
    }
    expect(codes).toEqual(Array<string>(spellings.length).fill("RATE_LIMITED"));
    expect(kit.fake.requests).toHaveLength(5);
  });
});

describe("rate per client key", () => {
  const KEYS = ["client-key-aaaaaaaaaaaaaaaa", "client-key-bbbbbbbbbbbbbbbb"];

  it("refuses past the limit with RATE_LIMITED and retryAfter in errors (HTTP 200, as the contract says), per key", async () => {
    const limited = await kit.another({ apiKeys: KEYS, limits: { ratePerMinute: 2 } });
    const as = (key: string) =>
      postGraphQL(limited.url, "{ __typename }", {}, { authorization: `Bearer ${key}` });
    expect((await as(KEYS[0]!)).status).toBe(200);
    expect((await as(KEYS[0]!)).status).toBe(200);
    const third = await as(KEYS[0]!);
    expect(third.status).toBe(200);
    expect(third.headers["retry-after"]).toMatch(/^(59|60)$/);
    expect(third.body).toEqual({
      errors: [
        {
          message: "More than 2 requests in a minute; retry later.",
          extensions: {
            code: "RATE_LIMITED",
            retryAfter: Number(third.headers["retry-after"]),
            requestId: TEST_REQUEST_ID,
          },
        },
      ],
    });
    expect((await as(KEYS[1]!)).status).toBe(200);
  });

  it("is off by default", async () => {
    for (let i = 0; i < 30; i++) expect((await kit.post("{ __typename }")).status).toBe(200);
  });
});

describe("document limits", () => {
  it("refuses an operation deeper than the limit", async () => {
    const shallow = await kit.another({ limits: { maxDepth: 3 } });
    const { status, body } = await postGraphQL(
      shallow.url,
      `mutation($input: ResumeBalancesInput!) { resumeBalances(input: $input) { ... on BalanceList { balances { account { link { id } } } } } }`,
      { input: resumeInput(null) },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [{ message: "Query depth limit of 3 exceeded, found 5." }],
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("refuses an alias flood", async () => {
    const names = Array.from({ length: 21 }, (_, i) => `n${i}: name`).join(" ");
    const { status, body } = await kit.post(`{ institutions { ${names} } }`);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [{ message: "Aliases limit of 20 exceeded, found 21." }],
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("refuses an operation that selects too many fields", async () => {
    const fields = Array.from({ length: 50 }, () => "name displayName").join(" ");
    const query = `query { institutions { ...F ...F } } fragment F on Institution { ${fields} ${fields} ${fields} ${fields} ${fields} }`;
    const { body } = await kit.post(query);
    expect(body).toMatchObject({
      errors: [{ message: "Query Cost limit of 500 exceeded, found 1005." }],
    });
  });
});

const COST = /^Query Cost limit of 500 exceeded/;
const ATTACKS = [
  ["on Institution", fanOut(9, 8), COST],
  // graphql's own MaxIntrospectionDepthRule walks fragments under __schema at every spread...
  ["on __Schema", fanOut(10, 8, false, ROOTS[1]), COST],
  // ...in fragments no operation uses as well (17 s before they were refused first).
  ["on __Schema, unused", unusedFanOut(10, 8, ROOTS[1]), /^Fragment "X" is never used\.$/],
  // ...and along every path of a cycle, which armor's cost counts once (75 s at 11 fragments).
  ["on __Schema, in a cycle", cycle(10, 8, ROOTS[1]), /^Cannot spread fragment "Z0" within/],
] as const;

describe("document limits: cost and introspection", () => {
  it.each(
    ATTACKS.flatMap(([label, source, message]) =>
      [false, true].map((production) => [label, production, source, message] as const),
    ),
  )(
    "refuses fragments %s each spreading the next 8 times at once, /health answering meanwhile (production %s)",
    async (_label, production, source, message) => {
      expect(source.length).toBeLessThanOrEqual(820);
      const target = production ? await kit.another({ production }) : kit.gateway;
      const [answer, health] = await Promise.all([
        postGraphQL(target.url, source),
        request(target.url).get("/health").timeout(2_000),
      ]);
      expect(health.status).toBe(200);
      expect(answer.status).toBe(400);
      // An unused fan-out is refused fragment by fragment: one of the errors says why.
      expect(answer.body).toMatchObject({
        errors: expect.arrayContaining([
          expect.objectContaining({ message: expect.stringMatching(message) }),
        ]),
      });
    },
    5_000,
  );

  it("bounds introspection in development like any other selection: aliases", async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `s${i}: __schema { types { name } }`);
    const { status, body } = await kit.post(`{ ${aliases.join(" ")} }`);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [{ message: "Aliases limit of 20 exceeded, found 21." }],
    });
  });

  it("refuses a document of too many tokens", async () => {
    const { status, body } = await kit.post(`{ ${"__typename ".repeat(2_100)} }`);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [
        { message: "Syntax Error: Document contains more that 2000 tokens. Parsing aborted." },
      ],
    });
  });
});

describe("CORS", () => {
  const preflight = (url: string, origin: string) =>
    request(url).options("/graphql").set({
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, authorization",
    });

  const LOOPBACK = ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"];
  it.each([...LOOPBACK, "http://localhost"])(
    "outside production, by default answers the loopback origin %s",
    async (origin) => {
      const response = await preflight(kit.url, origin);
      expect(response.status).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBe(origin);
      expect(response.headers["access-control-allow-headers"]).toContain("authorization");
    },
  );

  it.each([
    "https://evil.example.com",
    "http://localhost.evil.example.com",
    "http://localhost:5173.evil.example",
    "https://localhost:5173",
    "http://127.0.0.1.nip.io:80",
    "null",
  ])("outside production, by default answers no other website (%s)", async (origin) => {
    const response = await preflight(kit.url, origin);
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    const simple = await kit.post("{ __typename }", {}, { origin });
    expect(simple.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("in production, allows no origin by default and exactly CORS_ORIGINS when set", async () => {
    const closed = await kit.another({ production: true });
    const listed = await kit.another({
      production: true,
      corsOrigins: ["https://app.example.com"],
    });
    expect(
      (await preflight(closed.url, "https://app.example.com")).headers[
        "access-control-allow-origin"
      ],
    ).toBeUndefined();
    expect(
      (await preflight(listed.url, "https://app.example.com")).headers[
        "access-control-allow-origin"
      ],
    ).toBe("https://app.example.com");
    expect(
      (await preflight(listed.url, "https://evil.example.com")).headers[
        "access-control-allow-origin"
      ],
    ).toBeUndefined();
  });
});
