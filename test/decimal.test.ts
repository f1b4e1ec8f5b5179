/** The exact-decimal rules (src/decimal.ts), which Belvo's JSON, the mapping and the scalar share. */
import fc from "fast-check";
import { isDecimal, numbersSurviveParse, quoteDecimals, toDecimal } from "../src/decimal.js";
import { parseJson } from "../src/upstream/json.js";
import { DecimalScalar } from "../src/types/scalars.js";

it.each([
  ["1234.56", "1234.56"],
  ["-0.5", "-0.5"],
  ["1e3", "1000"],
  ["1.5E+2", "150"],
  ["-12.5e-3", "-0.0125"],
  ["0.000e5", "0"],
  ["12345678901234567890.123456789e2", "1234567890123456789012.3456789"],
  ["1,5", null],
  [".5", null],
  ["Infinity", null],
])("reads %s as %s", (text, expected) => {
  expect(toDecimal(text)).toBe(expected);
  if (expected !== null) expect(isDecimal(expected)).toBe(true);
});

it("keeps the exact digits of the numbers under the keys given, and of no other", () => {
  const text =
    '{"balance": 9007199254740993.01, "n": 9007199254740993, "note": "\\"balance\\": 1"}';
  expect(quoteDecimals(text, ["balance"])).toBe(
    '{"balance": "9007199254740993.01", "n": 9007199254740993, "note": "\\"balance\\": 1"}',
  );
  expect(parseJson(text, ["balance"])).toEqual({
    balance: "9007199254740993.01",
    n: 9007199254740992,
    note: '"balance": 1',
  });
});

it("serves only the plain form through the Decimal scalar", () => {
  expect(DecimalScalar.serialize("-1.25")).toBe("-1.25");
  expect(() => DecimalScalar.serialize("1e3")).toThrow("Decimal must be");
  expect(isDecimal("1e3")).toBe(false);
});

describe("parseJson without quoting, when every number reads back as its digits", () => {
  const KEYS = ["amount", "balance"];
  /** Any JSON number's text: leading zeros of a fraction, trailing zeros, exponents, -0. */
  const numberText = fc
    .tuple(
      fc.constantFrom("", "-"),
      fc.oneof(fc.constant("0"), fc.stringMatching(/^[1-9]\d{0,20}$/)),
      fc.option(fc.stringMatching(/^\d{1,20}$/)),
      fc.option(fc.stringMatching(/^[eE][+-]?\d{1,3}$/)),
    )
    .map(([sign, whole, fraction, exponent]) =>
      [sign, whole, fraction === null ? "" : `.${fraction}`, exponent ?? ""].join(""),
    );
  /** Strings that look like numbers after a colon, as times do. */
  const textValue = fc.oneof(
    fc.constantFrom("12:00", "T09:55:00.000Z", "a:1e5", "x,-0", "[0.0000001", "-0d3f"),
    fc.string(),
  );
  const member = fc.tuple(
    fc.constantFrom(...KEYS, "n", "note"),
    fc.oneof(
      numberText,
      textValue.map((text) => JSON.stringify(text)),
    ),
  );
  const documentText = fc
    .array(member, { maxLength: 6 })
    .map((members) => `{${members.map(([key, value]) => `"${key}": ${value}`).join(", ")}}`);

  /** What a reader serves: an amount as decimal.ts's digits, whichever way it was parsed. */
  const served = (body: unknown): unknown =>
    Object.fromEntries(
      Object.entries(body as Record<string, unknown>).map(([key, value]) => [
        key,
        KEYS.includes(key) && (typeof value === "number" || typeof value === "string")
          ? (toDecimal(String(value)) ?? value)
          : value,
      ]),
    );

  it("serves every amount as the quoting did", () => {
    fc.assert(
      fc.property(documentText, (text) => {
        const quoted = JSON.parse(quoteDecimals(text, KEYS)) as unknown;
        expect(served(parseJson(text, KEYS))).toEqual(served(quoted));
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ["1.50", false],
    ["9007199254740993", false],
    ["1234567890.123456", false],
    ["1e3", false],
    ["0.0000005", true],
    ["-0", false],
    ["-0.0", false],
    ["1099.5", true],
    ["-0.5", true],
    ["0.000001", true],
    ["123456789012345", true],
  ])("reads %s back as its digits: %s", (number, survives) => {
    expect(numbersSurviveParse(`{"amount": ${number}, "at": "2026-01-15T12:00:00.000Z"}`)).toBe(
      survives,
    );
  });

  it("still reads an amount with a leading zero, as the quoting did", () => {
    expect(parseJson('{"amount": 012.5}', KEYS)).toEqual({ amount: "012.5" });
  });
});

describe("amounts under keys Belvo spelled with \\u escapes", () => {
  it("keeps the exact digits of a key written with escapes, on both parse paths", () => {
    // 17 digits: a double would round it; the scan sends it to the quoting.
    const body = '{"\\u0062alance": 12345678901234567, "\\u0063urrency": "MXN"}';
    expect(parseJson(body, ["balance"])).toEqual({
      balance: "12345678901234567",
      currency: "MXN",
    });
    expect(parseJson('{"b\\u0061l\\u0061nce": 1.50}', ["balance"])).toEqual({ balance: "1.50" });
  });

  it("leaves an escaped backslash and any other escape as they were", () => {
    // `\\u0062` is a backslash then the letters u0062; `\u0022` a quote inside the string.
    const note = '{"note": "\\\\u0062alance: 12345678901234567,", "q": "\\u0022", "balance": 1.50}';
    expect(parseJson(note, ["balance"])).toEqual({
      note: "\\u0062alance: 12345678901234567,",
      q: '"',
      balance: "1.50",
    });
    expect(quoteDecimals('{"x": "\\\\\\u0062"}', ["balance"])).toBe('{"x": "\\\\b"}');
  });
});
