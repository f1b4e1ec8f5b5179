/**
 * The one errors table (src/errors/codes.ts) and what must agree with it: every code has a row
 * (status, retryable, message); the upstream factories give each code the table's retryable; the
 * typed client's retryable codes are generated from it; docs/errors.md states its statuses and
 * retryables; and no UpstreamError is built anywhere but by its named factories.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ERRORS, ErrorCode, UpstreamError, statusOnly } from "../src/errors.js";
import { retryableCodes, type ErrorKind } from "../src/errors/codes.js";
import { GATEWAY_RETRYABLE_CODES } from "../packages/client/src/retryable-codes.js";
import { UnsentCall } from "../src/upstream/belvo-http.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const RETRYABLES: ErrorKind["retryable"][] = [true, false, "after retryAfter", "per error"];

it("has one row for every ErrorCode, each with an HTTP status, a retryable and a message", () => {
  const rows = ERRORS as Record<string, ErrorKind>;
  expect(Object.keys(rows).sort()).toEqual(Object.values(ErrorCode).sort());
  const malformed = Object.entries(rows).filter(
    ([, { status, retryable, message }]) =>
      !(Number.isInteger(status) && status >= 200 && status <= 599) ||
      !RETRYABLES.includes(retryable) ||
      typeof message !== "string" ||
      message.trim() === "",
  );
  expect(malformed).toEqual([]);
});

it("generates the typed client's retryable codes from the table (npm run error-codes)", async () => {
  const { CLIENT_CODES, renderClientCodes } = await import("../scripts/error-codes.mjs");
  expect(readFileSync(CLIENT_CODES, "utf8")).toBe(await renderClientCodes(retryableCodes()));
  expect([...GATEWAY_RETRYABLE_CODES]).toEqual(retryableCodes());
  expect(retryableCodes()).toEqual([
    "UPSTREAM_TIMEOUT",
    "UPSTREAM_UNAVAILABLE",
    "GUARD_UNAVAILABLE",
    "IDEMPOTENCY_IN_PROGRESS",
    "SHUTTING_DOWN",
    "EVENTS_UNAVAILABLE",
    "SUBSCRIBER_TOO_SLOW",
  ]);
});

const said = { status: 400, code: "login_error", requestId: null };
it.each<[string, UpstreamError, string, boolean, Record<string, unknown>]>([
  ["authFailed", UpstreamError.authFailed(statusOnly(401)), "UPSTREAM_AUTH_FAILED", false, {}],
  [
    "rateLimited",
    UpstreamError.rateLimited("m", statusOnly(403), 30),
    "UPSTREAM_RATE_LIMITED",
    true,
    { retryAfter: 30 },
  ],
  ["timeout", UpstreamError.timeout("m", statusOnly(null)), "UPSTREAM_TIMEOUT", true, {}],
  ["failed", UpstreamError.failed("m", statusOnly(502)), "UPSTREAM_ERROR", true, {}],
  ["unreadable", UpstreamError.unreadable("m", statusOnly(200)), "UPSTREAM_ERROR", false, {}],
  ["unavailable", UpstreamError.unavailable(statusOnly(null)), "UPSTREAM_UNAVAILABLE", true, {}],
  ["sessionExpired", UpstreamError.sessionExpired(said), "MFA_SESSION_EXPIRED", false, {}],
  [
    "invalidInput",
    UpstreamError.invalidInput("m", said, "input.token"),
    "BAD_USER_INPUT",
    false,
    { field: "input.token" },
  ],
  ["rejected", UpstreamError.rejected("m", said), "UPSTREAM_REJECTED", false, {}],
  ["rejectedForNow", UpstreamError.rejectedForNow("m", said), "UPSTREAM_REJECTED", true, {}],
])(
  "UpstreamError.%s answers its code, with the table's retryable",
  (_, error, code, retryable, extra) => {
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.extensions).toEqual({
      code,
      upstream: error.extensions.upstream,
      retryable,
      ...extra,
    });
    const kind: ErrorKind = ERRORS[code as ErrorCode];
    if (typeof kind.retryable === "boolean") expect(retryable).toBe(kind.retryable);
    if (kind.retryable === "after retryAfter") expect(extra).toHaveProperty("retryAfter");
  },
);

it("a factory called on a subclass makes one of it (a call never sent is an UnsentCall)", () => {
  const error = UnsentCall.timeout(
    "Belvo did not answer within 5 ms; retry later.",
    statusOnly(null),
  );
  expect(error).toBeInstanceOf(UnsentCall);
  expect(error.extensions).toEqual({
    code: "UPSTREAM_TIMEOUT",
    upstream: { status: null, code: null, requestId: null },
    retryable: true,
  });
});

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

it("builds no UpstreamError outside src/errors/: every call site names its case", () => {
  const built = sourceFiles(join(ROOT, "src"))
    .filter((file) => !relative(ROOT, file).startsWith("src/errors/"))
    .filter((file) =>
      /new\s+(?:UpstreamError|UnsentCall|Failure)\s*\(/.test(readFileSync(file, "utf8")),
    )
    .map((file) => relative(ROOT, file));
  expect(built).toEqual([]);
});

describe("docs/errors.md agrees with the table", () => {
  const docs = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
  /** The cells of the row of `code` in the errors table of docs/errors.md, if it has one. */
  const row = (code: string) =>
    docs
      .split("\n")
      .find((line) => line.startsWith(`| \`${code}\``))
      ?.split("|")
      .map((cell) => cell.trim());

  it("has a row only for codes of the table", () => {
    const rows = [...docs.matchAll(/^\| `([A-Z_]+)`/gm)].map(([, code]) => code!);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((code) => !(code in ERRORS))).toEqual([]);
  });

  it("states the HTTP status of every code answered other than 200", () => {
    const unstated = Object.entries(ERRORS as Record<string, ErrorKind>)
      .filter(([, { status }]) => status !== 200)
      .filter(
        ([code, { status }]) =>
          !docs.includes(`\`${code}\` (${status}`) && !row(code)?.[2]?.includes(`HTTP ${status}`),
      )
      .map(([code, { status }]) => `${code} ${status}`);
    expect(unstated).toEqual([]);
  });

  it("says in its retryable column what the table says", () => {
    const words = { true: /^yes/, false: /^no/, "after retryAfter": /retryAfter/ } as const;
    const disagree = Object.entries(ERRORS as Record<string, ErrorKind>).filter(
      ([code, { retryable }]) => {
        const cell = row(code)?.[3];
        if (cell === undefined) return false;
        if (retryable === "per error") return /^(yes|no)\b/.test(cell);
        return !words[String(retryable) as keyof typeof words].test(cell);
      },
    );
    expect(disagree.map(([code]) => code)).toEqual([]);
  });
});
