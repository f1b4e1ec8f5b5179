/**
 * Apollo calls every request listener at every hook, defined or not (src/request-listener.ts):
 * the gateway registers one, with only the hooks its parts use. A hook added without a part to
 * call, or a second listener of the gateway's own, shows here.
 */
import type { GraphQLRequestContext, GraphQLRequestListener } from "@apollo/server";
import type { Context } from "../src/context.js";
import { GatewayMetrics } from "../src/metrics.js";
import { requestPlugin } from "../src/request-listener.js";

it("is one listener a request with the four hooks the parts need", async () => {
  const metrics = new GatewayMetrics();
  const plugin = requestPlugin({
    metrics,
    documents: { checksFirst: () => undefined, hideSuggestions: null },
    maxUpstreamCost: 30,
    validationErrors: { suggestions: false },
    tracing: false,
  });
  expect(Object.keys(plugin)).toEqual(["requestDidStart"]);
  const listener = (await plugin.requestDidStart!(
    {} as GraphQLRequestContext<Context>,
  )) as GraphQLRequestListener<Context>;
  const hooks = Object.getOwnPropertyNames(Object.getPrototypeOf(listener)).filter(
    (name) => name !== "constructor",
  );
  expect(hooks.sort()).toEqual([
    "didEncounterErrors",
    "didResolveOperation",
    "validationDidStart",
    "willSendResponse",
  ]);
  expect(Object.keys(listener)).toEqual(["parts", "started"]);
});
