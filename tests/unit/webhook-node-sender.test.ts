// The Node sender against real receivers on loopback: the README's verification example accepts
// what it sends; it gives up after its timeout, never follows a redirect, reads a bounded answer,
// and refuses loopback targets (by literal or by resolved name) unless development allows them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { guardedLookup, nodeSender } from "../../src/webhooks/node-sender";
import { WebhookSendError } from "../../src/webhooks/sender";
import { signedHeaders, newWebhookSecret } from "../../src/webhooks/signature";

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** The README's "verify it like this" code block, imported as a module. */
async function readmeVerifier(): Promise<(secret: string, headers: Record<string, string>, body: string) => boolean> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = /<!-- webhook-verify-example -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README has no webhook verification example");
  const directory = mkdtempSync(join(tmpdir(), "verify-example-"));
  const file = join(directory, "verify.mjs");
  writeFileSync(file, block);
  try {
    return (await import(pathToFileURL(file).href)).verifyWebhook;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe("the Node webhook sender", () => {
  it("sends what the README's example verifies, and the example refuses a changed body", async () => {
    const received: { headers: Record<string, string>; body: string }[] = [];
    const url = await serve((req, res, body) => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: "msg_test", type: "booking.requested", timestamp: new Date().toISOString(), data: { booking_id: "bkg_x" } });
    const headers = await signedHeaders([secret], "msg_test", Math.floor(Date.now() / 1000), body);
    const response = await nodeSender(true)({ url, headers, body });
    expect(response.status).toBe(204);
    const verify = await readmeVerifier();
    const [got] = received;
    expect(verify(secret, got?.headers ?? {}, got?.body ?? "")).toBe(true);
    expect(verify(secret, got?.headers ?? {}, `${got?.body}x`)).toBe(false);
    expect(verify(newWebhookSecret(), got?.headers ?? {}, got?.body ?? "")).toBe(false);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    const url = await serve(() => {
      // never answers
    });
    const error = await nodeSender(true, 300)({ url, headers: {}, body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookSendError);
    expect((error as WebhookSendError).code).toBe("timeout");
  });

  it("does not follow redirects and reads only a bounded answer", async () => {
    let followed = false;
    const target = await serve((_req, res) => {
      followed = true;
      res.end("ok");
    });
    const redirecting = await serve((_req, res) => res.writeHead(307, { location: target }).end());
    expect((await nodeSender(true)({ url: redirecting, headers: {}, body: "{}" })).status).toBe(307);
    expect(followed).toBe(false);
    const flood = await serve((_req, res) => {
      res.writeHead(500, { "retry-after": "120" });
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    expect(await nodeSender(true, 5_000)({ url: flood, headers: {}, body: "{}" })).toEqual({ status: 500, retry_after_seconds: 120 });
  });

  it("refuses loopback targets outside development, by address and by resolved name", async () => {
    const url = await serve((_req, res) => res.end());
    const literal = await nodeSender(false)({ url, headers: {}, body: "{}" }).catch((e: unknown) => e);
    expect((literal as WebhookSendError).code).toBe("refused_address");
    const resolved = await new Promise<Error | null>((resolve) => guardedLookup(false)("localhost", {}, (error) => resolve(error)));
    expect(resolved).toBeInstanceOf(WebhookSendError);
    const allowed = await new Promise<Error | null>((resolve) => guardedLookup(true)("localhost", {}, (error) => resolve(error)));
    expect(allowed).toBeNull();
  });
});
