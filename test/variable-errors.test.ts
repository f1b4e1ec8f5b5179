/**
 * Variables GraphQL itself refuses: each error names the field (`extensions.field`), the expected
 * type and an enum's values, suggests a fix outside production, never repeats the value, and no
 * upstream call is made.
 */
import { LINK_BODY, LINK_ID, SESSION_HEX, resumeInput } from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_LINK, postGraphQL } from "./helpers/graphql.js";
import { type TestGateway } from "./helpers/gateway.js";

const REGISTER = `mutation Register($input: RegisterLinkInput!) {
  registerLink(input: $input) { __typename }
}`;
const BALANCES = `mutation Balances($input: RetrieveBalancesInput!) {
  retrieveBalances(input: $input) { __typename }
}`;
const REGISTER_INPUT = { institution: "erebor_mx_retail", username: "bnk100", password: "full" };
const BALANCES_INPUT = { link: LINK_ID, dateFrom: "2026-01-01", dateTo: "2026-01-10" };
const RESUME_INPUT = resumeInput("123456");

const kit = useGateway({ upstream: "fake", replies: [{ status: 200, body: LINK_BODY }] });
let production: TestGateway;
beforeAll(async () => {
  production = await kit.another({ production: true });
});

interface Answer {
  errors: { message: string; extensions: { code: string; field: string } }[];
}

async function refused(url: string, document: string, input: unknown, code = "BAD_USER_INPUT") {
  const { status, body } = await postGraphQL(url, document, { input });
  expect(status).toBe(400);
  expect(kit.fake.requests).toEqual([]);
  const { errors } = body as unknown as Answer;
  for (const error of errors) expect(error.extensions.code).toBe(code);
  return errors.map(({ message, extensions }) => ({ field: extensions.field, message }));
}

const FIELDS = "Its fields: session (String!), token (String), link (ID!).";

it.each<[string, string, unknown, { field: string; message: string }[]]>([
  [
    "an unknown input field (tokn)",
    RESUME_LINK,
    { session: SESSION_HEX, link: LINK_ID, tokn: "123456" },
    [
      {
        field: "input.tokn",
        message: `Invalid input.tokn: ResumeLinkInput has no field tokn. Did you mean "token"? ${FIELDS}`,
      },
    ],
  ],
  [
    "date_from for dateFrom",
    BALANCES,
    { link: LINK_ID, date_from: "2026-01-01" },
    [
      {
        field: "input.dateFrom",
        message: "Invalid input.dateFrom: expected Date!, and it was not provided.",
      },
      {
        field: "input.date_from",
        message:
          'Invalid input.date_from: RetrieveBalancesInput has no field date_from. Did you mean "dateFrom" or "dateTo"? Its fields: link (ID!), saveData (Boolean), dateFrom (Date!), dateTo (Date), account (ID).',
      },
    ],
  ],
  [
    'accessMode: "recurrent"',
    REGISTER,
    { ...REGISTER_INPUT, accessMode: "recurrent" },
    [
      {
        field: "input.accessMode",
        message:
          'Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT. Did you mean "RECURRENT"?',
      },
    ],
  ],
  [
    "session: null",
    RESUME_LINK,
    { ...RESUME_INPUT, session: null },
    [{ field: "input.session", message: "Invalid input.session: expected String!, not null." }],
  ],
  [
    "a number for the token",
    RESUME_LINK,
    { ...RESUME_INPUT, token: 918273 },
    [
      {
        field: "input.token",
        message:
          "Invalid input.token: expected String; String cannot represent a non string value.",
      },
    ],
  ],
  [
    "a string for saveData",
    BALANCES,
    { ...BALANCES_INPUT, saveData: "yes" },
    [
      {
        field: "input.saveData",
        message:
          "Invalid input.saveData: expected Boolean; Boolean cannot represent a non boolean value.",
      },
    ],
  ],
  [
    "a date in another format",
    BALANCES,
    { ...BALANCES_INPUT, dateFrom: "01/02/2026" },
    [
      {
        field: "input.dateFrom",
        message:
          "Invalid input.dateFrom: expected Date!; Date must be an existing date written YYYY-MM-DD.",
      },
    ],
  ],
  [
    "a string for the whole input",
    RESUME_LINK,
    "session=abc",
    [
      {
        field: "input",
        message: `Invalid input: expected ResumeLinkInput!, an object with the fields session (String!), token (String), link (ID!).`,
      },
    ],
  ],
  [
    "no input at all",
    RESUME_LINK,
    undefined,
    [
      {
        field: "input",
        message: "Invalid input: expected ResumeLinkInput!, and it was not provided.",
      },
    ],
  ],
])("%s: names the field, the type and the fix", async (_case, document, input, expected) => {
  expect(await refused(kit.url, document, input)).toEqual(expected);
});

