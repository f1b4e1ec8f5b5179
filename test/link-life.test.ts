/**
 * A link's life (issue 26, CONTRACT.md section 7) against the recording fake Belvo: each mutation's
 * exact method, path and body; each outcome of the contract; no secret in any answer, log line or
 * span; a replay under an Idempotency-Key (Belvo sees the write once); the caps and the cost.
 */
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { Reply } from "./helpers/fake-upstream.js";
import {
  LINK_BODY,
  LINK_ID,
  REQUEST_ID,
  TEST_REQUEST_ID,
  challengeEntry,
  errorList,
} from "./helpers/fixtures.js";
import { BASIC_AUTH, NOW, SECRET_ID, SECRET_PASSWORD } from "./helpers/gateway.js";
import { postRaw } from "./helpers/idempotency.js";
import { useGateway } from "./helpers/kit.js";
import { OtlpCollector } from "./helpers/otlp-collector.js";
import {
  WRITE_OUTCOMES,
  belvoError,
  errorAnswer,
  lost,
  refused,
  upstream,
  type Outcome,
} from "./helpers/outcomes.js";

const PASSWORD = "n3w-Bank-pass/2026";
const PASSWORD2 = "s3cond-Pass+x";
const UPDATE_TOKEN = "Tok3nAb9xY";
const ACCESS = "eyJhbGciOiJIUzI1NiJ9.YWNjZXNzLXRva2VuLWZvci13aWRnZXQ.c2lnbmF0dXJl";
const REFRESH = "eyJhbGciOiJIUzI1NiJ9.cmVmcmVzaC10b2tlbi1mb3Itd2lkZ2V0.c2lnbmF0dXJl";
const LINK_PATH = `/api/links/${LINK_ID}/`;

/**
 * One gateway for the file; the login cap is out of reach (one test sets it low), and the
 * deadline row of WRITE_OUTCOMES expects 400 ms.
 */
const kit = useGateway({
  upstream: "fake",
  timeoutMs: 400,
  limits: { loginMaxFailures: 1_000_000 },
});

const LINK_SELECTION = "... on Link { id status accessMode }";
const CHALLENGE_SELECTION = "... on MfaChallenge { session link expiresAt }";
const LINK_ANSWER = { __typename: "Link", id: LINK_ID, status: "VALID", accessMode: "RECURRENT" };
const CHALLENGE_ANSWER = {
  __typename: "MfaChallenge",
  session: challengeEntry().session,
  link: LINK_ID,
  expiresAt: "2026-01-15T10:12:00.000Z",
};

interface Mutation {
  field: string;
  document: string;
  input: Record<string, unknown>;
  method: string;
  path: string;
  /** What Belvo receives; undefined: no body. */
  body: Record<string, unknown> | undefined;
  success: Reply;
  answer: Record<string, unknown>;
  /** Answers a 428 with a challenge (updateLink, refreshLink). */
  challenges: boolean;
}

