/** The exact-decimal rules (src/decimal.ts), which Belvo's JSON, the mapping and the scalar share. */
import { isDecimal, quoteDecimals, toDecimal } from "../src/decimal.js";
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
