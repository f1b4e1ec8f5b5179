/** Documents of fragments, for the document checks and the HTTP fuzz: fan-outs, cycles, graphs. */
import fc from "fast-check";

/** Where a fragment graph hangs: a data field, or the two introspection roots. */
export const ROOTS = [
  { root: "institutions", type: "Institution", leaf: "name" },
  { root: "__schema", type: "__Schema", leaf: "description" },
  { root: '__type(name: "Link")', type: "__Type", leaf: "name" },
] as const;
export type Root = (typeof ROOTS)[number];

/** `depth` fragments on `type`, each spreading the next `fanOut` times; the last selects `leaf`. */
export function chain(
  depth: number,
  fanOut: number,
  { type, leaf }: Root,
  aliased = false,
): string {
  return Array.from({ length: depth }, (_, i) => {
    const body =
      i === depth - 1
        ? aliased
          ? `n: ${leaf}`
          : leaf
        : Array.from({ length: fanOut }, () => `...F${i + 1}`).join(" ");
    return `fragment F${i} on ${type} { ${body} }`;
  }).join(" ");
}

/**
 * `spreads[i][j]`: how many times fragment i spreads fragment j (any j: cycles too); the
 * operation spreads F0 when `used`, so the fragments hang unused otherwise.
 */
export function fragmentGraph(
  spreads: number[][],
  on: Root,
  inline: boolean,
  used: boolean,
): string {
  const fragments = spreads.map((row, i) => {
    const body = row.map((times, j) => `...F${j} `.repeat(times)).join("");
    const wrapped = inline ? `... on ${on.type} { ${on.leaf} ${body} }` : body;
    return `fragment F${i} on ${on.type} { ${on.leaf} ${wrapped} }`;
  });
  const operation = used
    ? `query { ${on.root} { ...F0 } }`
    : `query { __typename } fragment X on Query { ${on.root} { ...F0 } }`;
  return `${operation} ${fragments.join(" ")}`;
}

export function fanOut(depth: number, width: number, aliased = false, on: Root = ROOTS[0]): string {
  return `query { ${on.root} { ...F0 } } ${chain(depth, width, on, aliased)}`;
}

/** The same fan-out in a fragment no operation uses. */
export function unusedFanOut(depth: number, width: number, on: Root): string {
  return `query { __typename } fragment X on Query { ${on.root} { ...F0 } } ${chain(depth, width, on)}`;
}

/**
 * A used cycle: Z(i) spreads Z(i-1) once and Z(i+1) `width` times; the operation enters at the
 * top, then at Z0. Counted once per fragment, the cycle costs little; walked path by path (as
 * graphql's MaxIntrospectionDepthRule does), it fans out `width` times per fragment.
 */
export function cycle(depth: number, width: number, { root, type, leaf }: Root): string {
  const fragments = Array.from({ length: depth }, (_, i) => {
    const down = i === 0 ? leaf : `...Z${i - 1}`;
    const up = i === depth - 1 ? "" : `...Z${i + 1} `.repeat(width);
    return `fragment Z${i} on ${type} { ${down} ${up}}`;
  });
  return `query { ${root} { ...Z${depth - 1} ...Z0 } } ${fragments.join(" ")}`;
}

/** Any graph of up to 10 fragments (each spreading any, up to 8 times), under any root, used or not. */
export const fragmentGraphs = fc
  .integer({ min: 1, max: 10 })
  .chain((count) =>
    fc.array(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: count, maxLength: count }), {
      minLength: count,
      maxLength: count,
    }),
  )
  .chain((spreads) =>
    fc
      .tuple(fc.constantFrom(...ROOTS), fc.boolean(), fc.boolean())
      .map(([on, inline, used]) => fragmentGraph(spreads, on, inline, used)),
  );

/**
 * The shapes an attacker picks: a fan-out used, unused or in a cycle, 6 to 10 deep and 4 to 8
 * wide (unbiased: the deep ones are what a stalled walk needs), under any root.
 */
export const fragmentAttacks = fc
  .tuple(
    fc.noBias(fc.integer({ min: 6, max: 10 })),
    fc.noBias(fc.integer({ min: 4, max: 8 })),
    fc.constantFrom(...ROOTS),
    fc.constantFrom(
      (depth: number, width: number, on: Root) => fanOut(depth, width, false, on),
      unusedFanOut,
      cycle,
    ),
  )
  .map(([depth, width, on, shape]) => shape(depth, width, on));
