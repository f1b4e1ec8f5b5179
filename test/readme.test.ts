/**
 * The documentation's examples are executable: every request marked `<!-- example -->` (a
 * ```graphql block, or none to reuse the previous one, then its ```json variables, then the ```json
 * answer) in README.md and docs/*.md runs against the emulator in order (README.md first, then
 * docs/ by name), as a reader following it verbatim would. Values the reader
 * copies from an earlier answer (a session, a link id) are replaced by the ones this run got.
 * Each answer must have the printed one's shape: the same keys, the same JSON types, and the same
 * values where they are not volatile (`__typename`, codes, statuses).
 */
import { useGateway } from "./helpers/kit.js";
import { postGraphQL } from "./helpers/graphql.js";
import { documentation, type MarkdownFile } from "./helpers/markdown.js";

const MARKER = "<!-- example -->";
/** Keys whose values are part of the contract, not of one run. */
const EXACT = new Set([
  "__typename",
  "code",
  "field",
  "status",
  "type",
  "expectsUserInput",
  "saved",
]);

interface Example {
  /** The file and line of the marker, for the test's name. */
  where: string;
  query: string;
  variables: Record<string, unknown>;
  answer: unknown;
}

/** The fenced blocks after each marker, up to the next marker or heading. */
function examples({ name, text: markdown }: MarkdownFile): Example[] {
  const found: Example[] = [];
  let query = "";
  const parts = markdown.split(MARKER).slice(1);
  let line = markdown.split(MARKER)[0]!.split("\n").length;
  for (const part of parts) {
    const section = part.split(/\n#{1,6} /)[0]!;
    const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({
      lang: lang!,
      body: body!,
    }));
    if (blocks[0]?.lang === "graphql") query = blocks.shift()!.body;
    const [variables, answer] = blocks;
    if (!query || variables?.lang !== "json" || answer?.lang !== "json") {
      throw new Error(
        `${name} line ${line}: an example needs graphql?, json variables, json answer`,
      );
    }
    found.push({
      where: `${name} line ${line}`,
      query,
      variables: JSON.parse(variables.body) as Record<string, unknown>,
      answer: JSON.parse(answer.body) as unknown,
    });
    line += part.split("\n").length - 1;
  }
  return found;
}

const typeOf = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

/** Where `actual` differs in shape from `printed`; records the values the reader copies. */
function compare(printed: unknown, actual: unknown, path: string, copied: Map<string, string>) {
  const problems: string[] = [];
  if (typeOf(printed) !== typeOf(actual)) {
    return [`${path}: printed ${typeOf(printed)}, got ${typeOf(actual)}`];
  }
  if (Array.isArray(printed) && Array.isArray(actual)) {
    if (printed.length > 0 && actual.length === 0) problems.push(`${path}: got an empty list`);
    for (const [index, item] of actual.entries()) {
      problems.push(
        ...compare(printed[Math.min(index, printed.length - 1)], item, `${path}[${index}]`, copied),
      );
    }
    return problems;
  }
  if (typeOf(printed) === "object") {
    const p = printed as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = (o: object) => Object.keys(o).sort().join(", ");
    if (keys(p) !== keys(a)) problems.push(`${path}: printed keys ${keys(p)}, got ${keys(a)}`);
    for (const key of Object.keys(p)) {
      if (!(key in a)) continue;
      if (EXACT.has(key) && typeOf(p[key]) !== "object" && p[key] !== a[key]) {
        problems.push(
          `${path}.${key}: printed ${JSON.stringify(p[key])}, got ${JSON.stringify(a[key])}`,
        );
      }
      problems.push(...compare(p[key], a[key], `${path}.${key}`, copied));
    }
    return problems;
  }
  if (typeof printed === "string" && typeof actual === "string" && printed !== actual) {
    copied.set(printed, actual);
  }
  return problems;
}

/** The reader's variables, with each value copied from an earlier answer replaced by this run's. */
function substitute(value: unknown, copied: Map<string, string>): unknown {
  if (typeof value === "string") return copied.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, copied));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, copied)]),
    );
  }
  return value;
}

const FILES = documentation();
const EXAMPLES = FILES.flatMap((file) => examples(file));

describe("the documentation's requests, run in order against the emulator", () => {
  const kit = useGateway({ upstream: "emulator", now: () => new Date() });
  const copied = new Map<string, string>();

  it("finds the flow's examples, and every request the documentation shows is one of them", () => {
    // An unmarked ```graphql block would be a request no test runs, in whichever file it is.
    const count = (pattern: RegExp) =>
      FILES.reduce((sum, file) => sum + (file.text.match(pattern)?.length ?? 0), 0);
    const requests = count(/^[ \t]*```graphql\b/gm);
    const marked = count(new RegExp(`${MARKER}\\s*\`\`\`graphql\\b`, "g"));
    expect({ requests, marked }).toEqual({ requests, marked: requests });
    expect(requests).toBeGreaterThanOrEqual(6);
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(requests);
    // The MFA flow itself stays in the README, where a newcomer follows it.
    expect(
      EXAMPLES.filter(({ where }) => where.startsWith("README.md ")).length,
    ).toBeGreaterThanOrEqual(5);
  });

  it.each(EXAMPLES.map((example) => [example.where, example] as const))(
    "%s answers as printed",
    async (_line, example) => {
      const variables = substitute(example.variables, copied) as Record<string, unknown>;
      const { body } = await postGraphQL(kit.url, example.query, variables);
      const problems = compare(example.answer, body, "answer", copied);
      expect({ problems, answer: problems.length ? body : "as printed" }).toEqual({
        problems: [],
        answer: "as printed",
      });
    },
  );
});
