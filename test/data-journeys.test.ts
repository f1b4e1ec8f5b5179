/** Accounts, transactions and owners through the gateway against the emulator, MFA included. */
import { GOOD_TOKEN } from "../src/sandbox/mfa.js";
import { useGateway } from "./helpers/kit.js";

const CHALLENGE = "... on MfaChallenge { session link }";
const REGISTER = `mutation R($input: RegisterLinkInput!) { registerLink(input: $input) {
  __typename ... on Link { id } ${CHALLENGE} } }`;
const RESUME_LINK = `mutation L($input: ResumeLinkInput!) { resumeLink(input: $input) {
  __typename ... on Link { id status } ${CHALLENGE} } }`;

const STEPS = [
  {
    name: "Accounts",
    input: {},
    success: "... on AccountList { saved accounts { id category currency currentBalance } }",
    list: "accounts",
  },
  {
    name: "Transactions",
    input: { dateFrom: "2026-03-01", dateTo: "2026-03-09" },
    success:
      "... on TransactionList { saved transactions { id amount type status category valueDate account { id } } }",
    list: "transactions",
  },
  {
    name: "Owners",
    input: {},
    success:
      "... on OwnerList { saved owners { id displayName email documentId { documentType } } }",
    list: "owners",
  },
] as const;

const kit = useGateway({ upstream: "emulator" });

type Answer = { __typename: string; session: string; link: string } & Record<string, unknown>;

async function run(query: string, input: Record<string, unknown>): Promise<Answer> {
  const { body } = await kit.post(query, { input });
  expect(body.errors).toBeUndefined();
  return Object.values(body.data as Record<string, Answer>)[0]!;
}

/** A link on an MFA institution, past its own challenge. */
async function mfaLink(): Promise<string> {
  const pending = await run(REGISTER, {
    institution: "heimdall_mx_retail",
    username: "mfa_numeric",
    password: "numeric_code",
  });
  const linked = await run(RESUME_LINK, {
    session: pending.session,
    link: pending.link,
    token: GOOD_TOKEN,
  });
  expect(linked).toMatchObject({ __typename: "Link", status: "VALID" });
  return pending.link;
}

describe.each(STEPS)("retrieve$name / resume$name", ({ name, input, success, list }) => {
  const start = `mutation S($input: Retrieve${name}Input!) { retrieve${name}(input: $input) {
    __typename ${success} ${CHALLENGE} } }`;
  const resume = `mutation P($input: Resume${name}Input!) { resume${name}(input: $input) {
    __typename ${success} ${CHALLENGE} } }`;

  it("an MFA link challenges; a wrong token challenges anew; the right one delivers", async () => {
    const link = await mfaLink();
    const first = await run(start, { link, ...input });
    expect(first).toMatchObject({ __typename: "MfaChallenge", link });
    const second = await run(resume, { session: first.session, link, token: "999999" });
    expect(second).toMatchObject({ __typename: "MfaChallenge", link });
    expect(second.session).not.toBe(first.session);
    const done = await run(resume, { session: second.session, link, token: GOOD_TOKEN });
    expect(done.__typename).toBe(`${name.slice(0, -1)}List`);
    expect(done.saved).toBe(true);
    expect((done[list] as unknown[]).length).toBeGreaterThan(0);
  });

  it("a link without MFA delivers at once, the same data every time", async () => {
    const linked = await run(REGISTER, {
      institution: "erebor_mx_retail",
      username: "user_valid",
      password: "pass_valid",
    });
    const first = await run(start, { link: linked.id, ...input, saveData: false });
    const again = await run(start, { link: linked.id, ...input, saveData: false });
    expect(first.saved).toBe(false);
    expect(again).toEqual(first);
  });
});

it("Link.accounts reads the accounts Belvo holds for the link", async () => {
  const link = await mfaLink();
  const { body } = await kit.post(
    `query L($id: ID!) { link(id: $id) { id accounts { id currency } } }`,
    { id: link },
  );
  const accounts = (body.data as { link: { accounts: { id: string }[] } }).link.accounts;
  expect(accounts.length).toBeGreaterThanOrEqual(3);
  expect(accounts.map((account) => account.id)).toEqual(
    kit.sandbox.state.accountsOf(link).map((account) => account.id),
  );
});
