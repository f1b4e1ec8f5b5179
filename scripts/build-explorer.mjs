// Bundles the offline explorer (explorer/app.ts: GraphiQL, React, Monaco and Monaco's workers)
// into dist/explorer/ with esbuild, so the gateway serves it without any CDN. Skipped when the
// bundle is newer than its source and the lockfile. `node scripts/build-explorer.mjs` builds it.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const EXPLORER_DIR = `${root}dist/explorer/`;
const SOURCES = [
  `${root}explorer/app.ts`,
  `${root}package-lock.json`,
  fileURLToPath(import.meta.url),
];
const STAMP = `${EXPLORER_DIR}.built`;

const WORKERS = {
  "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
  "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
  "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
};

function upToDate() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.every((source) => statSync(source).mtimeMs <= built);
}

/** Builds dist/explorer/ unless it is up to date; true when it built. */
export async function buildExplorer({ force = false } = {}) {
  if (!force && upToDate()) return false;
  const { build } = await import("esbuild");
  const common = {
    bundle: true,
    minify: true,
    target: "es2022",
    platform: "browser",
    outdir: EXPLORER_DIR,
    logLevel: "warning",
    legalComments: "linked",
    define: { "process.env.NODE_ENV": '"production"' },
    absWorkingDir: root,
  };
  await build({
    ...common,
    entryPoints: { app: `${root}explorer/app.ts` },
    format: "esm",
    loader: { ".ttf": "file", ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
    assetNames: "[name]-[hash]",
  });
  // Classic workers (`new Worker(url)`), one self-contained script each.
  await build({ ...common, entryPoints: WORKERS, format: "iife" });
  mkdirSync(EXPLORER_DIR, { recursive: true });
  writeFileSync(STAMP, new Date().toISOString());
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildExplorer({ force: process.argv.includes("--force") });
  console.error(built ? `explorer bundled into ${EXPLORER_DIR}` : "explorer bundle up to date");
}