it("reports every refused field of one input, not only the first", async () => {
  const errors = await refused(kit.url, REGISTER, {
    ...REGISTER_INPUT,
    password: 42,
    accessMode: "sometimes",
    usernme: "x",
  });
  expect(errors.map(({ field }) => field).sort()).toEqual([
    "input.accessMode",
    "input.password",
    "input.usernme",
  ]);
});

it("suggests nothing and lists no fields in production, yet names the field and the values", async () => {
  expect(
    await refused(production.url, RESUME_LINK, { session: SESSION_HEX, link: LINK_ID, tokn: "1" }),
  ).toEqual([
    { field: "input.tokn", message: "Invalid input.tokn: ResumeLinkInput has no field tokn." },
  ]);
  expect(
    await refused(production.url, REGISTER, { ...REGISTER_INPUT, accessMode: "recurrent" }),
  ).toEqual([
    {
      field: "input.accessMode",
      message: "Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT.",
    },
  ]);
});

it("never shows a field name that is not a GraphQL name", async () => {
  const errors = await refused(kit.url, RESUME_LINK, {
    ...RESUME_INPUT,
    "pass word 9f8e7d": "x",
  });
  expect(errors).toEqual([
    {
      field: "input",
      message: expect.stringMatching(/^Invalid input: ResumeLinkInput has no field \(a field\)\./),
    },
  ]);
  expect(JSON.stringify(errors)).not.toContain("9f8e7d");
});

describe("secrets sent as values of the wrong type", () => {
  const SECRETS = {
    token: { otp: "tok-7e1c55" },
    password: ["pw-3b9d21"],
    session: 848151,
    accessMode: "acc-5a0f6e",
  };

  it.each([
    [
      "resumeLink",
      RESUME_LINK,
      { link: LINK_ID, session: SECRETS.session, token: SECRETS.token },
      ["input.session", "input.token"],
    ],
    [
      "registerLink",
      REGISTER,
      { ...REGISTER_INPUT, password: SECRETS.password, accessMode: SECRETS.accessMode },
      ["input.password", "input.accessMode"],
    ],
  ])("%s: no answer or log line carries them", async (_case, document, input, fields) => {
    const before = kit.logs.length;
    const { body } = await kit.post(document, { input });
    const seen = JSON.stringify(body) + kit.logs.slice(before).join("");
    expect((body as unknown as Answer).errors.map((error) => error.extensions.field)).toEqual(
      fields,
    );
    for (const secret of ["tok-7e1c55", "pw-3b9d21", "848151", "acc-5a0f6e"]) {
      expect(seen).not.toContain(secret);
    }
    expect(kit.fake.requests).toEqual([]);
  });
});

const SECRET = "918273";
const LOGIN = `institution: "erebor_mx_retail", username: "bnk100"`;
const register = (fields: string) =>
  `mutation { registerLink(input: {${LOGIN}, ${fields}}) { __typename } }`;

/** The refusals of a document, checked to quote none of the values written in it. */
async function inline(url: string, document: string, value: string) {
  const errors = await refused(url, document, undefined, "GRAPHQL_VALIDATION_FAILED");
  expect(JSON.stringify(errors)).not.toContain(value);
  return errors;
}

/** What was written inline, the value it holds, and the refusal: as for a variable. */
const INLINE: [string, string, string, { field: string; message: string }][] = [
  [
    "a number for the password",
    register(`password: ${SECRET}`),
    SECRET,
    {
      field: "input.password",
      message:
        "Invalid input.password: expected String!; String cannot represent a non string value.",
    },
  ],
  [
    "accessMode: recurrent (an enum)",
    register(`password: "p", accessMode: recurrent`),
    "recurrent",
    {
      field: "input.accessMode",
      message:
        'Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT. Did you mean "RECURRENT"?',
    },
  ],
  [
    "an unknown field tokn",
    `mutation { resumeLink(input: {session: "${SESSION_HEX}", link: "${LINK_ID}", tokn: "${SECRET}"}) { __typename } }`,
    SECRET,
    {
      field: "input.tokn",
      message: `Invalid input.tokn: ResumeLinkInput has no field tokn. Did you mean "token"? ${FIELDS}`,
    },
  ],
  [
    "a list item, in a fragment",
    `mutation { ...Register } fragment Register on Mutation { registerLink(input: {${LOGIN}, password: "p", fetchResources: ["ACCOUNTS", ${SECRET}]}) { __typename } }`,
    SECRET,
    {
      field: "input.fetchResources[1]",
      message:
        "Invalid input.fetchResources[1]: expected String!; String cannot represent a non string value.",
    },
  ],
  [
    "a date in another format (our own scalar)",
    `mutation { retrieveBalances(input: {link: "${LINK_ID}", dateFrom: "01/02/2026"}) { __typename } }`,
    "01/02/2026",
    {
      field: "input.dateFrom",
      message:
        "Invalid input.dateFrom: expected Date!; Date must be an existing date written YYYY-MM-DD.",
    },
  ],
  [
    "null for a required field",
    register(`password: null`),
    "bnk100",
    { field: "input.password", message: "Invalid input.password: expected String!, not null." },
  ],
  [
    "a required field left out",
    `mutation { registerLink(input: {${LOGIN}}) { __typename } }`,
    "bnk100",
    {
      field: "input.password",
      message: "Invalid input.password: expected String!, and it was not provided.",
    },
  ],
];

