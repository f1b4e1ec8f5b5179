/**
 * Cuts every form of every secret the gateway sent out of Belvo's free text before it is quoted:
 * exact, in any letter case, URL-encoded, JSON-escaped and base64 (at any byte alignment, so a
 * secret inside a longer encoded value is found too).
 */

/** A secret shorter than this cannot be cut without mangling the text: nothing is quoted then. */
const MIN_CUTTABLE = 4;
/** Nor is anything quoted when a secret is longer (a certificate or a key): its forms are huge. */
const MAX_CUTTABLE = 256;
const REDACTED = "[redacted]";
/**
 * Credentials in any header-like echo, whoever's they are: a scheme and an encoded value (one
 * with a digit or a base64 symbol, so that "basic information" is left alone).
 */
const AUTH_HEADER = /\b(Basic|Bearer)\s+(?=[A-Za-z._~%-]*[0-9+/=])[A-Za-z0-9+/=._~%-]{8,}/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The base64 characters that depend only on `secret`'s bytes, for each of the three alignments
 * it can have inside a longer encoded value; standard and URL-safe alphabets.
 */
function base64Cores(secret: Buffer): string[] {
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString("base64");
    const start = [0, 2, 3][offset]!;
    const end = Math.floor(((offset + secret.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length >= MIN_CUTTABLE) cores.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return cores;
}

/** Every form in which `secret` may come back. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const uriEncoded = encodeURIComponent(secret);
  const everyByte = [...bytes].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
  const jsonEscaped = JSON.stringify(secret).slice(1, -1);
  const unicodeEscaped = [...secret]
    .map((char) =>
      [...char].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
    )
    .join("");
  return [
    secret,
    uriEncoded,
    uriEncoded.replace(/%20/g, "+"),
    everyByte,
    jsonEscaped,
    jsonEscaped.replace(/\//g, "\\/"),
    unicodeEscaped,
    ...base64Cores(bytes),
  ];
}

export class Redactor {
  private readonly pattern: RegExp | null = null;
  /** False when a secret is too short or too long to cut safely: nothing is quoted then. */
  readonly canQuote: boolean;

  constructor(secrets: readonly string[]) {
    const present = secrets.filter((secret) => secret.length > 0);
    let canQuote = present.every(
      (secret) => secret.length >= MIN_CUTTABLE && secret.length <= MAX_CUTTABLE,
    );
    if (canQuote) {
      const forms = [...new Set(present.flatMap(secretForms))]
        .filter((form) => form.length >= MIN_CUTTABLE)
        // Longest first: a form that contains another is cut whole.
        .sort((a, b) => b.length - a.length);
      try {
        this.pattern = forms.length ? new RegExp(forms.map(escapeRegExp).join("|"), "gi") : null;
      } catch {
        canQuote = false;
      }
    }
    this.canQuote = canQuote;
  }

  /**
   * `text` on one line with every secret cut, or null when it cannot be quoted safely. Cut before
   * and after whitespace is collapsed, so that collapsing cannot form a secret. Never throws: it
   * runs while an error is being built.
   */
  cut(text: string): string | null {
    if (!this.canQuote) return null;
    const once = (value: string) =>
      (this.pattern ? value.replace(this.pattern, REDACTED) : value).replace(
        AUTH_HEADER,
        `$1 ${REDACTED}`,
      );
    try {
      return once(once(text).replace(/\s+/g, " ").trim());
    } catch {
      return null;
    }
  }
}

/** A run of this many characters of a user's secret, in any spelling, keeps Belvo's text out. */
const ECHO_WINDOW = 5;

/** `text` read the ways a careless echo may have written it, each folded to compare. */
function readings(text: string): string[] {
  const decoded = [
    text,
    text.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    ),
    text.replace(/&#x([0-9a-f]{1,6});?/gi, (_match, hex: string) =>
      String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)),
    ),
    text.replace(/&#(\d{1,7});?/g, (_match, digits: string) =>
      String.fromCodePoint(Math.min(Number(digits), 0x10ffff)),
    ),
    text.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})/gi, (_match, byte?: string, unit?: string) =>
      String.fromCharCode(parseInt(byte ?? unit ?? "0", 16)),
    ),
  ];
  // Bytes written one by one (%C3%A9, \xc3\xa9) read again as UTF-8.
  const asUtf8 = decoded.map((value) => Buffer.from(value, "latin1").toString("utf8"));
  return [...decoded, ...asUtf8].map((value) =>
    value.normalize("NFKC").toLowerCase().replace(/\s+/g, ""),
  );
}

/**
 * True when `text` holds no run of ECHO_WINDOW characters of any of `secrets` (the user's own:
 * bank credentials, an MFA token) after decoding percent-escapes, HTML entities and \x/\u
 * escapes, in any case or Unicode normalization. Belvo's text that fails this is not quoted at
 * all: a prefix or an odd spelling of a password is no less a leak. Never throws.
 */
export function clearOf(text: string, secrets: readonly string[]): boolean {
  try {
    const views = readings(text);
    return secrets.every((secret) => {
      const folded = secret.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
      const width = Math.min(ECHO_WINDOW, folded.length);
      for (let at = 0; at + width <= folded.length; at++) {
        const run = folded.slice(at, at + width);
        if (views.some((view) => view.includes(run))) return false;
      }
      return true;
    });
  } catch {
    return false;
  }
}
