// A collector that takes OTLP/HTTP and keeps nothing, for `BENCH_TRACING=<ratio> npm run bench`:
// the gateway's export costs are measured, not a collector's.
import { createServer } from "node:http";

createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
}).listen(Number(process.env.PORT), "127.0.0.1");