const MUTATIONS: Mutation[] = [
  {
    field: "updateLink",
    document: `mutation Update($input: UpdateLinkInput!) {
      updateLink(input: $input) { __typename ${LINK_SELECTION} ${CHALLENGE_SELECTION} }
    }`,
    input: {
      link: LINK_ID,
      password: PASSWORD,
      password2: PASSWORD2,
      token: UPDATE_TOKEN,
      usernameType: "001",
    },
    method: "PUT",
    path: LINK_PATH,
    body: { password: PASSWORD, password2: PASSWORD2, token: UPDATE_TOKEN, username_type: "001" },
    success: { status: 200, body: LINK_BODY },
    answer: LINK_ANSWER,
    challenges: true,
  },
  {
    field: "refreshLink",
    document: `mutation Refresh($input: RefreshLinkInput!) {
      refreshLink(input: $input) {
        __typename ... on RefreshAccepted { link requestId } ${CHALLENGE_SELECTION}
      }
    }`,
    input: { link: LINK_ID, resources: ["ACCOUNTS", "TRANSACTIONS"] },
    method: "POST",
    path: `${LINK_PATH}refresh/`,
    body: { fetch_resources: ["ACCOUNTS", "TRANSACTIONS"] },
    success: { status: 202, body: { request_id: REQUEST_ID } },
    answer: { __typename: "RefreshAccepted", link: LINK_ID, requestId: REQUEST_ID },
    challenges: true,
  },
  {
    field: "setLinkAccessMode",
    document: `mutation Mode($input: SetLinkAccessModeInput!) {
      setLinkAccessMode(input: $input) { __typename id status accessMode }
    }`,
    input: { link: LINK_ID, accessMode: "SINGLE" },
    method: "PATCH",
    path: LINK_PATH,
    body: { access_mode: "single" },
    success: { status: 200, body: { ...LINK_BODY, access_mode: "single", refresh_rate: null } },
    answer: { ...LINK_ANSWER, accessMode: "SINGLE" },
    challenges: false,
  },
  {
    field: "deleteLink",
    document: `mutation Delete($input: DeleteLinkInput!) {
      deleteLink(input: $input) { __typename id }
    }`,
    input: { link: LINK_ID },
    method: "DELETE",
    path: LINK_PATH,
    body: undefined,
    success: { status: 204, text: "" },
    answer: { __typename: "DeletedLink", id: LINK_ID },
    challenges: false,
  },
  {
    field: "createWidgetToken",
    document: `mutation Token($input: CreateWidgetTokenInput!) {
      createWidgetToken(input: $input) { __typename access refresh expiresAt }
    }`,
    input: { link: LINK_ID, externalId: "customer-42" },
    method: "POST",
    path: "/api/token/",
    body: {
      id: SECRET_ID,
      password: SECRET_PASSWORD,
      scopes: "read_institutions,write_links,read_links",
      link_id: LINK_ID,
      external_id: "customer-42",
    },
    success: { status: 200, body: { access: ACCESS, refresh: REFRESH } },
    answer: {
      __typename: "WidgetToken",
      access: ACCESS,
      refresh: REFRESH,
      expiresAt: new Date(NOW.getTime() + 10 * 60_000).toISOString(),
    },
    challenges: false,
  },
];

const writes = () => kit.fake.requests.filter((request) => request.method !== "GET");

/** Belvo's field error on one of the body's fields: BAD_USER_INPUT at the schema's path. */
const fieldError = (belvoField: string, code: string, path: string): Outcome =>
  belvoError(400, code, "Not valid", [
    "BAD_USER_INPUT",
    `Belvo rejected the input (${path}): Not valid`,
    false,
  ]).map((part, index) =>
    index === 1
      ? { status: 400, body: errorList(code, "Not valid", { field: belvoField }) }
      : index === 3
        ? { ...(part as object), field: path }
        : part,
  ) as Outcome;

const FIELD_ERRORS: Record<string, Outcome[]> = {
  updateLink: [
    fieldError("password", "blank", "input.password"),
    fieldError("username_type", "invalid_choice", "input.usernameType"),
  ],
  refreshLink: [fieldError("fetch_resources", "invalid_choice", "input.resources")],
  setLinkAccessMode: [fieldError("access_mode", "invalid_choice", "input.accessMode")],
  createWidgetToken: [fieldError("link_id", "does_not_exist", "input.link")],
};

