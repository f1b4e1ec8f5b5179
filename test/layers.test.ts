/**
 * The layers of src/ point one way: no file reaches itself through its imports (type-only ones
 * included, as `farm-studio look` draws them). A cycle found is named file by file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve("src");
/** `… from "./x.js"` and `import "./x.js"`: every static import or re-export of a file. */
const IMPORT = /\b(?:from|import)\s+"(\.{1,2}\/[^"]+)\.js"/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Each file of src/ with the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      relative(SRC, resolve(dirname(file), `${match[1]}.ts`)),
    );
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** One cycle, as the files on it, or null (a depth-first search for an edge back to the path). */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) return [...path.slice(onPath), file];
    if (done.has(file) || !graph.has(file)) return null;
    path.push(file);
    for (const target of graph.get(file)!) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

it("reads the imports of src/ (the graph the check walks is not empty)", () => {
  const graph = importGraph();
  expect(graph.get("logger.ts")).toEqual(expect.any(Array));
  expect(graph.get("edge/routes.ts")).toEqual(
    expect.arrayContaining(["errors.ts", "edge/http-io.ts"]),
  );
});

it("has no import cycle in src/", () => {
  expect(findCycle(importGraph())).toBeNull();
});

it("finds a cycle when there is one (the check can fail)", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts"]],
  ]);
  expect(findCycle(graph)).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
});
