/**
 * What one GraphQL document may ask, checked before execution. Depth, aliases, cost, directives
 * and field suggestions are graphql-armor's (each of its rules walks a fragment once and reuses
 * the result at every further spread, so it runs in time linear in the document's size, whatever
 * the fragments); tokens are graphql's own parser limit (`parseOptions.maxTokens`). The rule
 * specific to Belvo, one token or set of credentials per operation, is the gateway's own, linear
 * as well. Introspection is bounded like any other selection.
 */
import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContextValidationDidStart,
  GraphQLRequestContextWillSendResponse,
} from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLArmorRejectCallback } from "@escape.tech/graphql-armor-types";
import {
  GraphQLError,
  Kind,
  NoFragmentCyclesRule,
  NoUnusedFragmentsRule,
  getNamedType,
  isInputObjectType,
  type GraphQLSchema,
  OperationTypeNode,
  validate,
  type DocumentNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  /** Selections in the operation, fragments expanded (each field, spread and fragment counts 1). */
  maxCost: number;
  maxDirectives: number;
}

/** Input fields that carry a user's secret upstream: a mutation taking one sends a secret. */
const SECRET_INPUT_FIELDS = ["token", "password", "password2", "privateKey"];

const secretFieldsBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/**
 * The mutations that send an MFA token or bank credentials upstream, read from the schema (any
 * argument whose input type has a secret field), so a new resume is counted without a list to
 * keep up: registerLink and every resume….
 */
export function secretMutations(schema: GraphQLSchema): ReadonlySet<string> {
  let known = secretFieldsBySchema.get(schema);
  if (known) return known;
  const names = new Set<string>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const carries = field.args.some((arg) => {
      const type = getNamedType(arg.type);
      return (
        isInputObjectType(type) && SECRET_INPUT_FIELDS.some((name) => name in type.getFields())
      );
    });
    if (carries) names.add(field.name);
  }
  secretFieldsBySchema.set(schema, (known = names));
  return known;
}

/**
 * graphql-armor reports "Syntax Error: <what>"; the document parsed, so the prefix goes. No code
 * is set: Apollo answers every validation error with GRAPHQL_VALIDATION_FAILED and HTTP 400.
 */
const report: GraphQLArmorRejectCallback = (context, error) =>
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, "")));

/** Armor's callbacks, so that a refusal is a validation error (HTTP 400), not a thrown one (500). */
const callbacks = () => ({ propagateOnRejection: false, onReject: [report] });

/**
 * Counts the secret root fields of one mutation. Only the root level matters, so the walk follows
 * fragments and inline fragments but never a field's own selections; each fragment is counted once
 * and its count reused at every spread (a cycle counts 0 and graphql's NoFragmentCycles reports it).
 */
export function countSecretFields(context: ValidationContext, set: SelectionSetNode): number {
  const byFragment = new Map<string, number>();
  const secretFields = secretMutations(context.getSchema());
  const count = (selections: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (secretFields.has(selection.name.value)) total++;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += count(selection.selectionSet);
      } else {
        const name = selection.name.value;
        let known = byFragment.get(name);
        if (known === undefined) {
          byFragment.set(name, 0);
          const fragment = context.getFragment(name);
          known = fragment ? count(fragment.selectionSet) : 0;
          byFragment.set(name, known);
        }
        total += known;
      }
    }
    return total;
  };
  return count(set);
}

export const oneSecretPerOperation: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (operation.operation !== OperationTypeNode.MUTATION) return;
    const secretFields = countSecretFields(context, operation.selectionSet);
    if (secretFields > 1) {
      context.reportError(
        new GraphQLError(
          `The operation sends ${secretFields} tokens or credentials (registerLink, resumeLink, resumeBalances, …); send one per operation.`,
          { nodes: [operation] },
        ),
      );
    }
  },
});

export interface DocumentGuards {
  /** The checks, each linear in the document's size; `checksFirst` runs them. */
  rules: ValidationRule[];
  /** For Apollo's `validationRules`: reports what `checksFirst` refused. */
  validationRules: ValidationRule[];
  /** graphql-armor's own Apollo plugins (none with the options below). */
  plugins: ApolloServerPlugin[];
  /** Apollo's `validationDidStart`: runs `rules` before graphql's own (see `runChecksFirst`). */
  checksFirst: (requestContext: GraphQLRequestContextValidationDidStart<BaseContext>) => void;
  /** Apollo's `willSendResponse` in production (null elsewhere): suggestions hidden. */
  hideSuggestions:
    ((requestContext: GraphQLRequestContextWillSendResponse<BaseContext>) => void) | null;
}

