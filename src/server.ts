import "reflect-metadata";
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Context } from "./context.js";
import { ErrorCode, createFormatError } from "./errors.js";
import { EXAMPLE_DOCUMENT, EXAMPLE_VARIABLES } from "./landing.js";
import { createLoaders } from "./loaders.js";
import { buildGatewaySchema } from "./schema.js";
import { BelvoClient } from "./upstream/belvo.js";

export interface GatewayOptions {
  upstream: { url: string; secretId: string; secretPassword: string };
  timeoutMs: number;
  apiKeys: string[] | null;
  production: boolean;
  logger: Logger;
  /** Largest request body accepted, in bytes (413 past it). */
  maxBodyBytes?: number;
  /** Gateway clock, for `expiresAt`; tests pin it. */
  now?: () => Date;
  /** First pause before a failed GET is tried again (tests shorten it). */
  retryBaseMs?: number;
  /** Reuse a schema already built (tests, benchmarks); built otherwise. */
  schema?: GraphQLSchema;
}

export interface Gateway {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(JSON.stringify(body));
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Compares digests so that neither the length nor the content of a key leaks through timing. */
function keyChecker(apiKeys: string[] | null): (header: string | undefined) => boolean {
  if (apiKeys === null) return () => true;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const known = apiKeys.map(digest);
  return (header) => {
    const presented = /^Bearer (\S+)$/i.exec(header ?? "")?.[1];
    if (!presented) return false;
    const candidate = digest(presented);
    return known.reduce((found, key) => timingSafeEqual(key, candidate) || found, false);
  };
}

function isLandingPageRequest(req: IncomingMessage, search: string): boolean {
  return (
    req.method === "GET" &&
    !/[?&]query=/.test(search) &&
    (req.headers.accept ?? "").includes("text/html")
  );
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { logger, production } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const now = options.now ?? (() => new Date());
  const belvo = new BelvoClient({
    ...options.upstream,
    timeoutMs: options.timeoutMs,
    retryBaseMs: options.retryBaseMs,
    now,
  });
  const apollo = new ApolloServer<Context>({
    schema: options.schema ?? (await buildGatewaySchema()),
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    // index.ts owns the process's signals: Apollo's own handler would re-raise SIGTERM after stopping.
    stopOnTerminationSignals: false,
    logger,
    plugins: [
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            document: EXAMPLE_DOCUMENT,
            variables: EXAMPLE_VARIABLES,
            footer: false,
          }),
    ],
  });
  await apollo.start();
  const isAuthorized = keyChecker(options.apiKeys);

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, search: string) {
    if (!isLandingPageRequest(req, search) && !isAuthorized(req.headers.authorization)) {
      sendJson(
        res,
        401,
        errorBody(
          "Send a valid gateway API key as `Authorization: Bearer <key>`.",
          ErrorCode.Unauthenticated,
        ),
        { "www-authenticate": 'Bearer realm="belvo-graphql-gateway"' },
      );
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown;
    if (req.method === "POST") {
      const text = await readBody(req, maxBodyBytes);
      if ((headers.get("content-type") ?? "").includes("json")) {
        try {
          body = JSON.parse(text);
        } catch {
          sendJson(res, 400, errorBody("The request body is not valid JSON.", "BAD_REQUEST"));
          return;
        }
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search, body },
      context: () => Promise.resolve({ belvo, loaders: createLoaders(belvo), logger, now }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const search = queryAt === -1 ? "" : url.slice(queryAt);
    if (path === "/health") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (path !== "/graphql") {
      sendJson(
        res,
        404,
        errorBody(`Nothing at ${path}; GraphQL is served at /graphql.`, "NOT_FOUND"),
      );
      return;
    }
    handleGraphQL(req, res, search).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        sendJson(
          res,
          413,
          errorBody(`The request body exceeds ${maxBodyBytes} bytes.`, "PAYLOAD_TOO_LARGE"),
          {
            connection: "close",
          },
        );
        return;
      }
      logger.error({ err: error }, "request failed outside GraphQL execution");
      if (!res.headersSent)
        sendJson(res, 500, errorBody("Internal server error", ErrorCode.InternalServerError));
      else res.destroy();
    });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const { address, port: bound } = server.address() as AddressInfo;
          const hostPart = address.includes(":") ? `[${address}]` : address;
          resolve(`http://${hostPart}:${bound}`);
        });
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
      await belvo.close();
    },
  };
}
