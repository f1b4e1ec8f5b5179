/**
 * Which `Host` a request may name. A web page whose name an attacker re-points at 127.0.0.1 (DNS
 * rebinding) is same-origin with a development gateway in the browser's eyes: CORS does not stop
 * it, but the `Host` it sends is still the attacker's name. So, outside production, only loopback
 * names, `HOST` and `ALLOWED_HOSTS` are served; in production only `ALLOWED_HOSTS`, when set.
 */

/**
 * A host (a name, `_` allowed as in container names, an IPv4 address or a bracketed IPv6 one) and
 * an optional port; nothing else.
 */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i;

/**
 * The host named by a `Host` value (`name` or `name:port`), as the URL standard writes it: lower
 * case, an IPv4 address in dotted decimal (`127.1` is `127.0.0.1`), an IPv6 one compressed
 * (`[0::1]` is `[::1]`). A name keeps its trailing dot: `localhost.` is another name. Null for
 * anything that is not a host (userinfo, a path, percent-escapes, spaces, a port past 65535).
 */
function hostName(value: string, portAllowed = true): string | null {
  const match = HOST_HEADER.exec(value);
  if (!match) return null;
  const port = match[2];
  if (port !== undefined && (!portAllowed || Number(port) > 65_535)) return null;
  try {
    return new URL(`http://${match[1]}/`).hostname;
  } catch {
    return null;
  }
}

/** A host setting (`HOST`, an `ALLOWED_HOSTS` entry): no port; an IPv6 address with or without brackets. */
export function settingHostName(value: string): string | null {
  const bracketed = value.includes(":") && !value.startsWith("[") ? `[${value}]` : value;
  return hostName(bracketed, false);
}

function isLoopback(name: string): boolean {
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export interface HostSettings {
  production: boolean;
  /** The interface bound (`HOST`). */
  host: string;
  allowedHosts: "*" | string[] | null;
}

/** Host values seen and allowed, kept so that a request pays a Set lookup (bounded). */
const REMEMBERED = 64;

/**
 * Whether a request's `Host` is this gateway's; null when every Host is (production without
 * ALLOWED_HOSTS, or ALLOWED_HOSTS=*). A request without a Host (HTTP/1.0) is not.
 */
export function hostCheck(settings: HostSettings): ((host: string | undefined) => boolean) | null {
  const { production, allowedHosts } = settings;
  if (allowedHosts === "*" || (production && allowedHosts === null)) return null;
  const names = new Set(allowedHosts ?? []);
  const bound = settingHostName(settings.host);
  if (!production && bound !== null) names.add(bound);
  const seen = new Set<string>();
  return (host) => {
    if (host === undefined) return false;
    if (seen.has(host)) return true;
    const name = hostName(host);
    const allowed = name !== null && (names.has(name) || (!production && isLoopback(name)));
    if (allowed && seen.size < REMEMBERED) seen.add(host);
    return allowed;
  };
}