/** The rows every write shares, and what a 200 of the wrong shape is for each. */
function outcomes({ field, success }: Mutation): Outcome[] {
  // Waiting out the deadline takes 400 ms: one mutation shows it (they share the one write path).
  const shared = WRITE_OUTCOMES.filter(
    ([row]) => field === "updateLink" || row !== "no answer within the deadline",
  );
  const rows = [
    ...shared,
    refused(400, "invalid_link", "Invalid link"),
    ...(FIELD_ERRORS[field] ?? []),
  ];
  if (field === "deleteLink") return rows;
  const wrongShape =
    field === "refreshLink"
      ? '"request_id" is missing'
      : field === "createWidgetToken"
        ? '"access" is missing'
        : '"status" is missing';
  const status = "status" in success ? success.status : 200;
  return [
    ...rows,
    lost("2xx with JSON of the wrong shape", { status, body: { unexpected: true } }, status, [
      "UPSTREAM_ERROR",
      `Belvo answered HTTP ${status} with a body the gateway does not understand (${wrongShape}).`,
      false,
    ]),
  ];
}

/**
 * The first operation of a fresh gateway compiles its paths (graphql-jit's, the pool's first
 * connection): on a loaded CI machine that took longer than the 400 ms deadline this file needs,
 * and the first tests timed out. One operation first, and the kit's reset clears what it left.
 */
beforeAll(async () => {
  const [warmUp] = MUTATIONS;
  kit.fake.reply(warmUp!.success);
  await kit.post(warmUp!.document, { input: warmUp!.input });
});

describe.each(MUTATIONS)("$field", (mutation) => {
  const { field, document, input, method, path, body, success, answer } = mutation;
  const send = (variables = input) => kit.post(document, { input: variables });

  it(`sends one ${method} ${path} with the gateway's Basic credentials and the exact body, and answers ${String(answer.__typename)}`, async () => {
    kit.fake.reply(success);
    const { status, body: answered } = await send();
    expect(status).toBe(200);
    expect(answered).toEqual({ data: { [field]: answer } });
    expect(kit.fake.requests).toEqual([
      {
        method,
        path,
        headers: expect.objectContaining({
          authorization: BASIC_AUTH,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        }) as unknown,
        body,
      },
    ]);
  });

  it.each(outcomes(mutation))(
    "%s is an error with its code",
    async (_row, reply, message, extensions) => {
      kit.fake.reply(reply);
      const { body: answered } = await send();
      expect(answered).toEqual(errorAnswer(field, message, extensions));
      expect(writes()).toHaveLength(1);
    },
  );

  it("a replay under the same Idempotency-Key is the first answer, byte for byte; Belvo sees one write", async () => {
    kit.fake.reply(success);
    const key = `link-life-${field}`;
    const post = () =>
      postRaw(kit.url, { query: document, variables: { input } }, { "idempotency-key": key });
    const first = await post();
    const again = await post();
    expect(first?.status).toBe(200);
    expect(JSON.parse(first!.text)).toEqual({ data: { [field]: answer } });
    expect(again?.headers["idempotent-replayed"]).toBe("true");
    expect(again?.text).toBe(first?.text);
    expect(writes()).toHaveLength(1);
  });
});

describe.each(MUTATIONS.filter((mutation) => mutation.challenges))(
  "$field and MFA",
  ({ field, document, input }) => {
    it("Belvo's 428 token_required is an MfaChallenge, as data (answered with resumeLink)", async () => {
      kit.fake.reply({ status: 428, body: [challengeEntry()] });
      const { body } = await kit.post(document, { input });
      expect(body).toEqual({ data: { [field]: CHALLENGE_ANSWER } });
    });
  },
);

