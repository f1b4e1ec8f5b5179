/** `npm run schema`: writes schema.graphql from the type-graphql classes. */
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { buildGatewaySchema, printGatewaySchema } from "./schema.js";

writeFileSync("schema.graphql", printGatewaySchema(await buildGatewaySchema()));
console.log("wrote schema.graphql");
