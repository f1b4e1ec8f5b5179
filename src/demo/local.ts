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
  const gateway = await createGateway(config, { logger: createLogger("silent", false) });
  const url = await gateway.listen(0, "127.0.0.1");
  return {
    url: `${url}/graphql`,
    stop: async () => {
      await gateway.close();
      await sandbox.close();
    },
  };
}