describe("refreshLink within Belvo's cooldown (409)", () => {
  const REFRESH_DOCUMENT = MUTATIONS[1]!.document;
  const cooldown = (text: string) => ({ status: 409, body: errorList("conflict", text) });
  const expected = (retryAfter: number) =>
    errorAnswer(
      "refreshLink",
      `Belvo refreshed this link a short while ago and refreshes it again in ${retryAfter} s (HTTP 409); retry then.`,
      {
        code: "RATE_LIMITED",
        upstream: { status: 409, code: null, requestId: REQUEST_ID },
        retryable: true,
        retryAfter,
      },
    );

  it.each([
    ["Please wait 7 minutes", 420],
    ["Please wait 1 minute", 60],
    ["Please wait 45 seconds", 45],
    ["Please wait a while", 600],
    // Attacks: a number past a day is a day; digits are never taken from inside a larger number.
    ["Please wait 999999 hours", 86_400],
    ["Please wait 1234567 seconds", 600],
    ["Please wait 1.5 minutes", 600],
  ])("Belvo says “%s”: RATE_LIMITED, retryAfter %i", async (wait, retryAfter) => {
    kit.fake.reply(
      cooldown(`The link has already been refreshed. ${wait} before refreshing it again.`),
    );
    const { body } = await kit.post(REFRESH_DOCUMENT, { input: { link: LINK_ID } });
    expect(body).toEqual(expected(retryAfter));
    // Without resources, Belvo's default: the key is left out.
    expect(kit.fake.requests.map((request) => request.body)).toEqual([{}]);
  });

  it("a 409 without Belvo's error list still waits the whole cooldown", async () => {
    kit.fake.reply({ status: 409, text: "<html>conflict</html>" });
    const { body } = await kit.post(REFRESH_DOCUMENT, { input: { link: LINK_ID } });
    expect(body).toEqual(
      errorAnswer(
        "refreshLink",
        "Belvo refreshed this link a short while ago and refreshes it again in 600 s (HTTP 409); retry then.",
        {
          code: "RATE_LIMITED",
          upstream: { status: 409, code: null, requestId: null },
          retryable: true,
          retryAfter: 600,
        },
      ),
    );
  });
});

it("deleteLink of a link Belvo does not know is UPSTREAM_REJECTED with upstream.status 404; a GET after a delete asks Belvo again (nothing cached)", async () => {
  kit.fake.reply({ status: 404, body: errorList("not_found", "Not found.") });
  const { body } = await kit.post(MUTATIONS[3]!.document, { input: { link: LINK_ID } });
  expect(body).toEqual(
    errorAnswer("deleteLink", "Belvo refused the request (HTTP 404 not_found): Not found.", {
      code: "UPSTREAM_REJECTED",
      upstream: upstream(404, "not_found"),
      retryable: false,
    }),
  );
  kit.fake.reset({ status: 200, body: LINK_BODY }, { status: 204, text: "" });
  const read = `query One($id: ID!) { link(id: $id) { id } }`;
  expect((await kit.post(read, { id: LINK_ID })).body).toEqual({ data: { link: { id: LINK_ID } } });
  await kit.post(MUTATIONS[3]!.document, { input: { link: LINK_ID } });
  kit.fake.reply({ status: 404, body: errorList("not_found", "Not found.") });
  expect((await kit.post(read, { id: LINK_ID })).body).toEqual({ data: { link: null } });
  expect(kit.fake.requests.map((request) => request.method)).toEqual(["GET", "DELETE", "GET"]);
});

