/**
 * `npm ci` on the Node the README promises (20.19 and later) prints no EBADENGINE warning: every
 * package the lockfile installs accepts that Node. A package whose newest release wants a later
 * Node is pinned by an `overrides` entry in package.json (docs/development.md).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// npm's own range checker (a dependency of many tools here), as npm ci applies it.
const semver = createRequire(import.meta.url)("semver") as {
  satisfies(version: string, range: string): boolean;
};

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

it("the README's Node is the one package.json promises", () => {
  const readme = readFileSync(new URL("README.md", root), "utf8");
  expect(manifest.engines.node).toBe(">=20.19");
  expect(readme).toContain("Needs Node 20.19 or later.");
});

it.each(["20.19.0", "20.20.2"])("every locked package accepts Node %s", (node) => {
  const refusing = Object.entries(lock.packages).flatMap(([path, entry]) => {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    return range && !semver.satisfies(node, range)
      ? [`${path}@${entry.version} wants ${range}`]
      : [];
  });
  expect(refusing).toEqual([]);
});
