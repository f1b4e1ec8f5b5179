/** Inputs the gateway refuses itself: BAD_USER_INPUT naming the field, and no upstream call. */
import {
  LINK_BODY,
  LINK_ID,
  SESSION_HEX,
  SESSION_UUID,
  TEST_REQUEST_ID,
  resumeInput,
} from "./helpers/fixtures.js";
import { useGateway } from "./helpers/kit.js";
import { RESUME_BALANCES, RESUME_LINK } from "./helpers/graphql.js";

const kit = useGateway({ upstream: "fake", replies: [{ status: 200, body: LINK_BODY }] });

const SESSION_MESSAGE =
  "Invalid input.session: expected 32 hex digits or a UUID, as the challenge gave it.";
const LINK_MESSAGE = "Invalid input.link: expected a UUID.";
const TOKEN_MESSAGE =
  "Invalid input.token: expected 1 to 64 printable characters without whitespace; omit it when the challenge expects no user input.";

const CASES: [string, Record<string, unknown>, string, string][] = [
  ["a session that is too short", { session: "abc123" }, "input.session", SESSION_MESSAGE],
  [
    "a session with non-hex digits",
    { session: "zz1a9b3e4d5f60718293a4b5c6d7e8f9" },
    "input.session",
    SESSION_MESSAGE,
  ],
  [
    "a session with 33 hex digits",
    { session: `${SESSION_HEX}0` },
    "input.session",
    SESSION_MESSAGE,
  ],
  ["an empty session", { session: "" }, "input.session", SESSION_MESSAGE],
  [
    "a link that is not a UUID",
    { link: "683005d6f45c4adbb289f1a12f50f80c" },
    "input.link",
    LINK_MESSAGE,
  ],
  ["a link with a path in it", { link: `${LINK_ID}/../../x` }, "input.link", LINK_MESSAGE],
  ["an empty token", { token: "" }, "input.token", TOKEN_MESSAGE],
  ["a token with a space", { token: "12 34" }, "input.token", TOKEN_MESSAGE],
  ["a token with a newline", { token: "1234\n" }, "input.token", TOKEN_MESSAGE],
  ["a token with a control character", { token: "12\u000734" }, "input.token", TOKEN_MESSAGE],
  ["a token of 65 characters", { token: "7".repeat(65) }, "input.token", TOKEN_MESSAGE],
];

describe.each([
  ["resumeLink", RESUME_LINK],
  ["resumeBalances", RESUME_BALANCES],
])("%s", (field, document) => {
  it.each(CASES)("refuses %s without calling Belvo", async (_case, change, path, message) => {
    const input = { session: SESSION_HEX, link: LINK_ID, token: "123456", ...change };
    const { status, body } = await kit.post(document, { input });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message,
          path: [field],
          extensions: { code: "BAD_USER_INPUT", field: path, requestId: TEST_REQUEST_ID },
        },
      ],
    });
    expect(kit.fake.requests).toEqual([]);
  });

  it("never repeats a refused token in the answer", async () => {
    const token = "secret-token-with a-space";
    const { body } = await kit.post(document, {
      input: resumeInput(token),
    });
    expect(JSON.stringify(body)).not.toContain("secret-token");
  });

  it.each([
    ["a UUID session", { session: SESSION_UUID }],
    ["an upper-case hex session", { session: SESSION_HEX.toUpperCase() }],
    ["a 64-character token", { token: "A".repeat(64) }],
    ["a one-character token", { token: "7" }],
    ["a token with punctuation and accents", { token: "ab-12_çé!" }],
    ["no token", { token: undefined }],
    ["a null token", { token: null }],
  ])("accepts %s and calls Belvo once", async (_case, change) => {
    await kit.post(document, {
      input: { session: SESSION_HEX, link: LINK_ID, token: "123456", ...change },
    });
    expect(kit.fake.requests).toHaveLength(1);
  });

  it("rejects a token of the wrong type without quoting it", async () => {
    const { status, body } = await kit.post(document, {
      input: { session: SESSION_HEX, link: LINK_ID, token: 918273 },
    });
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message:
            "Invalid input.token: expected String; String cannot represent a non string value.",
          locations: [expect.any(Object) as unknown],
          extensions: { code: "BAD_USER_INPUT", field: "input.token", requestId: TEST_REQUEST_ID },
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain("918273");
    expect(kit.fake.requests).toEqual([]);
  });
});
