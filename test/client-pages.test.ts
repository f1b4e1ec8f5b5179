/** The typed client's paged methods and its iterator over every page, against the emulator. */
import { BelvoGatewayClient, type TransactionsPage } from "@belvo-graphql-gateway/client";
import { HISTORY_LOGIN } from "../src/sandbox/history.js";
import { useGateway } from "./helpers/kit.js";

const kit = useGateway({ upstream: "emulator" });
let client: BelvoGatewayClient;
let link: string;

beforeAll(async () => {
  client = new BelvoGatewayClient(`${kit.url}/graphql`);
  const registered = await client.registerLink({
    institution: "erebor_mx_retail",
    ...HISTORY_LOGIN,
  });
  if (registered.__typename !== "Link") throw new Error("the history login asks no MFA");
  link = registered.id;
});

it("walks every page of a link's transactions with `pages`, each item once, in Belvo's order", async () => {
  const saved = kit.sandbox.state.savedOf("transactions", link);
  const pages: TransactionsPage[] = [];
  for await (const page of client.pages("transactions", { link, first: 1000 })) pages.push(page);
  const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node?.id));
  expect(ids).toEqual(saved.map((item) => item.id));
  expect(pages.map((page) => page.edges.length)).toEqual(
    pages.map((_, i) => Math.min(1000, saved.length - i * 1000)),
  );
  expect(pages.map((page) => page.totalCount)).toEqual(pages.map(() => saved.length));
  expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
});

it("reads one page at a time, and goes on from its end cursor", async () => {
  const first = await client.transactions({ link, first: 50 });
  const second = await client.transactions({ link, first: 50, after: first.pageInfo.endCursor });
  const saved = kit.sandbox.state.savedOf("transactions", link);
  expect([...first.edges, ...second.edges].map((edge) => edge.node?.id)).toEqual(
    saved.slice(0, 100).map((item) => item.id),
  );
  expect(second.pageInfo.hasNextPage).toBe(true);
});

it("pages accounts, owners and links, and finds one institution (null for none)", async () => {
  const accounts = await client.accounts({ link, first: 2 });
  const owners = await client.owners({ link });
  const links: string[] = [];
  for await (const page of client.pages("links", { first: 1000, institution: "erebor_mx_retail" }))
    links.push(...page.edges.map((edge) => edge.node!.id));
  const institution = await client.institution("erebor_mx_retail");
  const none = await client.institution("nowhere_mx_retail");
  expect({
    accounts: accounts.edges.map((edge) => edge.node?.id),
    accountsTotal: accounts.totalCount,
    owners: owners.edges.map((edge) => edge.node?.displayName),
    institution: { id: typeof institution?.id, name: institution?.name },
    none,
  }).toEqual({
    accounts: kit.sandbox.state
      .accountsOf(link)
      .slice(0, 2)
      .map((account) => account.id),
    accountsTotal: kit.sandbox.state.accountsOf(link).length,
    owners: kit.sandbox.state.savedOf("owners", link).map((owner) => owner.display_name),
    institution: { id: "string", name: "erebor_mx_retail" },
    none: null,
  });
  expect(links).toContain(link);
});
