/**
 * The offline explorer at /explorer: GraphiQL as bundled by scripts/build-explorer.mjs into
 * dist/explorer/ (no CDN), opened on the same example as Apollo Sandbox. Served outside
 * production only; the page holds no secret (with keys set, its header is a placeholder).
 */
import { readdir, readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestIds } from "./context.js";
import { refuse } from "./edge/refusals.js";
import { ErrorCode } from "./errors.js";
import { EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES, KEY_PLACEHOLDER } from "./landing.js";

export const EXPLORER_PATH = "/explorer";

/** dist/explorer/ at the project's root, whether this runs from src/ (tests) or dist/. */
const BUNDLE = new URL("../dist/explorer/", import.meta.url);

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  ttf: "font/ttf",
  txt: "text/plain; charset=utf-8",
};

/** Everything from the gateway's own origin; Monaco and GraphiQL set inline styles. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function page(keyed: boolean): string {
  const config = {
    endpoint: "/graphql",
    assets: `${EXPLORER_PATH}/`,
    query: EXAMPLE_DOCUMENT,
    variables: JSON.stringify(EXAMPLE_VARIABLES, null, 2),
    headers: keyed ? JSON.stringify({ Authorization: KEY_PLACEHOLDER }, null, 2) : "",
  };
  // `<` escaped: the JSON cannot close the script element.
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>belvo-graphql-gateway · explorer</title>
<link rel="stylesheet" href="${EXPLORER_PATH}/app.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
<script id="explorer-config" type="application/json">${json}</script>
<script type="module" src="${EXPLORER_PATH}/app.js"></script>
</body>
</html>
`;
}

/** The bundle's file names, read once; null while it is not built. */
async function bundleFiles(): Promise<Set<string> | null> {
  try {
    const names = await readdir(BUNDLE);
    return names.includes(".built") ? new Set(names.filter((name) => !name.startsWith("."))) : null;
  } catch {
    return null;
  }
}

/**
 * The handler for `/explorer` and `/explorer/<file>`. A file is served only when it is one of the
 * bundle's, by exact name: no path is decoded or joined from the URL. The router lets only a GET or
 * a HEAD reach it (edge/routes.ts).
 */
export function explorerHandler(options: { keyed: boolean }) {
  let files: Promise<Set<string> | null> | undefined;
  const html = page(options.keyed);
  return async (req: IncomingMessage, res: ServerResponse, path: string, requestId: RequestIds) => {
    files ??= bundleFiles();
    const names = await files;
    if (!names) {
      files = undefined;
      return refuse(res, { code: ErrorCode.ExplorerNotBuilt }, requestId);
    }
    const headers = {
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    };
    if (path === EXPLORER_PATH || path === `${EXPLORER_PATH}/`) {
      res.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" });
      return void res.end(req.method === "HEAD" ? undefined : html);
    }
    const name = path.slice(EXPLORER_PATH.length + 1);
    const type = TYPES[name.slice(name.lastIndexOf(".") + 1)];
    if (!names.has(name) || type === undefined) {
      const message = `Nothing at ${EXPLORER_PATH}/${encodeURIComponent(name)}.`;
      return refuse(res, { code: ErrorCode.NotFound, message }, requestId);
    }
    const body = await readFile(new URL(name, BUNDLE));
    res.writeHead(200, { ...headers, "content-type": type, "content-length": body.length });
    res.end(req.method === "HEAD" ? undefined : body);
  };
}
