import type { Logger } from "pino";
import type { BelvoClient } from "./upstream/belvo.js";

/** Built fresh for every GraphQL request. */
export interface Context {
  belvo: BelvoClient;
  logger: Logger;
}
