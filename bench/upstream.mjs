// A fast in-memory Belvo for the benchmark: answers the two PATCH calls from strings made once.
import { createServer } from "node:http";
import {
  BALANCES,
  LARGE_BALANCES,
  LINK,
  LINK_ID,
  TRANSACTIONS,
  transactionPage as pageOn,
} from "./belvo-data.mjs";

/** A saved list's first page of 1,000 (of 3,000): made once the port is known (its `next`). */
let transactionPage = "";
const CHALLENGE = JSON.stringify([
  {
    code: "token_required",
    message: "A MFA token is required by the institution to login",
    request_id: "9a2b3c4d5e6f708192a3b4c5d6e7f809",
    session: "2c1a9b3e4d5f60718293a4b5c6d7e8f9",
    expiry: 720,
    link: LINK_ID,
    token_generation_data: {
      instructions: "Type the code",
      type: "numeric",
      value: "483920",
      expects_user_input: true,
    },
  },
]);

/** The token `wrong` answers a fresh challenge; anything else succeeds (`large1000`: 1,000 items). */
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url.startsWith("/api/transactions/?")) {
    res.writeHead(200, { "content-type": "application/json" }).end(transactionPage);
    return void req.resume();
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const { token } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const send = (status, body) =>
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    if (token === "wrong") send(428, CHALLENGE);
    else if (req.url === "/api/transactions/") send(201, TRANSACTIONS);
    else if (req.url === "/api/balances/")
      send(201, token === "large1000" ? LARGE_BALANCES : BALANCES);
    else send(200, LINK);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  transactionPage = pageOn(`http://127.0.0.1:${server.address().port}`);
  console.log(JSON.stringify({ port: server.address().port }));
});