describe("input checked before anything is sent", () => {
  it.each([
    ["updateLink", { link: "not-a-uuid", password: PASSWORD }, "input.link", "expected a UUID."],
    [
      "updateLink",
      { link: LINK_ID, password: "" },
      "input.password",
      "expected 1 to 256 characters without control characters.",
    ],
    [
      "updateLink",
      { link: LINK_ID, password: PASSWORD, token: "12 34" },
      "input.token",
      "expected 1 to 64 printable characters without whitespace.",
    ],
    [
      "updateLink",
      { link: LINK_ID, password: PASSWORD, certificate: "QUJD" },
      "input.privateKey",
      "certificate and privateKey go together: give both or neither.",
    ],
    [
      "refreshLink",
      { link: LINK_ID, resources: [] },
      "input.resources",
      "expected 1 to 7 resources, each once; leave it out for Belvo's default.",
    ],
    [
      "refreshLink",
      { link: LINK_ID, resources: ["OWNERS", "OWNERS"] },
      "input.resources",
      "expected each resource at most once.",
    ],
    ["setLinkAccessMode", { link: "x", accessMode: "SINGLE" }, "input.link", "expected a UUID."],
    ["deleteLink", { link: `${LINK_ID}x` }, "input.link", "expected a UUID."],
    ["createWidgetToken", { link: "1" }, "input.link", "expected a UUID."],
    [
      "createWidgetToken",
      { externalId: "ab" },
      "input.externalId",
      "expected at least 3 characters (Belvo's minimum).",
    ],
  ])("%s %j: BAD_USER_INPUT at %s, no upstream call", async (field, input, path, problem) => {
    const { document } = MUTATIONS.find((mutation) => mutation.field === field)!;
    const { body } = await kit.post(document, { input });
    expect(body).toEqual(
      errorAnswer(field, `Invalid ${path}: ${problem}`, { code: "BAD_USER_INPUT", field: path }),
    );
    expect(kit.fake.requests).toEqual([]);
  });

  it("updateLink sends a password: one per operation, with registerLink or a resume", async () => {
    const { status, body } = await kit.post(
      `mutation Two {
        a: updateLink(input: {link: "${LINK_ID}", password: "one"}) { __typename }
        b: updateLink(input: {link: "${LINK_ID}", password: "two"}) { __typename }
      }`,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    expect(kit.fake.requests).toEqual([]);
  });

  it("each mutation is a write (10): four deletes in one operation are QUERY_TOO_COSTLY", async () => {
    const deletes = ["a", "b", "c", "d"]
      .map((alias) => `${alias}: deleteLink(input: {link: "${LINK_ID}"}) { id }`)
      .join(" ");
    const { status, body } = await kit.post(`mutation Many { ${deletes} }`);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: [{ extensions: { code: "QUERY_TOO_COSTLY", cost: 40, limit: 30 } }],
    });
    expect(kit.fake.requests).toEqual([]);
  });
});

it("failed credential updates are capped per link (the logins' cap): past it RATE_LIMITED, nothing sent", async () => {
  await kit.restart({ limits: { loginMaxFailures: 2 } });
  kit.fake.reply({ status: 400, body: errorList("login_error", "Invalid credentials") });
  const { document } = MUTATIONS[0]!;
  const input = { link: LINK_ID, password: PASSWORD };
  for (let i = 0; i < 2; i++) {
    expect((await kit.post(document, { input })).body).toMatchObject({
      errors: [{ extensions: { code: "UPSTREAM_REJECTED" } }],
    });
  }
  const { body } = await kit.post(document, { input });
  expect(body).toEqual(
    errorAnswer(
      "updateLink",
      "Too many failed credential updates for this link (2 per 10 minutes); retry later.",
      { code: "RATE_LIMITED", retryAfter: 600 },
    ),
  );
  expect(writes()).toHaveLength(2);
});

/** The forms a careless log or span might hold a secret in. */
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
function holds(text: string, secret: string): boolean {
  const forms = [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    b64(secret),
    b64(secret).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    Buffer.from(secret, "utf8").toString("hex"),
  ];
  const lower = text.toLowerCase();
  if (forms.some((form) => lower.includes(form.toLowerCase()))) return true;
  // Inside a longer base64 value, at any alignment.
  const runs = text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? [];
  return runs.some((run) =>
    [0, 1, 2, 3].some((skip) =>
      Buffer.from(run.slice(skip), "base64").toString("latin1").includes(secret),
    ),
  );
}

