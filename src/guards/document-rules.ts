/** Validation rules that bound what one GraphQL document may ask, checked before execution. */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  /** Field selections in the operation, fragments expanded. */
  maxCost: number;
}

/** Root fields that send an MFA token or bank credentials upstream. */
const SECRET_FIELDS = new Set(["registerLink", "resumeLink", "resumeBalances"]);

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  secretFields: number;
}

function measure(context: ValidationContext, operation: OperationDefinitionNode): Measure {
  const result: Measure = { depth: 0, aliases: 0, cost: 0, secretFields: 0 };
  const walk = (set: SelectionSetNode, depth: number, fragments: ReadonlySet<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection is bounded by the schema, and off in production.
        if (selection.name.value.startsWith("__")) continue;
        result.cost++;
        if (selection.alias) result.aliases++;
        if (
          depth === 1 &&
          operation.operation === OperationTypeNode.MUTATION &&
          SECRET_FIELDS.has(selection.name.value)
        ) {
          result.secretFields++;
        }
        result.depth = Math.max(result.depth, depth);
        if (selection.selectionSet) walk(selection.selectionSet, depth + 1, fragments);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, fragments);
      } else {
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        // A cycle is reported by graphql's own NoFragmentCycles rule.
        if (fragment && !fragments.has(name))
          walk(fragment.selectionSet, depth, new Set([...fragments, name]));
      }
    }
  };
  walk(operation.selectionSet, 1, new Set());
  return result;
}

export function documentRules(limits: DocumentLimits): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const { depth, aliases, cost, secretFields } = measure(context, operation);
      const refuse = (message: string) =>
        context.reportError(new GraphQLError(message, { nodes: [operation] }));
      if (depth > limits.maxDepth)
        refuse(`The operation is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`);
      if (aliases > limits.maxAliases)
        refuse(`The operation uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`);
      if (cost > limits.maxCost)
        refuse(`The operation selects ${cost} fields; at most ${limits.maxCost} are allowed.`);
      if (secretFields > 1) {
        refuse(
          `The operation sends ${secretFields} tokens or credentials (registerLink, resumeLink, resumeBalances); send one per operation.`,
        );
      }
    },
  });
}
