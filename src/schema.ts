import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AccountResolver } from "./resolvers/account.resolver.js";
import { BalanceResolver } from "./resolvers/balance.resolver.js";
import { InstitutionResolver } from "./resolvers/institution.resolver.js";
import { LinkResolver } from "./resolvers/link.resolver.js";

/** Built once per process; the committed schema.graphql is `printGatewaySchema()`'s output. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [LinkResolver, BalanceResolver, InstitutionResolver, AccountResolver],
    validate: false,
  });
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
