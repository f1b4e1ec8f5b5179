/**
 * How Belvo's JSON is read (src/upstream/read.ts): each class of src/types/ through a table of
 * readers written `satisfies Readers<T>`, and parseJson's decimal keys derived from those tables.
 * The type checks below are proven by `tsc` (npm run typecheck): each `@ts-expect-error` fails the
 * check the day the compiler stops catching the mistake under it.
 */
import "reflect-metadata";
import { FundIdentification } from "../src/types/account-details.type.js";
import { TransactionStatus } from "../src/types/transaction.type.js";
import {
  ACCOUNT_DECIMAL_KEYS,
  BALANCE_DECIMAL_KEYS,
  OWNER_DECIMAL_KEYS,
  TRANSACTION_DECIMAL_KEYS,
} from "../src/upstream/data-mapping.js";
import {
  choice,
  decimal,
  decimalKeysOf,
  int,
  many,
  readObject,
  text,
  type Readers,
} from "../src/upstream/read.js";

it("a readers table must name every property of its class, no more, each of its type", () => {
  const whole = { name: text("name"), value: text("value") } satisfies Readers<FundIdentification>;
  // @ts-expect-error `value` has no reader: the class gained a field the table did not.
  const missing = { name: text("name") } satisfies Readers<FundIdentification>;
  const extra = {
    name: text("name"),
    value: text("value"),
    // @ts-expect-error `rank` is no property of FundIdentification: the table reads a field the class lacks.
    rank: int("rank"),
  } satisfies Readers<FundIdentification>;
  const wrongType = {
    name: text("name"),
    // @ts-expect-error an Int reader for a String property.
    value: int("value"),
  } satisfies Readers<FundIdentification>;
  expect([missing, extra, wrongType].every((table) => "name" in table)).toBe(true);

  const read = readObject(FundIdentification, whole, { name: "CNPJ", value: 12345678000190 });
  expect(read).toBeInstanceOf(FundIdentification);
  expect(read).toEqual({ name: "CNPJ", value: "12345678000190" });
});

it("decimal keys are those the tables read as amounts, nested objects included", () => {
  const fund = { value: decimal("value") };
  const nested = {
    total: decimal("total"),
    status: choice("status", TransactionStatus),
    funds: many("funds", class {} as new () => { value: string | null }, fund),
  };
  expect(decimalKeysOf(nested)).toEqual(["total", "value"]);

  expect([...ACCOUNT_DECIMAL_KEYS].sort()).toEqual(
    [
      // Belvo's `balance` object of an account: `current`, `available`.
      "current",
      "available",
      // credit_data
      "credit_limit",
      "minimum_payment",
      "no_interest_payment",
      "interest_rate",
      // loan_data (its interest rates' and fees' `value`)
      "contract_amount",
      "principal",
      "outstanding_principal",
      "outstanding_balance",
      "monthly_payment",
      "value",
      // funds_data
      "balance",
      "percentage",
      // receivables_data
      "anticipated",
    ].sort(),
  );
  expect([...BALANCE_DECIMAL_KEYS].sort()).toEqual(
    [...ACCOUNT_DECIMAL_KEYS, "current_balance"].sort(),
  );
  expect([...TRANSACTION_DECIMAL_KEYS].sort()).toEqual(
    // `previous_bill_total` is a string in Belvo's spec, quoted so that a number keeps its digits.
    [...ACCOUNT_DECIMAL_KEYS, "amount", "bill_amount", "previous_bill_total"].sort(),
  );
  expect(OWNER_DECIMAL_KEYS).toEqual([]);
});
