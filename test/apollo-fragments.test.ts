/**
 * The advice to Apollo Client users (docs/frontend.md), checked with Apollo Client itself against the
 * emulator: fragments on a member type (`... on MfaChallenge`, `fragment C on MfaChallenge`) match
 * without set-up; a fragment on a union (`fragment O on RegisterLinkResult`) needs the unions'
 * members, and without them Apollo silently returns only `__typename`; with the package's
 * `possibleTypes` it returns the fields. `keyFields: ["name"]` keys an Institution by its name.
 * @apollo/client comes with the Apollo Client 4 tests (issue 24, item 1); where it is not
 * installed, this file is skipped.
 */
import { createRequire } from "node:module";
import { possibleTypes } from "@belvo-graphql-gateway/client";
import { useGateway } from "./helpers/kit.js";

const APOLLO = "@apollo/client";
const available = (() => {
  try {
    createRequire(import.meta.url).resolve(APOLLO);
    return true;
  } catch {
    return false;
  }
})();
const describeWithApollo = available ? describe : describe.skip;

const INPUT = {
  institution: "heimdall_mx_retail",
  username: "mfa_numeric",
  password: "numeric_code",
};
const DOCUMENTS = {
  "an inline fragment on MfaChallenge": `mutation R($input: RegisterLinkInput!) {
    registerLink(input: $input) { __typename ... on MfaChallenge { session } }
  }`,
  "a fragment on MfaChallenge": `fragment C on MfaChallenge { session }
  mutation R($input: RegisterLinkInput!) { registerLink(input: $input) { __typename ...C } }`,
  "a fragment on the union RegisterLinkResult": `fragment O on RegisterLinkResult {
    __typename ... on MfaChallenge { session }
  }
  mutation R($input: RegisterLinkInput!) { registerLink(input: $input) { ...O } }`,
};

describeWithApollo("Apollo Client 4 and the result unions", () => {
  const kit = useGateway({ upstream: "emulator" });

  /** registerLink's answer as Apollo Client returns it, with or without the package's possibleTypes. */
  async function registered(document: string, withPossibleTypes: boolean) {
    const apollo = await import(APOLLO);
    const client = new apollo.ApolloClient({
      link: new apollo.HttpLink({ uri: `${kit.url}/graphql` }),
      cache: new apollo.InMemoryCache(withPossibleTypes ? { possibleTypes } : {}),
    });
    const { data } = await client.mutate({
      mutation: apollo.gql(document),
      variables: { input: INPUT },
    });
    return Object.keys(data.registerLink as object).sort();
  }

  it.each([
    ["an inline fragment on MfaChallenge", false, ["__typename", "session"]],
    ["a fragment on MfaChallenge", false, ["__typename", "session"]],
    ["a fragment on the union RegisterLinkResult", false, ["__typename"]],
    ["a fragment on the union RegisterLinkResult", true, ["__typename", "session"]],
  ] as const)("%s, possibleTypes %s: %j", async (name, withPossibleTypes, keys) => {
    expect(await registered(DOCUMENTS[name], withPossibleTypes)).toEqual(keys);
  });

  it('keyFields: ["name"] makes one cache entry per institution', async () => {
    const apollo = await import(APOLLO);
    const cache = new apollo.InMemoryCache({
      typePolicies: { Institution: { keyFields: ["name"] } },
    });
    const client = new apollo.ApolloClient({
      link: new apollo.HttpLink({ uri: `${kit.url}/graphql` }),
      cache,
    });
    await client.query({ query: apollo.gql(`{ institutions(countryCode: "MX") { name } }`) });
    expect(Object.keys(cache.extract())).toContain('Institution:{"name":"heimdall_mx_retail"}');
  });
});
