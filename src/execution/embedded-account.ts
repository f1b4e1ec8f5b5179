import type { GraphQLObjectType, GraphQLSchema } from "graphql";
import type { Account, AccountData } from "../types/account.type.js";
import type { BareFields } from "./shortcuts.js";

/** Fields whose schema name is their key in AccountData. */
const EMBEDDED_SCALARS = [
  "name",
  "category",
  "currency",
  "number",
  "type",
  "balanceType",
  "currentBalance",
  "availableBalance",
  "publicIdentificationName",
  "publicIdentificationValue",
  "collectedAt",
  "createdAt",
  "lastAccessedAt",
  "creditData",
  "loanData",
  "fundsData",
  "receivablesData",
] as const satisfies readonly (keyof AccountData)[];

/**
 * Serves an embedded field straight from the account, ahead of type-graphql's resolver
 * (which decodes parameters and runs middlewares for every field of every balance).
 * Must not break: a field Belvo left out still goes through AccountResolver, and so through the
 * loader (one batched call); a field with a middleware or roles (not bare) is left alone.
 */
export function serveEmbeddedAccountFields(schema: GraphQLSchema, bare: BareFields): void {
  const fields = (schema.getType("Account") as GraphQLObjectType).getFields();
  for (const key of EMBEDDED_SCALARS) {
    const field = fields[key];
    const resolve = field?.resolve;
    if (!field || !resolve || !bare.has(`Account.${key}`)) continue;
    field.resolve = (root: Account, args, context, info) => {
      const embedded = root.data[key];
      return embedded !== undefined ? embedded : resolve(root, args, context, info);
    };
  }
}
