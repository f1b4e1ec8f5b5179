import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { Context } from "./context.js";

/** Placeholder for the gateway key when keys are set: the user pastes one of theirs. */
export const KEY_PLACEHOLDER = "Bearer <one of GATEWAY_API_KEYS>";

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

/** Apollo Sandbox loads from Apollo's CDN: offline, its page points to the bundled explorer. */
const OFFLINE_HINT =
  '<p>Offline? The gateway serves its own explorer (GraphiQL, nothing from a CDN): <a href="/explorer">open /explorer</a>.</p>';

/**
 * Apollo Sandbox at GET /graphql outside production, opened on the example, without Apollo's
 * telemetry and without cookies; its offline fallback links to /explorer. With keys set, the
 * Authorization header is a placeholder to replace.
 */
export function landingPagePlugin(options: {
  production: boolean;
  keyed: boolean;
}): ApolloServerPlugin<Context> {
  if (options.production) return ApolloServerPluginLandingPageDisabled();
  const sandbox = ApolloServerPluginLandingPageLocalDefault({
    document: EXAMPLE_DOCUMENT,
    variables: EXAMPLE_VARIABLES,
    ...(options.keyed ? { headers: { Authorization: KEY_PLACEHOLDER } } : {}),
    footer: false,
    includeCookies: false,
    embed: { runTelemetry: false },
  });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const page = await listener?.renderLandingPage?.();
      if (!page) return listener;
      const render = page.html;
      const withHint = (html: string) => {
        // Sandbox's empty, full-page frame holder covers its own offline fallback: hidden while
        // empty (no CDN), so the hint can be read and clicked; the page's nonce lets the rule in.
        const nonce = /<script nonce="([0-9a-f]+)"/.exec(html)?.[1];
        const style = nonce
          ? `<style nonce="${nonce}">#embeddableSandbox:empty { display: none; }</style>\n  `
          : "";
        return html.includes("offline.</p>")
          ? html.replace("offline.</p>", `offline.</p>\n  ${style}${OFFLINE_HINT}`)
          : html.replace("</noscript>", `</noscript>\n    ${style}${OFFLINE_HINT}`);
      };
      return {
        ...listener,
        renderLandingPage: () =>
          Promise.resolve({
            html: async () => withHint(typeof render === "string" ? render : await render()),
          }),
      };
    },
  };
}
