/**
 * The document checks run in time linear in the document's size, whatever its fragments: counted
 * as the selections the checks visit (a count, not a time), on fragment fan-outs up to 10 deep.
 */
import {
  Kind,
  getIntrospectionQuery,
  parse,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import fc from "fast-check";
import { DEFAULT_LIMITS } from "../src/config.js";
import { documentGuards } from "../src/guards/document-rules.js";
import { buildGatewaySchema } from "../src/schema.js";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

const { rules } = documentGuards(DEFAULT_LIMITS, true);

/** `depth` fragments, each spreading the next `fanOut` times; the last selects one field. */
function fanOut(depth: number, fanOut: number, aliased = false): string {
  const fragments = Array.from({ length: depth }, (_, i) => {
    const body =
      i === depth - 1
        ? aliased
          ? "n: name"
          : "name"
        : Array.from({ length: fanOut }, () => `...F${i + 1}`).join(" ");
    return `fragment F${i} on Institution { ${body} }`;
  });
  return `query { institutions { ...F0 } } ${fragments.join(" ")}`;
}

/** Parses `source` so that every read of a selection's `kind` is counted: a visit. */
function instrumented(source: string): { document: DocumentNode; visits: () => number } {
  const document = parse(source);
  let visits = 0;
  visit(document, {
    enter(node) {
      if (node.kind === Kind.FIELD || node.kind === Kind.FRAGMENT_SPREAD) {
        const kind = node.kind;
        Object.defineProperty(node, "kind", {
          get: () => {
            visits++;
            return kind;
          },
        });
      }
    },
  });
  return { document, visits: () => visits };
}

function check(source: string): { visits: number; messages: string[] } {
  const { document, visits } = instrumented(source);
  const messages = validate(schema, document, rules).map((error) => error.message);
  return { visits: visits(), messages };
}

describe("visits grow linearly with the document's size", () => {
  it.each([2, 4, 8])("fragment fan-out %i, 1 to 10 fragments deep", (width) => {
    const ratios: number[] = [];
    for (let depth = 1; depth <= 10; depth++) {
      const source = fanOut(depth, width, depth % 2 === 0);
      const { visits } = check(source);
      ratios.push(visits / source.length);
      // Fails at once rather than stalling when a check walks a fragment at every spread.
      expect(visits).toBeLessThan(4 * source.length);
    }
    expect(Math.max(...ratios)).toBeLessThan(3 * Math.min(...ratios));
  });

  it("on any graph of fragments (each spreading later ones up to 8 times, inline fragments too)", () => {
    const fragment = (count: number) =>
      fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: count, maxLength: count }), {
        minLength: count,
        maxLength: count,
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((count) => fragment(count)),
        fc.boolean(),
        (spreads, inline) => {
          const fragments = spreads.map((row, i) => {
            const body = row
              .slice(i + 1)
              .map((times, j) => `...F${i + 1 + j} `.repeat(times))
              .join("");
            const wrapped = inline ? `... on Institution { displayName ${body} }` : body;
            return `fragment F${i} on Institution { name ${wrapped} }`;
          });
          const source = `query { institutions { ...F0 } } ${fragments.join(" ")}`;
          expect(check(source).visits).toBeLessThan(4 * source.length);
        },
      ),
      { numRuns: 200 },
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