describe("values written inline in the document, as variables are", () => {
  it.each(INLINE)(
    "%s: names the field, the type and the fix",
    async (_, document, value, error) => {
      expect(await inline(kit.url, document, value)).toEqual([error]);
    },
  );

  it("suggests nothing in production, yet names the field and the values", async () => {
    const document = register(`password: "p", accessMode: recurrent`);
    expect(await inline(production.url, document, "recurrent")).toEqual([
      {
        field: "input.accessMode",
        message: "Invalid input.accessMode: expected AccessMode, one of SINGLE, RECURRENT.",
      },
    ]);
    const [, tokn, ,] = INLINE[2]!;
    expect(await inline(production.url, tokn, SECRET)).toEqual([
      { field: "input.tokn", message: "Invalid input.tokn: ResumeLinkInput has no field tokn." },
    ]);
  });
});

/** The whole answer to `document` with `variables`: HTTP 400, nothing sent upstream. */
async function answered(document: string, variables: Record<string, unknown>) {
  const { status, body } = await postGraphQL(kit.url, document, variables);
  expect(kit.fake.requests).toEqual([]);
  return { status, body };
}

/** One error of an answer, as sent: message, where, code, field when it has one. */
const error = (message: string, code: string, field?: string) => ({
  message,
  locations: [expect.any(Object)],
  extensions: { code, ...(field ? { field } : {}), requestId: expect.any(String) },
});

describe("mistakes in the operation's shape name what was sent and the fix", () => {
  it.each([
    [
      'variables {"inpt": …} for $input',
      RESUME_LINK,
      { inpt: RESUME_INPUT },
      'Invalid input: expected ResumeLinkInput!, and it was not provided. The variables sent hold "inpt", which the operation does not declare: send the value as "input", or declare $inpt in the operation.',
      "input",
    ],
    [
      '$inpt declared, {"input": …} sent',
      "mutation R($inpt: ResumeLinkInput!) { resumeLink(input: $inpt) { __typename } }",
      { input: RESUME_INPUT },
      'Invalid inpt: expected ResumeLinkInput!, and it was not provided. The variables sent hold "input", which the operation does not declare: send the value as "inpt", or declare $input in the operation.',
      "inpt",
    ],
  ])("a misnamed variable (%s)", async (_case, document, variables, message, field) => {
    expect(await answered(document, variables)).toEqual({
      status: 400,
      body: { errors: [error(message, "BAD_USER_INPUT", field)] },
    });
  });

  it("arguments written without their input: wrapper", async () => {
    const document = `mutation { resumeLink(session: "${SESSION_HEX}", link: "${LINK_ID}") { __typename } }`;
    const unknown = (argument: string) =>
      error(
        `Unknown argument "${argument}" on field "Mutation.resumeLink". resumeLink takes its fields inside one argument, input: write resumeLink(input: { ${argument}: … }).`,
        "GRAPHQL_VALIDATION_FAILED",
        `input.${argument}`,
      );
    expect(await answered(document, {})).toEqual({
      status: 400,
      body: {
        errors: [
          unknown("session"),
          unknown("link"),
          error(
            `Field "resumeLink" argument "input" of type "ResumeLinkInput!" is required, but it was not provided. Write resumeLink(input: { … }), with ResumeLinkInput's fields (session, token, link) inside it.`,
            "GRAPHQL_VALIDATION_FAILED",
            "input",
          ),
        ],
      },
    });
  });

  it.each([
    ["query", `query R($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename } }`],
    [
      "no keyword",
      `{ resumeLink(input: { session: "${SESSION_HEX}", link: "${LINK_ID}" }) { __typename } }`,
    ],
  ])("a mutation sent with %s", async (_case, document) => {
    expect(await answered(document, { input: RESUME_INPUT })).toEqual({
      status: 400,
      body: {
        errors: [
          error(
            'Cannot query field "resumeLink" on type "Query". resumeLink is a mutation: send it as `mutation { resumeLink(…) { … } }`, not as a query (nor with no keyword, which means query).',
            "GRAPHQL_VALIDATION_FAILED",
          ),
        ],
      },
    });
  });
});
