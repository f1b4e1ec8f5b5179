/** The gateway's only view of Belvo: typed calls in, schema objects or UpstreamErrors out. */
import type { BalanceList } from "../types/balance.type.js";
import type { Link } from "../types/link.type.js";
import type { MfaChallenge } from "../types/mfa-challenge.type.js";
import { BelvoHttp, type HttpOptions } from "./http.js";
import { parseJson, type Json } from "./json.js";
import { BALANCE_DECIMAL_KEYS, toBalanceList, toLink } from "./mapping.js";
import { interpretAnswer, interpretMfaAnswer, type Answer } from "./outcome.js";

export interface ResumeRequest {
  session: string;
  link: string;
  token?: string | null;
}

export interface BelvoClientOptions extends HttpOptions {
  /** The clock for `expiresAt`; tests pin it. */
  now?: () => Date;
}

export class BelvoClient {
  private readonly http: BelvoHttp;
  private readonly now: () => Date;
  /** Never quoted back from Belvo's messages. */
  private readonly keys: readonly string[];

  constructor(options: BelvoClientOptions) {
    this.http = new BelvoHttp(options);
    this.now = options.now ?? (() => new Date());
    this.keys = [options.secretId, options.secretPassword];
  }

  resumeLink(request: ResumeRequest): Promise<Link | MfaChallenge> {
    return this.sendMfaStep("/api/links/", resumeBody(request), request.token, [], toLink);
  }

  resumeBalances(
    request: ResumeRequest & { saveData?: boolean | null },
  ): Promise<BalanceList | MfaChallenge> {
    const body = { ...resumeBody(request), save_data: request.saveData ?? true };
    return this.sendMfaStep(
      "/api/balances/",
      body,
      request.token,
      BALANCE_DECIMAL_KEYS,
      toBalanceList,
    );
  }

  /** GET /api/links/{id}/; null when Belvo answers 404. */
  async getLink(id: string): Promise<Link | null> {
    const raw = await this.http.send("GET", `/api/links/${encodeURIComponent(id)}/`);
    if (raw.status === 404) return null;
    return interpretAnswer({ status: raw.status, body: parseJson(raw.text) }, toLink, this.keys);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async sendMfaStep<T>(
    path: string,
    body: Record<string, unknown>,
    token: string | null | undefined,
    decimalKeys: readonly string[],
    toSuccess: (body: Json, status: number) => T,
  ): Promise<T | MfaChallenge> {
    const raw = await this.http.send("PATCH", path, body);
    const answer: Answer = { status: raw.status, body: parseJson(raw.text, decimalKeys) };
    return interpretMfaAnswer(
      answer,
      toSuccess,
      this.now(),
      token ? [token, ...this.keys] : this.keys,
    );
  }
}

/** `{session, token?, link}`: the token key is left out, not null, when there is none. */
function resumeBody({ session, link, token }: ResumeRequest): Record<string, unknown> {
  return token == null ? { session, link } : { session, token, link };
}
