/**
 * How a page hands the gateway's widget token to Belvo's Connect widget. The widget's script is
 * Belvo's (from its CDN, so it needs the internet); the token is minted by the gateway with its
 * own keys, which never reach the browser.
 */
export const WIDGET_SCRIPT = "https://cdn.belvo.io/belvo-widget-1-stable.js";

/** The code a page runs, for a new connection or (with a link) a reconnection. */
export function widgetSnippet(link: string | null): string {
  const input = link === null ? "{}" : `{ link: "${link}" }`;
  return [
    `<script src="${WIDGET_SCRIPT}" async></script>`,
    `<div id="belvo"></div>`,
    "",
    `// ${link === null ? "A new connection" : "Update mode: the widget reconnects this link"}.`,
    `const token = await gateway.createWidgetToken(${input});`,
    "window.belvoSDK",
    "  .createWidget(token.access, {",
    "    callback: (link, institution) => saveLink(link, institution),",
    "    onExit: (data) => showStart(data),",
    "    onEvent: (data) => log(data),",
    "  })",
    "  .build();",
  ].join("\n");
}
