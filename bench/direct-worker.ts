// The bench Worker (bench/d1.ts) started through wrangler's API (`unstable_DevEnv`, what `wrangler
// dev` runs) so the bench can send its bursts straight to the Worker's own workerd socket, not
// through wrangler's ProxyWorker: `npx tsx bench/direct-worker.ts CONFIG PERSIST_DIR PORT`. The
// ProxyWorker is `wrangler dev`'s front door (it holds requests while the Worker reloads); it does
// not exist on Cloudflare, and it reports a dropped forward of a POST as "Your worker restarted
// mid-request" (docs/performance.md, "D1 bursts, fourth round" and "fifth round"). Prints one line,
// `DIRECT {"proxyUrl", "userWorkerUrl", "headers"}`, when the Worker is ready: `userWorkerUrl` is
// the Worker's socket (miniflare's entry, in the workerd process that also holds the local D1),
// `headers` the ones the ProxyWorker adds to every forwarded request.
import { unstable_DevEnv as DevEnv } from "wrangler";

const [config, persist, port] = process.argv.slice(2);
if (!config || !persist || !port) throw new Error("usage: direct-worker.ts CONFIG PERSIST_DIR PORT");

type ProxyData = { userWorkerUrl: { protocol: string; hostname: string; port: string }; headers?: Record<string, string> };
const devEnv = new DevEnv();
let proxyData: ProxyData | undefined;
// The runtime controller tells the proxy controller where the Worker listens through the bus.
const dispatch = devEnv.dispatch.bind(devEnv);
devEnv.dispatch = (event: Parameters<typeof dispatch>[0]) => {
  if (event.type === "reloadComplete") proxyData = (event as unknown as { proxyData: ProxyData }).proxyData;
  dispatch(event);
};
const worker = await devEnv.startWorker({
  config,
  dev: { server: { hostname: "127.0.0.1", port: Number(port) }, inspector: false, persist, watch: false, liveReload: false, logLevel: "log" },
});
await worker.ready;
const proxyUrl = (await worker.url).href;
for (let i = 0; i < 100 && !proxyData; i++) await new Promise((r) => setTimeout(r, 100));
if (!proxyData) throw new Error("the Worker's own address was never announced");
const { protocol, hostname, port: userPort } = proxyData.userWorkerUrl;
console.log(`DIRECT ${JSON.stringify({ proxyUrl, userWorkerUrl: `${protocol}//${hostname}:${userPort}`, headers: proxyData.headers ?? {} })}`);

const stop = () => {
  void worker.dispose().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
