import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { LinkResolver } from "./resolvers/link.resolver.js";
import { ResumeResolver } from "./resolvers/resume.resolver.js";

/** Built once per process; the committed schema.graphql is `printGatewaySchema()`'s output. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [ResumeResolver, LinkResolver], validate: false });
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
