/**
 * What stands between the client and graphql-request: the endpoint is checked once, at
 * construction, and every answer is sorted before graphql-request reads it, so that a network
 * failure, a server that does not speak GraphQL and the gateway's own errors stay apart.
 */

/** A configuration the client cannot work with; thrown by the constructor. */
export class ConfigurationProblem extends Error {}

/** fetch itself failed: nothing answered (refused, DNS, TLS, reset, aborted). */
export class Unreachable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Something answered, but not with GraphQL: an HTML page, a 404, plain text. */
export class NotGraphQL extends Error {
  constructor(
    readonly status: number,
    readonly contentType: string | null,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The endpoint as an error message may show it: no user name, password, query or fragment. */
export function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A string that did not parse as a URL, with what could be a credential or a key cut out. */
function shownRaw(endpoint: string): string {
  return endpoint.replace(/^([^/?#]*\/\/)?[^/?#]*@/, "$1…@").replace(/[?#].*$/, "");
}

/**
 * The endpoint as a URL, or a ConfigurationProblem saying what is wrong with it. A path ("/graphql")
 * resolves against the page when there is one, as fetch would.
 */
export function endpointUrl(endpoint: string): URL {
  const base = (globalThis as { location?: { href?: unknown } }).location?.href;
  let url: URL | undefined;
  try {
    url = new URL(
      endpoint,
      endpoint.startsWith("/") && typeof base === "string" ? base : undefined,
    );
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:") && url.host) {
    if (url.username || url.password)
      throw new ConfigurationProblem(
        `The gateway URL ${shown(url)} holds a user name or password, which fetch refuses: send the gateway's key with the apiKey option.`,
      );
    return url;
  }
  const raw = shownRaw(endpoint.trim());
  if (!raw) throw new ConfigurationProblem("The gateway URL is empty.");
  const guess = raw.includes("://") ? raw.replace(/^[^:]*:\/\//, "http://") : `http://${raw}`;
  throw new ConfigurationProblem(
    `The gateway URL "${raw}" is not an http:// or https:// URL with a host; did you mean ${guess}?`,
  );
}

/** A bearer key that fetch would refuse as a header value, or that would split the header. */
export function checkApiKey(apiKey: string | undefined): void {
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey))
    throw new ConfigurationProblem(
      "The apiKey option must be printable ASCII without spaces (it is sent as Authorization: Bearer <apiKey>).",
    );
}

/** GraphQL over HTTP answers application/graphql-response+json or application/json. */
function isGraphQLContentType(contentType: string | null): boolean {
  return /^application\/(graphql-response\+)?json\s*(;|$)/i.test(contentType?.trim() ?? "");
}

/**
 * Wraps fetch so that graphql-request only ever reads JSON: a rejected fetch becomes Unreachable,
 * an answer of another content type becomes NotGraphQL (its body is left unread).
 */
export function sortingFetch(given: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await (given ?? fetch)(input, init);
    } catch (error) {
      throw new Unreachable(reasonOf(error));
    }
    const contentType = response.headers.get("content-type");
    if (!isGraphQLContentType(contentType)) {
      await response.body?.cancel().catch(() => undefined);
      throw new NotGraphQL(response.status, contentType);
    }
    return response;
  };
}

/**
 * Node's fetch puts the system's code (ECONNREFUSED, ENOTFOUND) in `cause`; browsers say less.
 * fetch's own messages can quote the URL, so none is repeated.
 */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string" && /^[A-Z0-9_]+$/.test(cause.code)) return cause.code;
  // Short plain words only ("bad port"): a longer message may quote the URL.
  if (typeof cause?.message === "string" && /^[\w .-]{1,40}$/.test(cause.message))
    return cause.message;
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError"))
    return "aborted";
  return "fetch failed";
}
