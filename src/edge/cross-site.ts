/**
 * Cross-site request forgery, decided at the edge and answered in the gateway's own words (Apollo's
 * own check, which answers with its own paragraph, is off: src/server.ts).
 *
 * A page on another site can make a browser send a "simple" request: a GET, or a POST whose body
 * is a form or text. The gateway never reads cookies, so such a request carries no credential of
 * the user; but it would still make the gateway call Belvo with the gateway's own keys. So the
 * gateway runs a request only when it proves that no other site's page could have sent it:
 * - a JSON `Content-Type` (a browser asks the gateway first, CORS preflight, before sending one);
 * - or a non-empty `apollo-require-preflight` or `x-apollo-operation-name` header (the same);
 * - or, on a GET, a valid gateway API key as `Authorization: Bearer <key>`: a browser never adds a
 *   Bearer credential by itself, and a page may set the header only after the preflight. Where the
 *   gateway takes no keys (development without GATEWAY_API_KEYS) there is no valid key, so such a
 *   GET still needs the preflight header.
 * A POST is read only as JSON, whoever sends it.
 */
import type { IncomingMessage } from "node:http";
import Negotiator from "negotiator";
import { MEDIA_TYPES, isJsonMediaType, mediaTypeEssence } from "./http-io.js";

/** Headers a browser sends only after a CORS preflight (Apollo Client sends both). */
const PREFLIGHT_HEADERS = ["apollo-require-preflight", "x-apollo-operation-name"] as const;

/** The media types Apollo weighs against `text/html` before it serves its landing page. */
const LANDING_PAGE_RIVALS = [
  MEDIA_TYPES.json,
  MEDIA_TYPES.graphQLResponse,
  "multipart/mixed",
  "multipart/mixed; incrementalSpec=v0.2",
  "multipart/mixed; deferSpec=20220824",
];

/** The fix, said the same way in every refusal of this kind. */
const FIX =
  "Send the operation as a POST with `Content-Type: application/json`, or a GET query with the header `apollo-require-preflight: true`" +
  " (urql sends queries as GET: set `preferGetMethod: false`, or add the header in `fetchOptions`).";

/** A request as this check sees it. */
export interface CrossSiteFacts {
  /** It carries a valid gateway API key. */
  keyed: boolean;
  /** The gateway serves Apollo's landing page (outside production). */
  landingPage: boolean;
}

/** What to do with a request: run it, hand it to Apollo for the landing page only, or refuse it. */
export type CrossSiteDecision =
  { kind: "run" } | { kind: "landing-page" } | { kind: "refuse"; message: string };

const RUN = { kind: "run" } as const;

/** Whether a browser must have asked the gateway (CORS preflight) before sending this request. */
function provesPreflight(req: IncomingMessage): boolean {
  if (isJsonMediaType(req.headers["content-type"])) return true;
  return PREFLIGHT_HEADERS.some((name) => {
    const value = req.headers[name];
    return typeof value === "string" && value.length > 0;
  });
}

/**
 * Apollo's test for its landing page: a GET whose Accept prefers `text/html` (admission.ts lets
 * such a keyless GET through by the same test).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const negotiator = new Negotiator({ headers: { accept } });
  return negotiator.mediaType([...LANDING_PAGE_RIVALS, "text/html"]) === "text/html";
}

/** The name of a request's media type as a message may show it (never a parameter). */
function shownMediaType(contentType: string | undefined): string {
  const essence = mediaTypeEssence(contentType);
  return /^[\w.+-]{1,64}\/[\w.+-]{1,64}$/.test(essence) ? `\`${essence}\`` : "no media type";
}

/** Decides a GET or a POST to /graphql (other methods are refused before). */
export function crossSiteDecision(req: IncomingMessage, facts: CrossSiteFacts): CrossSiteDecision {
  if (req.method === "POST") {
    if (isJsonMediaType(req.headers["content-type"])) return RUN;
    const sent = shownMediaType(req.headers["content-type"]);
    return {
      kind: "refuse",
      message: `The gateway reads a POST body only as JSON, and this one was sent as ${sent}: a form or text body could come from another site's page (cross-site request forgery). ${FIX}`,
    };
  }
  // Apollo's landing page, from a browser, whatever else the GET carries: it runs nothing (and
  // the query string is not handed on).
  if (facts.landingPage && prefersHtml(req.headers.accept)) return { kind: "landing-page" };
  if (provesPreflight(req) || facts.keyed) return RUN;
  return {
    kind: "refuse",
    message: `A GET without the header \`apollo-require-preflight\` (or a gateway API key) could come from another site's page (cross-site request forgery), so it is not run. ${FIX}`,
  };
}
