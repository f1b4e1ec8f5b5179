/** `npm run demo:web`: serves examples/web/ (bundled on start, no CDN) beside a local gateway. */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { loadWebDemoConfig } from "../config.js";
import { startLocalGateway } from "./local.js";

const PAGE = new URL("../../examples/web/", import.meta.url);
const TYPES: Record<string, string> = {
  "/": "text/html; charset=utf-8",
  "/styles.css": "text/css; charset=utf-8",
  "/app.js": "text/javascript; charset=utf-8",
  "/config.json": "application/json",
};

export interface WebDemo {
  url: string;
  gatewayUrl: string;
  close(): Promise<void>;
}

/**
 * Bundles the page's script with the typed client and the QR encoder, so it works offline. Once
 * a process: every demo a process starts (a test file starts several) serves the same bundle.
 */
let bundled: Promise<string> | undefined;
const bundle = () => (bundled ??= bundlePage());

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("app.ts", PAGE))],
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export async function startWebDemo(
  options: { port?: number; gatewayUrl?: string; apiKey?: string } = {},
): Promise<WebDemo> {
  const local = options.gatewayUrl ? undefined : await startLocalGateway();
  const gatewayUrl = options.gatewayUrl ?? local!.url;
  const files: Record<string, string> = {
    "/": await readFile(new URL("index.html", PAGE), "utf8"),
    "/styles.css": await readFile(new URL("styles.css", PAGE), "utf8"),
    "/app.js": await bundle(),
    "/config.json": JSON.stringify({ gatewayUrl, apiKey: options.apiKey }),
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const body = files[path === "/index.html" ? "/" : path];
    if (body === undefined) return void res.writeHead(404).end("not found");
    res
      .writeHead(200, { "content-type": TYPES[path] ?? TYPES["/"]!, "cache-control": "no-store" })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    gatewayUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await local?.stop();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "5173" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo:web: --port: expected a port number, got "${values.port}"`);
    process.exit(2);
  }
  const demo = await startWebDemo({ port, ...loadWebDemoConfig() });
  console.log(`Reference MFA page: ${demo.url}\n  gateway: ${demo.gatewayUrl}\n  (Ctrl-C to stop)`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
