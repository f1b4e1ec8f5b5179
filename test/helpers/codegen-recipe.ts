/**
 * GraphQL Code Generator on an app's `codegen.ts`, as its CLI runs one: the config's schema file
 * and documents (paths and `dir/**\/*.ext` globs, from the app's folder), each output's plugins by
 * their short names (`@graphql-codegen/<name>`), the output's config over the root's, through
 * `@graphql-codegen/core`. The CLI itself is not installed here: its URL and GitHub loaders pull
 * packages that want Node 22 (docs/development.md).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { codegen } from "@graphql-codegen/core";
import { transform } from "esbuild";
import { parse } from "graphql";

interface OutputConfig {
  plugins: string[];
  config?: Record<string, unknown>;
}
export interface RecipeConfig {
  schema: string;
  documents: string[];
  config?: Record<string, unknown>;
  generates: Record<string, OutputConfig>;
}

/**
 * The default export of `codegen.ts` (its text, saved in `cwd`), its TypeScript stripped as the
 * CLI's loader does.
 */
export async function loadRecipe(source: string, cwd: string): Promise<RecipeConfig> {
  const { code } = await transform(source, { loader: "ts", format: "cjs" });
  writeFileSync(join(cwd, "codegen.cjs"), code);
  const loaded = createRequire(import.meta.url)(join(cwd, "codegen.cjs")) as {
    default?: RecipeConfig;
  };
  if (!loaded.default) throw new Error("the recipe has no default export");
  return loaded.default;
}

/** Every file under `cwd` a pattern names: a path, or `dir/**\/*.ext`. */
function matching(cwd: string, pattern: string): string[] {
  const glob = /^(.*?)\/?\*\*\/\*(\.\w+)$/.exec(pattern);
  if (!glob) return [join(cwd, pattern)];
  const [, dir, extension] = glob as unknown as [string, string, string];
  const found = readdirSync(join(cwd, dir), { recursive: true, encoding: "utf8" });
  return found.filter((file) => file.endsWith(extension)).map((file) => join(cwd, dir, file));
}

/** Writes every output of `recipe` under `cwd`; answers each written file's path and text. */
export async function runRecipe(recipe: RecipeConfig, cwd: string) {
  const schema = parse(readFileSync(join(cwd, recipe.schema), "utf8"));
  const documents = recipe.documents
    .flatMap((pattern) => matching(cwd, pattern))
    .map((location) => ({
      location: relative(cwd, location),
      document: parse(readFileSync(location, "utf8")),
    }));
  const written: Record<string, string> = {};
  for (const [filename, output] of Object.entries(recipe.generates)) {
    const pluginMap: Parameters<typeof codegen>[0]["pluginMap"] = {};
    // One at a time: jest's ESM loader fails on concurrent imports of shared modules.
    for (const name of output.plugins)
      pluginMap[name] = (await import(`@graphql-codegen/${name}`)) as (typeof pluginMap)[string];
    written[filename] = await codegen({
      filename,
      schema,
      documents,
      config: { ...recipe.config, ...output.config },
      plugins: output.plugins.map((name) => ({ [name]: {} })),
      pluginMap,
    });
    mkdirSync(dirname(join(cwd, filename)), { recursive: true });
    writeFileSync(join(cwd, filename), written[filename]);
  }
  return written;
}