/** A stand-in document (empty) and what the checks found in the document it replaced. */
const refusals = new WeakMap<DocumentNode, readonly GraphQLError[]>();

const reportRefusals: ValidationRule = (context) => ({
  Document(document) {
    for (const error of refusals.get(document) ?? []) context.reportError(error);
  },
});

/**
 * Runs the checks before graphql's own rules see the document, and hands those an empty document
 * when the checks refuse it. Some of graphql's own rules are not linear: MaxIntrospectionDepthRule
 * walks a fragment again at every spread under `__schema` or `__type` (it runs even where
 * introspection is off): 9 fragments spreading the next 8 times (675 bytes) took 0.8 s, every further
 * fragment 8 times more. It walks every fragment of the document, used or not, and follows a cycle
 * along every path that does not repeat a fragment, where graphql-armor's cost counts a fragment
 * once (a spread back into a fragment still being counted costs 0): a 904-byte cycle of 11
 * fragments within MAX_COST took 75 s. So unused fragments and cycles are refused here first; a
 * document without either, within MAX_COST, gives such a walk at most MAX_COST selections.
 */
function runChecksFirst(
  rules: readonly ValidationRule[],
  requestContext: GraphQLRequestContextValidationDidStart<BaseContext>,
): void {
  // Runs only for documents Apollo has not validated before (Apollo's `validationDidStart`).
  const errors = validate(requestContext.schema, requestContext.document, rules);
  if (errors.length > 0) {
    const standIn: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };
    refusals.set(standIn, errors);
    // Apollo validates `requestContext.document` once this hook returns.
    (requestContext as { document: DocumentNode }).document = standIn;
  }
}

/**
 * Hides graphql's field suggestions ("Did you mean …", armor's mask) in the answer, building new
 * error objects: an error's own message may be read-only (graphql-jit's located errors).
 */
function hideSuggestions({ response }: GraphQLRequestContextWillSendResponse<BaseContext>): void {
  const result = response.body.kind === "single" ? response.body.singleResult : undefined;
  if (result?.errors) {
    result.errors = result.errors.map((error) => ({
      ...error,
      message: error.message.replace(/Did you mean ".+"/g, "[Suggestion hidden]"),
    }));
  }
}

export function documentGuards(limits: DocumentLimits, production: boolean): DocumentGuards {
  const armor = new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      ignoreIntrospection: false,
      flattenFragments: true,
      ...callbacks(),
    },
    maxAliases: { n: limits.maxAliases, allowList: [], ...callbacks() },
    // Every selection costs 1 whatever its depth: MAX_COST counts selections, fragments expanded.
    costLimit: {
      maxCost: limits.maxCost,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ignoreIntrospection: false,
      ...callbacks(),
    },
    maxDirectives: { n: limits.maxDirectives, ...callbacks() },
    // graphql's parser counts the same tokens once, as it parses; armor's would parse again.
    maxTokens: { enabled: false },
    // Armor's own masking assigns to each error's message, which graphql-jit's errors do not
    // allow: every resolver error in production was answered 500. `hideSuggestions` instead.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  // graphql's own rules walk fragments no operation uses, and walk cycles path by path: those
  // two are refused first (both linear), so that what graphql's rules walk is what MAX_COST counts.
  const rules = [
    NoUnusedFragmentsRule,
    NoFragmentCyclesRule,
    ...armor.validationRules,
    oneSecretPerOperation,
  ];
  return {
    rules,
    validationRules: [reportRefusals],
    // graphql-armor ships CommonJS and types against Apollo's CommonJS build, this project loads
    // the ESM build: the same plugin interface, declared twice.
    plugins: armor.plugins as unknown as ApolloServerPlugin[],
    checksFirst: (requestContext) => runChecksFirst(rules, requestContext),
    // Outside production the schema is open to introspection anyway, and suggestions help.
    hideSuggestions: production ? hideSuggestions : null,
  };
}
