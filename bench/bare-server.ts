// Baseline (a) of the booking benchmark: one JSON route on the same stack as src/server.ts
// (tsx, @hono/node-server, a router from createRouter), with nothing else in front of it.
import { serve } from "@hono/node-server";
import { parseEnv } from "../src/env";
import { createRouter } from "../src/lib/create-app";

const env = parseEnv(process.env);
const app = createRouter();
app.get("/api/bench/bare", (c) => c.json({ ok: true, at: Date.now() }));
serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  console.log(`Listening on ${info.address}:${info.port}`);
});
process.on("SIGTERM", () => process.exit(0));
