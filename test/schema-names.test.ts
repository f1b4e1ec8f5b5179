/**
 * Every name of schema.graphql is written out in src/: a grep for `resumeBalances` or
 * `RetrieveAccountsInput` finds where it is declared, not a template string that builds it.
 * Comments are stripped first (by TypeScript's own scanner), so a name only mentioned in a
 * comment does not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSchema, isEnumType, isInputObjectType, isObjectType, isUnionType } from "graphql";
import ts from "typescript";

const SRC = resolve("src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The file's text without its comments (strings and template strings are kept as written). */
function withoutComments(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard);
  scanner.setText(text);
  const kept: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const comment =
      token === ts.SyntaxKind.SingleLineCommentTrivia ||
      token === ts.SyntaxKind.MultiLineCommentTrivia;
    kept.push(comment ? " " : scanner.getTokenText());
  }
  return kept.join("");
}

/** The names a reader of schema.graphql would grep for: types, inputs, unions, enums, operations. */
function schemaNames(): string[] {
  const schema = buildSchema(readFileSync(resolve("schema.graphql"), "utf8"));
  const names: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (
      type.name.startsWith("__") ||
      ["String", "Boolean", "Int", "Float", "ID"].includes(type.name)
    )
      continue;
    names.push(type.name);
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    names.push(...Object.keys(root?.getFields() ?? {}));
  }
  return names;
}

const CODE = sourceFiles(SRC)
  .map((file) => withoutComments(readFileSync(file, "utf8")))
  .join("\n");

it("strips comments but keeps strings and code", () => {
  const stripped = withoutComments(
    '// resumeFoo\n/** RetrieveFooInput */ const url = "https://x/"; // trailing\nclass Foo {}',
  );
  expect(stripped).not.toMatch(/resumeFoo|RetrieveFooInput|trailing/);
  expect(stripped).toContain('"https://x/"');
  expect(stripped).toContain("class Foo {}");
});

it("reads the schema's names (types, inputs, unions, enums, Query and Mutation fields)", () => {
  const names = schemaNames();
  expect(names).toEqual(
    expect.arrayContaining([
      "Account",
      "RetrieveAccountsInput",
      "ResumeOwnersResult",
      "LinkStatus",
    ]),
  );
  expect(names).toEqual(expect.arrayContaining(["resumeBalances", "institutions", "registerLink"]));
  const schema = buildSchema(readFileSync(resolve("schema.graphql"), "utf8"));
  const kinds = Object.values(schema.getTypeMap());
  expect(kinds.filter(isUnionType).length).toBeGreaterThanOrEqual(10);
  expect(kinds.filter(isInputObjectType).length).toBeGreaterThanOrEqual(10);
  expect(kinds.filter(isEnumType).length).toBeGreaterThanOrEqual(4);
  expect(kinds.filter(isObjectType).length).toBeGreaterThan(20);
});

it("every name of schema.graphql is written out in src/, outside comments", () => {
  const missing = schemaNames().filter((name) => !new RegExp(`\\b${name}\\b`).test(CODE));
  expect(missing).toEqual([]);
});
