import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";

/** What every log line and error of one HTTP request carries, wherever it is written. */
export interface RequestScope {
  requestId: string;
  logger: Logger;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Keeps a caller's `x-request-id` when it is sane, so traces join up; makes one otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}
