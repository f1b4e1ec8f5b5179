/**
 * The upstream cost of an operation: how many requests it can make Belvo receive, estimated from
 * the document alone before anything runs, and refused over the budget (`MAX_UPSTREAM_COST`).
 * Belvo allows 80 requests per 30 s per gateway address, for every user of the gateway together,
 * so one document must not be able to spend that on its own (20 aliased retrievals, 20 aliased
 * `link(id:)`).
 *
 * What counts (docs/security.md, "Upstream cost budget", says the same for operators):
 * - A root query field calls Belvo: a GET, tried up to 3 times, costs READ_COST (3), the requests
 *   it may send. A list read (`balances`, `institutions`) is one GET per page of 1,000 (Belvo's
 *   largest, which the gateway asks for): its first page is counted, further pages show in the
 *   requests actually sent.
 * - A connection (`links`, `accounts`, `transactions`, `owners`) reads one page: `first` items,
 *   at most 1,000, Belvo's largest page, so one GET (READ_COST). With `after` it may read two: a
 *   cursor from a walk with another `first`, or an edge's cursor mid-page, may start a window
 *   that no single Belvo page holds (src/upstream/pages.ts `planPages`), so it counts two reads.
 *   A connection never follows `next` by itself: each page is its own operation.
 * - A mutation is a write (POST/PATCH: a bank scrape, minutes long, never retried): WRITE_COST.
 *   A resume may look its link up after MFA_SESSION_EXPIRED: one read more.
 * - A field loaded lazily through a DataLoader (an account's absent fields, an institution's
 *   details, `Account.link`, `Link.accounts`) costs one read per selection: every object that
 *   selection applies to (one, or every item of a list, whatever its length) loads in one batch
 *   of up to 100 distinct keys (MAX_KEYS_PER_LIST), the accounts, links or institutions the items
 *   refer to, not the items themselves. So a list's length multiplies no cost.
 * - Every alias counts, every fragment spread counts its fragment again, inline fragments count,
 *   and `@skip`/`@include` count as included: the cost is the document's, whatever the variables,
 *   so it is worked out once per operation node (Apollo keeps parsed documents) and cached.
 *
 * Why a walk of its own rather than graphql-query-complexity: that library coerces every argument
 * and directive against the request's variables, so its count is per request, not per document;
 * it gives up (throws) when a variable does not coerce; and its estimators add up field by field,
 * where a DataLoader batch costs once for a whole selection. test/cost.test.ts checks that the two
 * agree wherever no batch is involved. The walk is linear in the document: each fragment is worked
 * out once and its count reused at each spread.
 */
