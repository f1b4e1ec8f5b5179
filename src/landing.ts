/** The operation Apollo Sandbox opens with: it succeeds as written against the built-in emulator. */
export const EXAMPLE_DOCUMENT = `mutation ResumeLink($input: ResumeLinkInput!) {
  resumeLink(input: $input) {
    __typename
    ... on Link {
      id
      status
      accessMode
      institution { name }
      createdAt
    }
    ... on MfaChallenge {
      session
      link
      expiresAt
      tokenGenerationData { type instructions value expectsUserInput }
    }
  }
}
`;

/** Belvo's documented example session, which the emulator keeps open at all times. */
export const EXAMPLE_VARIABLES = {
  input: {
    session: "39cd6a88-8ee3-4e59-a861-b8a2187e0f4c",
    link: "683005d6-f45c-4adb-b289-f1a12f50f80c",
    token: "1234ab",
  },
};
