/**
 * The document checks run in time linear in the document's size, whatever its fragments: counted
 * as the selections visited (a count, not a time), on fragment fan-outs up to 10 deep, over the
 * whole chain as Apollo runs it: the gateway's rules, then graphql's own when those pass.
 */
import {
  Kind,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import fc from "fast-check";
import { DEFAULT_LIMITS } from "../src/config.js";
import { documentGuards } from "../src/guards/document-rules.js";
import { buildGatewaySchema } from "../src/schema.js";
import { ROOTS, cycle, fanOut, fragmentGraphs, unusedFanOut } from "./helpers/fragments.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

const { rules } = documentGuards(DEFAULT_LIMITS, true);

/**
 * Parses `source` so that every read of a selection's `kind` is counted: a visit. Past `limit`
 * visits a read throws, so that a walk at every spread fails at once instead of stalling.
 */
function instrumented(
  source: string,
  limit: number,
): { document: DocumentNode; visits: () => number } {
  const document = parse(source);
  let visits = 0;
  visit(document, {
    enter(node) {
      if (node.kind === Kind.FIELD || node.kind === Kind.FRAGMENT_SPREAD) {
        const kind = node.kind;
        Object.defineProperty(node, "kind", {
          get: () => {
            if (++visits > limit) throw new Error(`More than ${limit} visits.`);
            return kind;
          },
        });
      }
    },
  });
  return { document, visits: () => visits };
}

/** The gateway's rules, then (as Apollo does when they pass) graphql's specified rules. */
/**
 * What a check may visit: a few times the document, plus MAX_COST selections for graphql's own
 * rules, which walk fragments expanded (within MAX_COST once the gateway's rules pass).
 */
const budget = (source: string) => 4 * (source.length + DEFAULT_LIMITS.maxCost);

function check(source: string): { visits: number; messages: string[] } {
  const { document, visits } = instrumented(source, 100 * budget(source));
  let errors = validate(schema, document, rules);
  if (errors.length === 0) errors = validate(schema, document, specifiedRules);
  return { visits: visits(), messages: errors.map((error) => error.message) };
}

/**
 * Checks the documents `build` makes 1 to 10 fragments deep: each within its budget, a bound
 * linear in the document's size (a walk at every spread multiplies the visits by the fan-out at
 * every further fragment, and leaves it within a few fragments).
 */
function expectLinear(build: (depth: number) => string): string[] {
  const messages: string[] = [];
  for (let depth = 1; depth <= 10; depth++) {
    const source = build(depth);
    const checked = check(source);
    messages.push(...checked.messages);
    // Fails at once rather than stalling when a check walks a fragment at every spread.
    expect(checked.visits).toBeLessThan(budget(source));
  }
  return messages;
}

describe("visits grow linearly with the document's size", () => {
  it.each([2, 4, 8])("fragment fan-out %i, 1 to 10 fragments deep", (width) => {
    expectLinear((depth) => fanOut(depth, width, depth % 2 === 0));
  });

  it.each(ROOTS.map((on) => [on.root, on] as const))(
    "fan-outs under %s: used, unused, and cycles",
    (_root, on) => {
      expectLinear((depth) => fanOut(depth, 8, false, on));
      expect(expectLinear((depth) => unusedFanOut(depth, 8, on))).toContain(
        'Fragment "X" is never used.',
      );
      expect(expectLinear((depth) => cycle(depth, 8, on))).toContain(
        'Cannot spread fragment "Z0" within itself via "Z1".',
      );
    },
  );

  it("on any graph of fragments (each spreading any, up to 8 times, used or not, inline fragments too)", () => {
    fc.assert(
      fc.property(fragmentGraphs, (source) => {
        expect(check(source).visits).toBeLessThan(budget(source));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses the 710-byte document of 9 fragments spreading the next 8 times, counting what it would select", () => {
    const source = fanOut(9, 8);
    expect(source.length).toBeLessThanOrEqual(710);
    const { visits, messages } = check(source);
    expect(visits).toBeLessThan(4 * source.length);
    expect(messages).toEqual([
      expect.stringMatching(/^Query Cost limit of 500 exceeded, found \d+\.$/),
    ]);
  });

  it.each([
    ["an unused fragment under __schema (12 fragments)", unusedFanOut(12, 8, ROOTS[1]), "X"],
    ["a used cycle under __schema (11 fragments)", cycle(11, 8, ROOTS[1]), "Z0"],
  ])("refuses %s at once, before graphql's own rules", (_case, source, name) => {
    expect(source.length).toBeLessThan(1_000);
    const { visits, messages } = check(source);
    expect(visits).toBeLessThan(4 * source.length);
    expect(messages[0]).toMatch(
      new RegExp(`^(Fragment "${name}" is never used|Cannot spread fragment "${name}")`),
    );
  });
});

it("refuses more directives than MAX_DIRECTIVES, fragments expanded", () => {
  const directives = "@include(if: true) ".repeat(26);
  expect(
    check(`{ institutions { ...F ...F } } fragment F on Institution { name ${directives} }`)
      .messages,
  ).toEqual(["Directives limit of 50 exceeded, found 52."]);
});

describe("the secret-field rule", () => {
  it("counts secret fields through fan-out fragments without walking them again", () => {
    const fragments = Array.from(
      { length: 10 },
      (_, i) =>
        `fragment M${i} on Mutation { ${i === 9 ? 'resumeLink(input: {session: "s", link: "l"}) { __typename }' : `...M${i + 1} `.repeat(4)} }`,
    ).join(" ");
    const source = `mutation { ...M0 } ${fragments}`;
    const { visits, messages } = check(source);
    expect(visits).toBeLessThan(4 * source.length);
    expect(messages).toContain(
      "The operation sends 262144 tokens or credentials (registerLink, resumeLink, resumeBalances, …); send one per operation.",
    );
  });
});

describe("introspection is bounded like any other selection", () => {
  it("passes the standard introspection query", () => {
    expect(check(getIntrospectionQuery()).messages).toEqual([]);
  });

  it("refuses an aliased introspection document", () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `s${i}: __schema { types { name } }`);
    expect(check(`{ ${aliases.join(" ")} }`).messages).toContain(
      "Aliases limit of 20 exceeded, found 21.",
    );
    const wide = Array.from({ length: 20 }, (_, i) => `s${i}: __schema { ...Full }`).join(" ");
    const type = "name kind description specifiedByURL";
    const full = `fragment Full on __Schema { types { ${type} enumValues { name description } inputFields { name description } fields { name description type { ${type} ofType { ${type} } } } } }`;
    expect(check(`{ ${wide} } ${full}`).messages).toEqual([
      expect.stringMatching(/^Query Cost limit of 500 exceeded/),
    ]);
  });

  it("refuses introspection deeper than the limit", () => {
    const deep = `{ __schema { types { fields { type { ${"ofType { ".repeat(11)} name ${"} ".repeat(11)} } } } } }`;
    expect(check(deep).messages).toEqual(["Query depth limit of 15 exceeded, found 16."]);
  });
});
