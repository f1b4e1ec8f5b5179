import request from "supertest";

export interface GraphQLAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** POSTs one operation as a frontend would, and returns the HTTP status and parsed body. */
/** Sent as `x-request-id` by postGraphQL, so answers can be pinned whole. */
export const TEST_REQUEST_ID = "req-test-0001";

export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const response = await request(url)
    .post("/graphql")
    .set({ "content-type": "application/json", "x-request-id": TEST_REQUEST_ID, ...headers })
    .send({ query, variables });
  return {
    status: response.status,
    body: response.body as Record<string, unknown>,
    headers: response.headers,
  };
}

export const LINK_ID = "683005d6-f45c-4adb-b289-f1a12f50f80c";
export const SESSION_HEX = "2c1a9b3e4d5f60718293a4b5c6d7e8f9";
export const SESSION_UUID = "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c";

export const RESUME_LINK = `mutation ResumeLink($input: ResumeLinkInput!) {
  resumeLink(input: $input) {
    __typename
    ... on Link {
      id institution { name } accessMode status lastAccessedAt createdAt createdBy externalId refreshRate
    }
    ...Challenge
  }
}
fragment Challenge on MfaChallenge {
  code message requestId session link expiry expiresAt
  tokenGenerationData { instructions type value expectsUserInput }
}`;

export const RESUME_BALANCES = `mutation ResumeBalances($input: ResumeBalancesInput!) {
  resumeBalances(input: $input) {
    __typename
    ... on BalanceList {
      saved
      balances {
        id valueDate balance currentBalance collectedAt statement
        account { id name category currency number type }
      }
    }
    ...Challenge
  }
}
fragment Challenge on MfaChallenge {
  code message requestId session link expiry expiresAt
  tokenGenerationData { instructions type value expectsUserInput }
}`;
