// The bench's scenarios: each document, its input, and how to tell a right answer (gateway, floor).
const LINK_ID = "683005d6-f45c-4adb-b289-f1a12f50f80c";
const INPUT = { session: "2c1a9b3e4d5f60718293a4b5c6d7e8f9", link: LINK_ID, token: "111111" };

const CHALLENGE_FIELDS =
  "code session link expiry expiresAt tokenGenerationData { type value instructions expectsUserInput }";
export const SCENARIOS = [
  {
    name: "resumeLink → Link",
    target: 0.3,
    query: `mutation ResumeLink($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename ... on Link { id status accessMode institution { name } lastAccessedAt createdAt createdBy externalId refreshRate } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: INPUT,
    gateway: (data) => data.resumeLink.__typename === "Link" && data.resumeLink.id === LINK_ID,
    floor: (data) => data.resumeLink.id === LINK_ID,
  },
  {
    name: "resumeBalances → BalanceList",
    target: 0.25,
    query: `mutation ResumeBalances($input: ResumeBalancesInput!) { resumeBalances(input: $input) { __typename ... on BalanceList { saved balances { id valueDate balance currentBalance collectedAt account { id name category currency number type } } } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: INPUT,
    gateway: (data) =>
      data.resumeBalances.__typename === "BalanceList" &&
      data.resumeBalances.balances.length === 10 &&
      data.resumeBalances.balances[9].balance === "1009.25",
    floor: (data) => data.resumeBalances.length === 10,
  },
  {
    name: "resumeLink → MfaChallenge",
    target: 0.3,
    query: `mutation ResumeLink($input: ResumeLinkInput!) { resumeLink(input: $input) { __typename ... on Link { id status } ... on MfaChallenge { ${CHALLENGE_FIELDS} } } }`,
    input: { ...INPUT, token: "wrong" },
    gateway: (data) =>
      data.resumeLink.__typename === "MfaChallenge" && data.resumeLink.expiry === 720,
    floor: (data) => data.resumeLink[0].code === "token_required",
  },
];
