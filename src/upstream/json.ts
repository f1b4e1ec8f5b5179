/** Reading Belvo's JSON without trusting its shape. */
import { numbersSurviveParse, quoteDecimals } from "../decimal.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The answer's body did not have the shape the gateway needs. */
export class UnexpectedBody extends Error {}

export const NOT_JSON: unique symbol = Symbol("not JSON");

/**
 * Parses a body. Numbers under `decimalKeys` keep their exact digits: when every number of the
 * text reads back as its own digits (`numbersSurviveParse`), as numbers whose `String()` gives
 * those digits back through `toDecimal`; otherwise quoted first, as strings (the rules are
 * decimal.ts's). Readers take either through `optionalString`, then `toDecimal`.
 */
export function parseJson(
  text: string,
  decimalKeys: readonly string[] = [],
): Json | typeof NOT_JSON {
  // Quoting copies the whole text: on 1,000 transactions it cost as much as half the parse.
  if (decimalKeys.length > 0 && numbersSurviveParse(text)) {
    const body = parsedOrNot(text);
    // Not JSON as it stands: quoted, it may be (a leading zero of an amount, as before).
    if (body !== NOT_JSON) return body;
  }
  return parsedOrNot(quoteDecimals(text, decimalKeys));
}

function parsedOrNot(text: string): Json | typeof NOT_JSON {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return NOT_JSON;
  }
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalString(object: JsonObject, key: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new UnexpectedBody(`"${key}" is not a string`);
}

export function requiredString(object: JsonObject, key: string): string {
  const value = optionalString(object, key);
  if (value === null || value === "") throw new UnexpectedBody(`"${key}" is missing`);
  return value;
}

export function requiredObject(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) throw new UnexpectedBody(`${what} is not an object`);
  return value;
}
