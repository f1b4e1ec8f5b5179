/**
 * The README stays what a newcomer reads first (at most 450 lines; the rest is in docs/), and
 * moving text between them cannot leave a dead link: every relative link of README.md and
 * docs/*.md names a file that exists and, with a `#anchor`, a heading of that file (GitHub's
 * slugs, as github-slugger makes them).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "../src/errors.js";
import { ROOT, anchors, deadLinks, documentation } from "./helpers/markdown.js";

const FILES = documentation();

it("the README is at most 450 lines, and docs/ holds one page a topic", () => {
  const readme = FILES.find((file) => file.name === "README.md")!;
  expect(readme.text.split("\n").length - 1).toBeLessThanOrEqual(450);
  expect(FILES.map((file) => file.name)).toEqual(
    expect.arrayContaining([
      "docs/errors.md",
      "docs/idempotency.md",
      "docs/operations.md",
      "docs/performance.md",
      "docs/tracing.md",
      "docs/emulator.md",
    ]),
  );
});

/**
 * The names src/config.ts reads from the environment: the string literals in the shape of an
 * environment variable (config.ts is the only module that reads process.env, and it names each
 * setting once as such a literal, in `read(env, "NAME")` or in a list it loops over).
 */
function settingsRead(): string[] {
  const source = readFileSync(join(ROOT, "src/config.ts"), "utf8");
  return [
    ...new Set(
      [...source.matchAll(/"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})"/g)].map(([, name]) => name!),
    ),
  ].sort();
}

/** The names in the first column of README's Settings table. */
function settingsDocumented(readme: string): Set<string> {
  const section = readme.split(/^## Settings$/m)[1]!.split(/^## /m)[0]!;
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return new Set(
    rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`(\w+)`/g)].map(([, name]) => name!)),
  );
}

it("README's Settings table lists every setting src/config.ts reads", () => {
  const readme = FILES.find((file) => file.name === "README.md")!;
  const documented = settingsDocumented(readme.text);
  const read = settingsRead();
  expect(read).toEqual(expect.arrayContaining(["ALLOWED_HOSTS", "BELVO_URL", "PORT"]));
  expect(read.filter((name) => !documented.has(name))).toEqual([]);
});

it("docs/errors.md names every error code, each in its errors table or its refusal paragraph", () => {
  const errors = FILES.find((file) => file.name === "docs/errors.md")!.text;
  const tableRows = new Set([...errors.matchAll(/^\| `([A-Z_]+)`/gm)].map(([, code]) => code!));
  const refusals = errors
    .split("HTTP-level refusals use the same error shape")[1]!
    .split("\n\n")[0]!;
  const undocumented = Object.values(ErrorCode).filter(
    (code) => !tableRows.has(code) && !refusals.includes(`\`${code}\``),
  );
  expect(undocumented).toEqual([]);
  const today = [
    "MISDIRECTED_REQUEST",
    "QUERY_TOO_COSTLY",
    "IDEMPOTENCY_ANSWER_NOT_KEPT",
    "NOT_ACCEPTABLE",
    "METHOD_NOT_ALLOWED",
  ];
  expect(today.filter((code) => !tableRows.has(code) || !refusals.includes(`\`${code}\``))).toEqual(
    [],
  );
});

it.each(FILES.map((file) => [file.name, file] as const))(
  "every relative link of %s reaches a file and a heading",
  (_name, file) => {
    expect(deadLinks(file)).toEqual([]);
  },
);

it("the README links to every page of docs/", () => {
  const readme = FILES.find((file) => file.name === "README.md")!;
  const pages = FILES.filter((file) => file.name !== "README.md").map((file) => file.name);
  expect(pages.filter((page) => !readme.text.includes(`](${page}`))).toEqual([]);
});

describe("the link check itself", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "docs-links-"));
    mkdirSync(join(root, "docs"));
    writeFileSync(join(root, "schema.graphql"), "type Query { a: Int }\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("names GitHub's anchors: punctuation dropped, code spans kept, repeats numbered", () => {
    const text = [
      "# Tracing (OpenTelemetry)",
      "## GET and cross-site requests",
      "## The `Idempotency-Key` header",
      "## Notes",
      "## Notes",
      "```sh",
      "# not a heading",
      "```",
    ].join("\n");
    expect([...anchors(text)]).toEqual([
      "tracing-opentelemetry",
      "get-and-cross-site-requests",
      "the-idempotency-key-header",
      "notes",
      "notes-1",
    ]);
  });

  it("finds a missing file, a missing heading, in this file or another, and nothing in code", () => {
    writeFileSync(join(root, "docs/a.md"), "# A page\n\n## Store keys\n");
    const readme = {
      name: "README.md",
      text: [
        "# Title",
        "[ok](docs/a.md#store-keys) [ok](#title) [ok](schema.graphql) [web](https://belvo.com)",
        "[gone](docs/b.md) [no heading](docs/a.md#host-names) [here](#nowhere)",
        "`[in code](docs/c.md)`",
        "```md",
        "[in a block](docs/d.md)",
        "```",
      ].join("\n"),
    };
    writeFileSync(join(root, "README.md"), readme.text);
    const page = { name: "docs/a.md", text: "[up](../README.md#title) [up](../README.md#gone)" };
    expect({ readme: deadLinks(readme, root), page: deadLinks(page, root) }).toEqual({
      readme: [
        "docs/b.md: no file docs/b.md",
        "docs/a.md#host-names: no heading #host-names in docs/a.md",
        "#nowhere: no heading #nowhere in README.md",
      ],
      page: ["../README.md#gone: no heading #gone in README.md"],
    });
  });
});
