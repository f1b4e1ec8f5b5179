import { readFileSync } from "node:fs";
import type { GraphQLObjectType } from "graphql";
import { buildGatewaySchema, printGatewaySchema } from "../src/schema.js";

it("the committed schema.graphql is what the code generates (run `npm run schema` after a change)", async () => {
  const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
  expect(printGatewaySchema(await buildGatewaySchema())).toBe(committed);
});

it("the schema keeps CONTRACT.md's operations, unions and input shapes", async () => {
  const printed = printGatewaySchema(await buildGatewaySchema());
  for (const line of [
    "resumeLink(input: ResumeLinkInput!): ResumeLinkResult!",
    "resumeBalances(input: ResumeBalancesInput!): ResumeBalancesResult!",
    "union ResumeLinkResult = Link | MfaChallenge",
    "union ResumeBalancesResult = BalanceList | MfaChallenge",
    "saveData: Boolean = true",
    "expiry: Int",
    "balance: Decimal",
    "valueDate: Date",
    "expiresAt: DateTime",
    "status: LinkStatus!",
    "expectsUserInput: Boolean!",
  ]) {
    expect(printed).toContain(line);
  }
});

it("plain fields use graphql's default resolver; fields with a resolver of their own keep it", async () => {
  const schema = await buildGatewaySchema();
  const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
  expect(fields("Balance").valueDate?.resolve).toBeUndefined();
  expect(fields("Link").status?.resolve).toBeUndefined();
  expect(fields("MfaChallenge").session?.resolve).toBeUndefined();
  expect(fields("Account").name?.resolve).toEqual(expect.any(Function));
  expect(fields("Institution").displayName?.resolve).toEqual(expect.any(Function));
  expect(fields("Mutation").resumeLink?.resolve).toEqual(expect.any(Function));
});
