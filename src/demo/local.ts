import { randomBytes } from "node:crypto";
import { gatewayConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { startSandbox } from "../sandbox/server.js";
import { createGateway } from "../server.js";

/** The built-in emulator and a gateway in front of it, on free loopback ports, for the demos. */
export async function startLocalGateway(): Promise<{ url: string; stop: () => Promise<void> }> {
  const sandbox = await startSandbox();
  const config = gatewayConfig(
    { kind: "belvo", url: sandbox.url, secretId: "demo", secretPassword: "demo" },
    { BELVO_TIMEOUT_MS: "30000" },
  );
  // The emulator's webhooks, signed with a secret the two share: the page's live timeline.
  const secret = randomBytes(24).toString("hex");
  const events = { ...config.events, webhookSecret: secret };
  const gateway = await createGateway(
    { ...config, events },
    { logger: createLogger("silent", false) },
  );
  const url = await gateway.listen(0, "127.0.0.1");
  sandbox.webhooks.target = { url: `${url}/webhooks/belvo`, secret };
  return {
    url: `${url}/graphql`,
    stop: async () => {
      await gateway.close();
      await sandbox.close();
    },
  };
}
