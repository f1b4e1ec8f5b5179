import { Writable } from "node:stream";
import { createLogger } from "../src/logger.js";

function capture() {
  const lines: string[] = [];
  const logger = createLogger(
    "info",
    false,
    new Writable({ write: (chunk: Buffer, _e, done) => done(void lines.push(chunk.toString())) }),
  );
  return { logger, lines };
}

it("censors secret keys at any depth and in arrays, in a child's lines too, and keeps the rest", () => {
  const { logger, lines } = capture();
  logger.info(
    {
      req: { headers: { authorization: "Basic c2VjcmV0", cookie: "sid=1", accept: "*/*" } },
      password: "bank-pw",
      nested: { deeper: { token: "123456" } },
      list: [{ secretPassword: "s" }, { apiKeys: ["k"] }],
      variables: { input: { token: "1" } },
      kept: 7,
    },
    "line",
  );
  logger.child({ requestId: "r-1" }).info({ upstream: { token: "in-child" } }, "child line");
  const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(first).toMatchObject({
    req: { headers: { authorization: "[redacted]", cookie: "[redacted]", accept: "*/*" } },
    password: "[redacted]",
    nested: { deeper: { token: "[redacted]" } },
    list: [{ secretPassword: "[redacted]" }, { apiKeys: "[redacted]" }],
    variables: "[redacted]",
    kept: 7,
  });
  expect(second).toMatchObject({
    requestId: "r-1",
    upstream: { token: "[redacted]" },
    msg: "child line",
  });
  expect(lines.join("")).not.toMatch(/c2VjcmV0|bank-pw|123456|in-child|sid=1/);
});

it("leaves an object with nothing to censor as it is", async () => {
  const { scrub } = await import("../src/logger.js");
  const clean = { a: { b: [1, { c: "d" }] } };
  expect(scrub(clean)).toBe(clean);
});