describe("secrets", () => {
  let collector: OtlpCollector;
  let provider: BasicTracerProvider;
  beforeAll(async () => {
    collector = await OtlpCollector.start();
  });
  afterAll(() => collector.close());
  afterEach(() => provider.shutdown());

  it("the widget's access and refresh never reach a log line or a span, in any encoding; the key pair never reaches the caller", async () => {
    provider = collector.provider();
    await kit.restart({ tracing: collector.tracing(provider) });
    const token = MUTATIONS[4]!;
    kit.fake.reply(token.success);
    const { body } = await kit.post(token.document, { input: token.input });
    expect(body).toEqual({ data: { createWidgetToken: token.answer } });
    // The same token, asked for with an Idempotency-Key (the stored answer is not logged either).
    await postRaw(
      kit.url,
      { query: token.document, variables: { input: token.input } },
      { "idempotency-key": "widget-secrets" },
    );
    await collector.waitFor(provider, (span) => span.name === "createWidgetToken");
    await provider.forceFlush();
    const logsAndSpans = [...kit.logs, ...collector.bodies].join("\n");
    expect(kit.logs.join("")).toContain(`"requestId":"${TEST_REQUEST_ID}"`);
    expect(collector.bodies.join("")).toContain("/api/token/");
    for (const secret of [ACCESS, REFRESH, SECRET_ID, SECRET_PASSWORD]) {
      expect(holds(logsAndSpans, secret)).toBe(false);
    }
    expect(
      holds(JSON.stringify(body), SECRET_ID) || holds(JSON.stringify(body), SECRET_PASSWORD),
    ).toBe(false);
    // The search finds what it looks for: the answer holds the token.
    expect(holds(JSON.stringify(body), ACCESS)).toBe(true);
  });

  it("Belvo's error echoing the key pair or the new passwords is answered and logged without them", async () => {
    provider = collector.provider();
    await kit.restart({ tracing: collector.tracing(provider) });
    const pair = `${SECRET_ID}:${SECRET_PASSWORD}`;
    const echoes = [
      `Refused ${pair} ${b64(pair)} for ${PASSWORD} / ${encodeURIComponent(PASSWORD2)} ${UPDATE_TOKEN}`,
      `Refused ${pair} ${b64(pair)} ${encodeURIComponent(SECRET_PASSWORD)}`,
    ];
    const answers: string[] = [];
    for (const [index, mutation] of [MUTATIONS[0]!, MUTATIONS[4]!].entries()) {
      kit.fake.reply({ status: 400, body: errorList("login_error", echoes[index]!) });
      const { body } = await kit.post(mutation.document, { input: mutation.input });
      expect(body).toMatchObject({ errors: [{ extensions: { code: "UPSTREAM_REJECTED" } }] });
      answers.push(JSON.stringify(body));
    }
    await provider.forceFlush();
    const everything = [...answers, ...kit.logs, ...collector.bodies].join("\n");
    for (const secret of [SECRET_ID, SECRET_PASSWORD, PASSWORD, PASSWORD2, UPDATE_TOKEN]) {
      expect(holds(everything, secret)).toBe(false);
    }
    // The echo did carry them: Belvo received both passwords.
    expect(JSON.stringify(kit.fake.requests)).toContain(PASSWORD2);
  });
});

describe("secrets: echoes no cut knows", () => {
  it.each([
    ["a prefix", SECRET_PASSWORD.slice(0, 14)],
    ["HTML entities", [...SECRET_PASSWORD].map((char) => `&#${char.charCodeAt(0)};`).join("")],
    [
      "hex escapes",
      [...SECRET_PASSWORD].map((char) => `\\x${char.charCodeAt(0).toString(16)}`).join(""),
    ],
  ])(
    "attack: Belvo echoing the key pair's password to /api/token/ as %s is not quoted",
    async (_, echo) => {
      kit.fake.reply({
        status: 400,
        body: errorList("login_error", `Refused id/password: ${echo}`),
      });
      const token = MUTATIONS[4]!;
      const { body } = await kit.post(token.document, { input: token.input });
      expect(body).toEqual(
        errorAnswer("createWidgetToken", "Belvo refused the request (HTTP 400 login_error)", {
          code: "UPSTREAM_REJECTED",
          upstream: { status: 400, code: "login_error", requestId: REQUEST_ID },
          retryable: false,
        }),
      );
    },
  );
});
