/**
 * The offline explorer: GraphiQL, bundled with its editor (Monaco) and the editor's workers by
 * scripts/build-explorer.mjs, served by the gateway at /explorer outside production. Nothing is
 * fetched from anywhere but the gateway. The page passes its settings as JSON in
 * `<script id="explorer-config">` (src/explorer.ts).
 */
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL, type GraphiQLProps } from "graphiql";
import { OperationTypeNode, getOperationAST } from "graphql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";

interface ExplorerConfig {
  endpoint: string;
  /** Where the bundle's files are served, ending in "/". */
  assets: string;
  query: string;
  variables: string;
  /** A placeholder, never a real key: the user pastes theirs. */
  headers: string;
}

const config = JSON.parse(
  document.getElementById("explorer-config")?.textContent ?? "{}",
) as ExplorerConfig;

const WORKERS: Record<string, string> = { json: "json.worker.js", graphql: "graphql.worker.js" };

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(`${config.assets}${WORKERS[label] ?? "editor.worker.js"}`);
  },
};

const httpFetcher: GraphiQLProps["fetcher"] = async (params, options) => {
  const response = await fetch(config.endpoint, {
    method: "POST",
    headers: {
      ...options?.headers,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: the answer is not JSON.` }] };
  }
};

/**
 * Subscriptions (`linkEvents`) over WebSocket at the same /graphql (graphql-ws): the Headers
 * editor's JSON becomes the `connection_init` payload, so `{"Authorization": "Bearer <key>"}` works
 * there as it does for queries.
 */
const endpoint = new URL(config.endpoint, location.href);
const subscriptionFetcher = createGraphiQLFetcher({
  url: endpoint.href,
  subscriptionUrl: endpoint.href.replace(/^http/, "ws"),
});

const fetcher: GraphiQLProps["fetcher"] = (params, options) => {
  const operation = options?.documentAST
    ? getOperationAST(options.documentAST, params.operationName ?? undefined)
    : null;
  return operation?.operation === OperationTypeNode.SUBSCRIPTION
    ? subscriptionFetcher(params, options)
    : httpFetcher(params, options);
};

createRoot(document.getElementById("graphiql")!).render(
  createElement(GraphiQL, {
    fetcher,
    initialQuery: config.query,
    initialVariables: config.variables,
    initialHeaders: config.headers,
    defaultEditorToolsVisibility: "variables",
    // Headers may hold a key: they stay in the page, never in localStorage.
    shouldPersistHeaders: false,
  }),
);
