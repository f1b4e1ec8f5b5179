// The bench's scenarios: each document, its input, and how to tell a right answer (gateway, floor).
// `target`: the least throughput, as a share of the floor's. A baseline build (BENCH_BASE) that
// does not serve a scenario's operation (bench/run.mjs asks it once) sits that scenario out.
const LINK_ID = "683005d6-f45c-4adb-b289-f1a12f50f80c";
const INPUT = { session: "2c1a9b3e4d5f60718293a4b5c6d7e8f9", link: LINK_ID, token: "111111" };

/** The upstream (bench/upstream.mjs) answers this token with 1,000 items instead of 10. */
export const LARGE_TOKEN = "large1000";

const CHALLENGE_FIELDS =
  "code session link expiry expiresAt tokenGenerationData { type value instructions expectsUserInput }";
const BALANCE_FIELDS =
  "id valueDate balance currentBalance collectedAt account { id name category currency number type }";
const TRANSACTION_FIELDS =
  "id valueDate accountingDate amount balance currency type status description category subcategory reference collectedAt account { id name category } creditCardData { billName billStatus billAmount }";
export const SCENARIOS = [
  {
    name: "resumeLink → Link",
    target: 0.45,
    query: `mutation ResumeLink($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename ... on Link { id status accessMode institution { name } lastAccessedAt createdAt createdBy externalId refreshRate } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: INPUT,
    gateway: (data) => data.resumeLink.__typename === "Link" && data.resumeLink.id === LINK_ID,
    floor: (data) => data.resumeLink.id === LINK_ID,
  },
  {
    name: "resumeBalances → BalanceList",
    target: 0.45,
    query: `mutation ResumeBalances($input: ResumeBalancesInput!) { resumeBalances(input: $input) { __typename ... on BalanceList { saved balances { ${BALANCE_FIELDS} } } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: INPUT,
    gateway: (data) =>
      data.resumeBalances.__typename === "BalanceList" &&
      data.resumeBalances.balances.length === 10 &&
      data.resumeBalances.balances[9].balance === "1009.25",
    floor: (data) => data.resumeBalances.length === 10,
  },
  {
    name: "resumeLink → MfaChallenge",
    target: 0.45,
    query: `mutation ResumeLink($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename ... on Link { id status } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: { ...INPUT, token: "wrong" },
    gateway: (data) =>
      data.resumeLink.__typename === "MfaChallenge" && data.resumeLink.expiry === 720,
    floor: (data) => data.resumeLink[0].code === "token_required",
  },
  {
    name: "resumeBalances → 1,000 balances",
    target: 0.5,
    query: `mutation ResumeBalances($input: ResumeBalancesInput!) { resumeBalances(input: $input) { __typename ... on BalanceList { saved balances { ${BALANCE_FIELDS} } } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: { ...INPUT, token: LARGE_TOKEN },
    gateway: (data) =>
      data.resumeBalances.__typename === "BalanceList" &&
      data.resumeBalances.balances.length === 1000 &&
      data.resumeBalances.balances[999].balance === "1999.25",
    floor: (data) => data.resumeBalances.length === 1000,
  },
  {
    // A page of 1,000 transactions: the schema has no transaction paging query, so this is the
    // answer to a transactions retrieval's MFA challenge carrying 1,000 of them (each with its
    // account embedded, as Belvo sends them).
    name: "resumeTransactions → 1,000 transactions",
    target: 0.5,
    query: `mutation ResumeTransactions($input: ResumeTransactionsInput!) { resumeTransactions(input: $input) { __typename ... on TransactionList { saved transactions { ${TRANSACTION_FIELDS} } } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: INPUT,
    gateway: (data) =>
      data.resumeTransactions.__typename === "TransactionList" &&
      data.resumeTransactions.transactions.length === 1000 &&
      data.resumeTransactions.transactions[999].amount === "1099.5",
    floor: (data) => data.resumeTransactions.length === 1000,
  },
  {
    // A page of 1,000 saved transactions (issue 25): one Belvo GET, its items each with a cursor.
    name: "transactions page → 1,000 transactions",
    target: 0.5,
    query: `query Page($link: ID!, $first: Int) { transactions(link: $link, first: $first) { edges { cursor node { ${TRANSACTION_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount } }`,
    input: INPUT,
    variables: (input) => ({ link: input.link, first: 1000 }),
    gateway: (data) =>
      data.transactions.edges.length === 1000 &&
      data.transactions.edges[999].node.amount === "1099.5" &&
      data.transactions.pageInfo.hasNextPage === true &&
      data.transactions.totalCount === 3000,
    floor: (data) => data.transactions.results.length === 1000,
  },
];

/** A scenario's GraphQL variables for one request's input (by default `{ input }`). */
export const variablesOf = (scenario, input) =>
  scenario.variables ? scenario.variables(input) : { input };
