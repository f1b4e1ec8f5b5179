/**
 * Exact decimals: the one place that says what an amount looks like. An amount is carried as
 * its digits in a string, from Belvo's JSON to the `Decimal` scalar, and never through a
 * JavaScript number (a double cannot hold every amount Belvo may send).
 */

/** The form the gateway serves: `-?digits(.digits)?`. */
const PLAIN = /^-?\d+(\.\d+)?$/;
/** A JSON number written with an exponent; read digit by digit. */
const EXPONENT = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;
/** Any JSON number, as text. */
const JSON_NUMBER = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;

/** Whether `text` is a decimal as served (the Decimal scalar's rule, in and out). */
export function isDecimal(text: string): boolean {
  return PLAIN.test(text);
}

/**
 * `text` as a plain decimal: unchanged when plain, exponent notation expanded digit by digit;
 * null when it is not a number.
 */
export function toDecimal(text: string): string | null {
  if (PLAIN.test(text)) return text;
  const match = EXPONENT.exec(text);
  if (!match) return null;
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponentText);
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits.padEnd(point, "0");
  const at = Math.max(point, 1);
  const intPart = padded.slice(0, at).replace(/^0+(?=\d)/, "");
  const fracPart = padded.slice(at).replace(/0+$/, "");
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ""}`;
}

/**
 * A JSON number that a double may not give back as the same plain digits: 16 digits or more
 * (beyond a double's 15), an exponent, a fraction ending in 0 (`1.50` reads back `1.5`), below
 * 1e-6 (`0.0000005` reads back `5e-7`), or `-0`. Found where a number can start (after `:`, `,`
 * or `[`); a match inside a string (`"12:00"` is none) only costs the quoting.
 */
const LOSSY =
  /[:,[]\s*(?:-?(?:(?:\d\.?){15}\d|\d+(?:\.\d+)?[eE]|0\.0{6}|\d+\.\d*0(?=\s*[,}\]]))|-0(?=\s*[,}\]]))/;

/**
 * Whether every number in `json` reads back from JSON.parse, through `String()`, as its own
 * digits: then an amount needs no quoting (`quoteDecimals`) to stay exact. A number of 15
 * significant digits or fewer, without an exponent, between 1e-6 and 1e21, is the shortest
 * decimal of its double, which is what `String()` writes; a trailing 0 of a fraction and `-0`
 * are the only other digits `String()` would not give back.
 */
export function numbersSurviveParse(json: string): boolean {
  return !LOSSY.test(json);
}

/** One pattern per key list (the lists are constants), built on first use. */
const PATTERNS = new WeakMap<readonly string[], RegExp>();

/**
 * JSON text with every number under one of `keys` quoted, so that JSON.parse keeps its exact
 * digits as a string. A key inside a JSON string is escaped (`\"balance\"`), so only real object
 * keys match.
 */
export function quoteDecimals(json: string, keys: readonly string[]): string {
  if (keys.length === 0) return json;
  let pattern = PATTERNS.get(keys);
  if (!pattern) {
    pattern = new RegExp(`("(?:${keys.join("|")})"\\s*:\\s*)(${JSON_NUMBER})(?=\\s*[,}])`, "g");
    PATTERNS.set(keys, pattern);
  }
  return json.replace(pattern, '$1"$2"');
}
