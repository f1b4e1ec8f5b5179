import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import request from "supertest";
import { TEST_REQUEST_ID } from "./fixtures.js";

export interface GraphQLAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** The request body of one operation; with a typed document, its variables are type-checked. */
export function operation<V extends Record<string, unknown>>(
  document: string | TypedDocumentNode<unknown, V>,
  variables?: V,
): { query: string; variables: V | Record<string, never> } {
  return {
    query: typeof document === "string" ? document : print(document),
    variables: variables ?? {},
  };
}

/**
 * What a GraphQL client of today accepts (graphql-request, so the typed client; Apollo Client 4 and
 * urql alike prefer the first): a request error is then a 400, as GraphQL over HTTP says for this
 * media type. A client that accepts only `application/json` gets 200 for it (graphql-over-http.test.ts).
 */
export const GRAPHQL_CLIENT_ACCEPT = "application/graphql-response+json, application/json";

/** POSTs one operation as a frontend would, and returns the HTTP status and parsed body. */
export async function postGraphQL<V extends Record<string, unknown>>(
  url: string,
  document: string | TypedDocumentNode<unknown, V>,
  variables?: V,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const response = await request(url)
    .post("/graphql")
    .set({
      "content-type": "application/json",
      accept: GRAPHQL_CLIENT_ACCEPT,
      "x-request-id": TEST_REQUEST_ID,
      ...headers,
    })
    .send(operation(document, variables));
  return {
    status: response.status,
    body: response.body as Record<string, unknown>,
    headers: response.headers,
  };
}

/**
 * resumeLink and resumeBalances with a lean selection, where a test counts Belvo's calls or pins a
 * whole answer: the typed client's documents (`ResumeLinkDocument`, `ResumeBalancesDocument` in
 * packages/client/src/generated.ts) ask for the institution's display name (one more upstream
 * call) and leave out Balance's deprecated fields, which the decimal tests pin.
 */
const CHALLENGE = `fragment Challenge on MfaChallenge {
  code message requestId session link expiry expiresAt
  tokenGenerationData { instructions type value expectsUserInput }
}`;

export const RESUME_LINK = `mutation ResumeLink($input: ResumeLinkInput!) {
  resumeLink(input: $input) {
    __typename
    ... on Link {
      id institution { name } accessMode status lastAccessedAt createdAt createdBy externalId refreshRate
    }
    ...Challenge
  }
}
${CHALLENGE}`;

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
${CHALLENGE}`;

/** A resume of another data resource, selecting `selection` of its list and the challenge. */
export const resumeData = (name: string, list: string, selection: string) =>
  `mutation Resume${name}($input: Resume${name}Input!) {
  resume${name}(input: $input) {
    __typename
    ... on ${list} { saved ${selection} }
    ...Challenge
  }
}
${CHALLENGE}`;
