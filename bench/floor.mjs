// The floor: the least any Node gateway must do. Reads the GraphQL POST, sends the same PATCH over
// the same kind of undici pool, and wraps Belvo's JSON, with no GraphQL at all.
import { createServer } from "node:http";
import { Pool } from "undici";

const pool = new Pool(process.env.BELVO_URL, { connections: 64, keepAliveTimeout: 10_000 });
const authorization = `Basic ${Buffer.from("bench:bench").toString("base64")}`;

const server = createServer((req, res) => {
  if (req.method !== "POST") return void res.end("ok");
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (query.includes("transactions(link:")) return void page(res, variables);
    const { session, token, link, saveData } = variables.input;
    const resource = ["Balances", "Transactions"].find((name) => query.includes(`resume${name}`));
    const field = `resume${resource ?? "Link"}`;
    const body = resource
      ? { session, token, link, save_data: saveData ?? true }
      : { session, token, link };
    const answer = await pool.request({
      method: "PATCH",
      path: resource ? `/api/${resource.toLowerCase()}/` : "/api/links/",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await answer.body.text();
    res.writeHead(200, { "content-type": "application/json" }).end(`{"data":{"${field}":${text}}}`);
  });
});
/** A page of saved transactions: one GET, Belvo's page wrapped as it came. */
async function page(res, { link, first }) {
  const answer = await pool.request({
    method: "GET",
    path: `/api/transactions/?link=${link}&page=1&page_size=${first}`,
    headers: { authorization },
  });
  const text = await answer.body.text();
  res
    .writeHead(200, { "content-type": "application/json" })
    .end(`{"data":{"transactions":${text}}}`);
}

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
