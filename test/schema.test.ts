import { readFileSync } from "node:fs";
import { isUnionType, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { getMetadataStorage } from "type-graphql";
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

it("every union answers its member's type name synchronously (graphql-jit cannot await resolveType)", async () => {
  const schema = await buildGatewaySchema();
  // Each member's class, as type-graphql registered it (a union given a `resolveType` of its
  // own answers a promise: type-graphql wraps it in an async function).
  const classOf = (name: string) =>
    getMetadataStorage().objectTypes.find((type) => type.name === name)!.target as new () => object;
  const unions = Object.values(schema.getTypeMap()).filter(isUnionType);
  expect(unions.length).toBeGreaterThanOrEqual(10);
  for (const union of unions) {
    for (const member of union.getTypes()) {
      const value = new (classOf(member.name))();
      const answer = union.resolveType!(value, {}, {} as GraphQLResolveInfo, union);
      expect([union.name, answer]).toEqual([union.name, member.name]);
    }
  }
});
