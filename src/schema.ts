import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type BuildSchemaOptions } from "type-graphql";
import { applySpeedShortcuts } from "./execution/shortcuts.js";
import { AccountListResolver } from "./resolvers/account-list.resolver.js";
import { AccountResolver } from "./resolvers/account.resolver.js";
import { BalanceResolver } from "./resolvers/balance.resolver.js";
import { InstitutionResolver } from "./resolvers/institution.resolver.js";
import { LinkLifeResolver } from "./resolvers/link-life.resolver.js";
import { LinkResolver } from "./resolvers/link.resolver.js";
import { OwnerResolver } from "./resolvers/owner.resolver.js";
import { OwnerLinkResolver } from "./resolvers/owner-link.resolver.js";
import { SavedDataResolver } from "./resolvers/saved-data.resolver.js";
import { TransactionResolver } from "./resolvers/transaction.resolver.js";
import { LinkEventResolver } from "./resolvers/link-event.resolver.js";
import { createPubSub } from "@graphql-yoga/subscription";

/** Built once per process; the committed schema.graphql is `printGatewaySchema()`'s output. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const options: BuildSchemaOptions = {
    resolvers: [
      LinkResolver,
      BalanceResolver,
      AccountListResolver,
      TransactionResolver,
      OwnerResolver,
      InstitutionResolver,
      AccountResolver,
      SavedDataResolver,
      OwnerLinkResolver,
      LinkLifeResolver,
      LinkEventResolver,
    ],
    // type-graphql asks for a pub/sub once a schema has subscriptions; `linkEvents` brings its own
    // source (`subscribe`: the events hub of the gateway that serves it), so this one stays idle.
    pubSub: createPubSub(),
    validate: false,
  };
  // The same options: a global middleware given to buildSchema keeps every field's wrapper.
  return applySpeedShortcuts(await buildSchema(options), options);
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