import type { GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import {
  Kind,
  OperationTypeNode,
  getNamedType,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Context } from "../context.js";
import { ERRORS, ErrorCode, GatewayError } from "../errors.js";

/** A GET: tried up to 3 times (src/upstream/belvo-http.ts MAX_GET_ATTEMPTS). */
export const READ_COST = 3;
/** A POST/PATCH: sent once, but a scrape of the user's bank, far heavier than any read. */
const WRITE_COST = 10;

/** Root query fields the gateway serves itself (its kept events): no Belvo call. */
const GATEWAY_OWN = new Set(["linkEvents"]);

/** Root query fields whose items come whole from their own call: nothing of theirs loads lazily. */
const WHOLE_ITEMS = new Set(["Query.institutions"]);

const NONE: readonly string[] = [];
const ACCOUNT = ["account"];
/** `Account.link` reads the account (when its link id is absent), then loads the link. */
const ACCOUNT_LINK = ["account", "link"];
const INSTITUTION = ["institution"];
const ACCOUNTS_OF_LINK = ["accountsOfLink"];
const LINK = ["link"];

/** Root fields that read one page of a saved list (src/resolvers/saved-data.resolver.ts). */
const CONNECTIONS = new Set(["links", "accounts", "transactions", "owners"]);

/**
 * The GETs a root query field sends: a connection given `after` (a literal cursor or a
 * variable; a literal null is none) may need two pages, any other read one.
 */
function readsOf(field: FieldNode): number {
  if (!CONNECTIONS.has(field.name.value)) return 1;
  const after = field.arguments?.find((argument) => argument.name.value === "after");
  return after === undefined || after.value.kind === Kind.NULL ? 1 : 2;
}

/**
 * The DataLoaders (src/loaders.ts) a field of `type` loads through: the fields of one selection
 * that share a loader share its batches.
 */
function loadersOf(type: string, field: string, whole: boolean): readonly string[] {
  if (whole) return NONE;
  switch (type) {
    case "Account":
      // Every field but the id is served from Belvo's embedded object, or loaded when absent.
      if (field === "link") return ACCOUNT_LINK;
      return field === "id" ? NONE : ACCOUNT;
    case "Institution":
      // Every field but the name is served from the institutions list, or loaded when absent.
      return field === "name" ? NONE : INSTITUTION;
    case "Link":
      return field === "accounts" ? ACCOUNTS_OF_LINK : NONE;
    case "Owner":
      return field === "link" ? LINK : NONE;
    default:
      return NONE;
  }
}

/** What a root field costs itself: a read (or two), a write, or a write that may read its link after. */
function rootCost(operation: OperationDefinitionNode["operation"], node: FieldNode): number {
  const field = node.name.value;
  if (field.startsWith("__") || GATEWAY_OWN.has(field)) return 0;
  if (operation === OperationTypeNode.QUERY) return READ_COST * readsOf(node);
  if (operation === OperationTypeNode.MUTATION)
    return field.startsWith("resume") ? WRITE_COST + READ_COST : WRITE_COST;
  // A subscription is served from the gateway's own events.
  return 0;
}

/** One level of a selection: the calls of the fields below it, and the loaders it uses. */
interface Level {
  nested: number;
  loaders: Set<string>;
}

/** Works out one operation; each fragment once per place it can stand (root, whole items or not). */
class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly known = new Map<string, Level>();
  private readonly active = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        this.fragments.set(definition.name.value, definition);
      }
    }
  }

  total(): number {
    const root = this.schema.getRootType(this.operation.operation);
    if (!root) return 0;
    const level = this.level(this.operation.selectionSet, root, false, true);
    return level.nested + level.loaders.size * READ_COST;
  }

  /**
   * The fields of one selection set on `type`, fragments merged in as GraphQL merges them. The
   * objects it selects on (one, or every item of a list) load together: one batch per loader.
   */
  private level(
    set: SelectionSetNode,
    type: GraphQLNamedType,
    whole: boolean,
    root = false,
  ): Level {
    const level: Level = { nested: 0, loaders: new Set() };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        this.field(level, selection, type, whole, root);
        continue;
      }
      const condition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition : null;
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? this.level(
              selection.selectionSet,
              this.typeNamed(condition?.name.value, type),
              whole,
              root,
            )
          : this.spread(selection.name.value, whole, root);
      level.nested += inner.nested;
      for (const loader of inner.loaders) level.loaders.add(loader);
    }
    return level;
  }

  private field(
    level: Level,
    node: FieldNode,
    type: GraphQLNamedType,
    whole: boolean,
    root: boolean,
  ): void {
    const name = node.name.value;
    const set = node.selectionSet;
    if (root) level.nested += rootCost(this.operation.operation, node);
    if (name.startsWith("__")) return;
    const field = fieldOf(type, name);
    if (!field) return;
    for (const loader of loadersOf(type.name, name, whole)) level.loaders.add(loader);
    if (!set) return;
    const wholeItems = root && WHOLE_ITEMS.has(`${type.name}.${name}`);
    const child = this.level(set, getNamedType(field.type), wholeItems);
    level.nested += child.nested + child.loaders.size * READ_COST;
  }

  private spread(name: string, whole: boolean, root: boolean): Level {
    const key = `${name}\u0000${whole}\u0000${root}`;
    const known = this.known.get(key);
    if (known) return known;
    const fragment = this.fragments.get(name);
    // A cycle is refused by validation (NoFragmentCycles) before any walk; never followed here.
    if (!fragment || this.active.has(name)) return { nested: 0, loaders: new Set() };
    this.active.add(name);
    const type = this.typeNamed(fragment.typeCondition.name.value, undefined);
    const level = type
      ? this.level(fragment.selectionSet, type, whole, root)
      : { nested: 0, loaders: new Set<string>() };
    this.active.delete(name);
    this.known.set(key, level);
    return level;
  }

  private typeNamed(name: string | undefined, fallback: GraphQLNamedType): GraphQLNamedType;
  private typeNamed(
    name: string | undefined,
    fallback: GraphQLNamedType | undefined,
  ): GraphQLNamedType | undefined;
  private typeNamed(name: string | undefined, fallback: GraphQLNamedType | undefined) {
    return (name === undefined ? undefined : this.schema.getType(name)) ?? fallback;
  }
}

function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** Apollo keeps each parsed document, so one operation node is seen again and again. */
const COSTS = new WeakMap<OperationDefinitionNode, number>();

/** The upstream cost of `operation` (of `document`), worked out once per operation node. */
export function upstreamCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): number {
  let cost = COSTS.get(operation);
  if (cost === undefined) {
    cost = new CostWalk(schema, document, operation).total();
    COSTS.set(operation, cost);
  }
  return cost;
}

/** HTTP 400: the document could make more Belvo requests than one operation may. */
export class QueryTooCostly extends GatewayError {
  constructor(cost: number, limit: number) {
    super(
      `The operation could cost Belvo ${cost} (a read counts ${READ_COST}, its attempts; a write ${WRITE_COST}); one operation may cost ${limit} (MAX_UPSTREAM_COST). Split it into several operations.`,
      ErrorCode.QueryTooCostly,
      {
        cost,
        limit,
        http: { status: ERRORS[ErrorCode.QueryTooCostly].status, headers: new HeaderMap() },
      },
    );
  }
}

/**
 * Refuses an operation over the budget once Apollo has resolved it, before any execution
 * (graphql-jit or graphql-js alike), and notes the estimate for the operation's log line: Apollo's
 * `didResolveOperation`, from src/request-listener.ts. Returns the refusal, if any.
 */
export function checkUpstreamCost(
  limit: number,
  { schema, document, operation, contextValue }: GraphQLRequestContextDidResolveOperation<Context>,
): QueryTooCostly | undefined {
  if (!operation) return undefined;
  const cost = upstreamCost(schema, document, operation);
  contextValue.upstreamCost = cost;
  return cost > limit ? new QueryTooCostly(cost, limit) : undefined;
}
