// Node: http/https.request with a `lookup` that refuses any resolved address outside the allowed
// ranges, so a name that resolves (or re-resolves) to a private address is refused at connect
// time, not only when the endpoint was registered. Redirects are never followed, answers are read
// up to MAX_RESPONSE_BYTES, and each attempt ends after ATTEMPT_TIMEOUT_MS.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { addressAllowed } from "../domain/network-address";
import { ATTEMPT_TIMEOUT_MS, MAX_RESPONSE_BYTES, parseRetryAfter, urlProblem, WebhookSendError, type WebhookSender } from "./sender";

/** dns.lookup that refuses names resolving to any address outside the allowed ranges. */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const refused = addresses.find((a) => !addressAllowed(a.address, allowLoopback));
      if (refused || addresses.length === 0) {
        return callback(new WebhookSendError("refused_address", `${hostname} resolves to ${refused?.address ?? "nothing"}, which is not allowed`), "", 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

export function nodeSender(allowLoopback: boolean, timeoutMs = ATTEMPT_TIMEOUT_MS): WebhookSender {
  const lookup = guardedLookup(allowLoopback);
  return (request) =>
    new Promise((resolve, reject) => {
      const problem = urlProblem(request.url, allowLoopback);
      if (problem) return reject(new WebhookSendError("refused_address", problem));
      const url = new URL(request.url);
      const client = url.protocol === "https:" ? https : http;
      const req = client.request(
        url,
        { method: "POST", headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) }, lookup, timeout: timeoutMs },
        (res) => {
          let read = 0;
          res.on("data", (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) res.destroy();
          });
          const done = () => resolve({ status: res.statusCode ?? 0, retry_after_seconds: parseRetryAfter(res.headers["retry-after"], Date.now()) });
          res.on("end", done);
          res.on("close", done);
          res.on("error", done);
        },
      );
      const timedOut = () => req.destroy(new WebhookSendError("timeout", `no answer within ${timeoutMs / 1000} s`));
      const overall = setTimeout(timedOut, timeoutMs);
      req.on("timeout", timedOut);
      req.on("error", (error) => {
        clearTimeout(overall);
        reject(error instanceof WebhookSendError ? error : new WebhookSendError("network_error", error.message));
      });
      req.on("close", () => clearTimeout(overall));
      req.end(request.body);
    });
}
