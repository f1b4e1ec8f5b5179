import "reflect-metadata";
import {
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from "graphql";
import { buildSchema, getMetadataStorage } from "type-graphql";
import { AccountListResolver } from "./resolvers/account-list.resolver.js";
import { AccountResolver, serveEmbeddedAccountFields } from "./resolvers/account.resolver.js";
import { BalanceResolver } from "./resolvers/balance.resolver.js";
import { InstitutionResolver } from "./resolvers/institution.resolver.js";
import { LinkResolver } from "./resolvers/link.resolver.js";
import { OwnerResolver } from "./resolvers/owner.resolver.js";
import { TransactionResolver } from "./resolvers/transaction.resolver.js";

/**
 * type-graphql wraps even a plain property field in a resolver that runs its (here empty)
 * middleware chain; on a list of balances that is most of execution. A field with no resolver
 * of its own reads `root[name]`, exactly what graphql's default resolver does, so it gets that.
 */
function unwrapPlainFields(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const typeNames = new Map(storage.objectTypes.map((type) => [type.target, type.name]));
  const resolved = new Set(
    storage.fieldResolvers.map(
      (field) => `${typeNames.get(field.getObjectType?.() ?? Object) ?? ""}.${field.schemaName}`,
    ),
  );
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (!resolved.has(`${type.name}.${field.name}`)) field.resolve = undefined;
    }
  }
  return schema;
}

/**
 * type-graphql wraps every union's resolveType in an async function; ours are synchronous
 * instanceof tests, and graphql-jit needs a synchronous answer (a type name), so each union gets
 * its resolveType back, unwrapped, with a class mapped to its type's name.
 */
function synchronousUnions(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(
    storage.objectTypes.map((type) => [type.target, type.name]),
  );
  for (const union of storage.unions) {
    const type = schema.getType(union.name);
    const resolve = union.resolveType;
    if (!isUnionType(type) || !resolve) continue;
    type.resolveType = (value, context, info, abstractType) => {
      const resolved = resolve(value, context, info, abstractType);
      if (resolved instanceof Promise)
        throw new Error(`${union.name}.resolveType must be synchronous`);
      return typeof resolved === "string" ? resolved : typeNames.get(resolved);
    };
  }
  return schema;
}

/** Built once per process; the committed schema.graphql is `printGatewaySchema()`'s output. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      LinkResolver,
      BalanceResolver,
      AccountListResolver,
      TransactionResolver,
      OwnerResolver,
      InstitutionResolver,
      AccountResolver,
    ],
    validate: false,
  });
  serveEmbeddedAccountFields(schema);
  return synchronousUnions(unwrapPlainFields(schema));
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
