import {
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  isCalendarDate,
  isDateTime,
} from "../src/types/scalars.js";

it.each([
  ["2024-02-29", true],
  ["2000-02-29", true],
  ["2026-02-28", true],
  ["2026-12-31", true],
  ["2026-02-29", false],
  ["1900-02-29", false],
  ["2026-04-31", false],
  ["2026-13-01", false],
  ["2026-1-01", false],
])("isCalendarDate(%s) is %s", (value, expected) => {
  expect(isCalendarDate(value)).toBe(expected);
});

// The day is read from the character codes once the pattern matched: the calendar still decides.
it.each([
  ["2024-02-29T23:59:59+01:00", true],
  ["2026-12-31T00:00:00.123Z", true],
  ["2026-02-29T10:00:00Z", false],
  ["1900-02-29T10:00:00Z", false],
  ["2026-04-31T10:00:00Z", false],
  ["2026-00-10T10:00:00Z", false],
  ["2026-01-15T24:00:00Z", false],
])("isDateTime(%s) is %s", (value, expected) => {
  expect(isDateTime(value)).toBe(expected);
});

it("the scalars serialize only well-formed strings, never a float", () => {
  expect(DecimalScalar.serialize("1234.56")).toBe("1234.56");
  expect(() => DecimalScalar.serialize(1234.56)).toThrow("Decimal must be a decimal string");
  expect(DateScalar.serialize("2024-02-29")).toBe("2024-02-29");
  expect(() => DateScalar.serialize("2026-02-29")).toThrow(
    "Date must be an existing date written YYYY-MM-DD.",
  );
  expect(DateTimeScalar.serialize("2026-01-15T10:00:00.000Z")).toBe("2026-01-15T10:00:00.000Z");
  expect(() => DateTimeScalar.serialize("2026-01-15T10:00:00")).toThrow("DateTime must be");
});
