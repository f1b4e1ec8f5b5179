/** A frontend's view: graphql-request against the running gateway and the built-in emulator. */
import { ClientError, GraphQLClient, gql } from "graphql-request";
import { useGateway } from "./helpers/kit.js";

interface LinkResult {
  __typename: "Link";
  id: string;
  status: string;
}
interface ChallengeResult {
  __typename: "MfaChallenge";
  session: string;
  link: string;
  tokenGenerationData: { expectsUserInput: boolean } | null;
}

const RESUME = gql`
  mutation Resume($input: ResumeLinkInput!) {
    resumeLink(input: $input) {
      __typename
      ... on Link {
        id
        status
      }
      ... on MfaChallenge {
        session
        link
        tokenGenerationData {
          expectsUserInput
        }
      }
    }
  }
`;

let client: GraphQLClient;
const kit = useGateway({ upstream: "emulator" });
beforeAll(() => {
  client = new GraphQLClient(`${kit.url}/graphql`);
});

const EXAMPLE = {
  session: "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c",
  link: "683005d6-f45c-4adb-b289-f1a12f50f80c",
};

async function resume(token: string): Promise<string> {
  const { resumeLink } = await client.request<{ resumeLink: LinkResult | ChallengeResult }>(
    RESUME,
    {
      input: { ...EXAMPLE, token },
    },
  );
  switch (resumeLink.__typename) {
    case "Link":
      return `link ${resumeLink.id} is ${resumeLink.status}`;
    case "MfaChallenge":
      return `challenge for ${resumeLink.link}, new session ${resumeLink.session === EXAMPLE.session ? "same" : "fresh"}`;
    default: {
      const unreachable: never = resumeLink;
      return unreachable;
    }
  }
}

it("narrows the union on __typename: a Link for the right token", async () => {
  expect(await resume("1234ab")).toBe(`link ${EXAMPLE.link} is VALID`);
});

it("narrows the union on __typename: a fresh challenge for a wrong token", async () => {
  expect(await resume("999999")).toBe(`challenge for ${EXAMPLE.link}, new session fresh`);
});

it("sees a gateway input error as a GraphQL error with its code", async () => {
  const error = await client
    .request(RESUME, { input: { ...EXAMPLE, link: "not-a-uuid" } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ClientError);
  expect((error as ClientError).response.errors?.[0]?.extensions).toEqual({
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    code: "BAD_USER_INPUT",
    field: "input.link",
  });
});
