/** The part of Belvo's official SDK (`belvo` 0.28.0, untyped) that the SDK test drives. */
declare module "belvo" {
  type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  interface Resource {
    list(params?: { limit?: number; filters?: Record<string, string> }): Promise<Json[]>;
    detail(id: string): Promise<Json>;
    resume(session: string, token: string | undefined, link: string): Promise<Json>;
  }
  interface DataOptions {
    token?: string;
    saveData?: boolean;
    account?: string;
    dateTo?: string;
  }
  export default class Client {
    constructor(secretKeyId: string, secretKeyPassword: string, url?: string);
    connect(): Promise<void>;
    institutions: Resource;
    links: Resource & {
      register(
        institution: string,
        username: string,
        password: string,
        options?: Record<string, string>,
      ): Promise<Json>;
      patch(id: string, options: { accessMode: string }): Promise<Json>;
      update(
        id: string,
        options: { password?: string; password2?: string; token?: string; usernameType?: string },
      ): Promise<Json>;
      /** True for Belvo's 204, false for any failure (the SDK swallows it). */
      delete(id: string): Promise<boolean>;
    };
    widgetToken: { create(options?: { scopes?: string; link?: string }): Promise<Json> };
    /** The SDK's HTTP session (axios with the key pair): for endpoints it has no method for. */
    session: { post(url: string, payload: Json): Promise<Json> };
    accounts: Resource & { retrieve(link: string, options?: DataOptions): Promise<Json[]> };
    owners: Resource & { retrieve(link: string, options?: DataOptions): Promise<Json[]> };
    balances: Resource & {
      retrieve(link: string, dateFrom: string, options?: DataOptions): Promise<Json[]>;
    };
    transactions: Resource & {
      retrieve(link: string, dateFrom: string, options?: DataOptions): Promise<Json[]>;
    };
  }
}
