// A receiver's check of a Standard Webhooks signature, written from the spec (1.0.0) apart from
// the product's signing code: HMAC-SHA256 over "{id}.{timestamp}.{body}" under the base64-decoded
// secret (after "whsec_"), compared with each "v1,<base64>" in webhook-signature.
export async function verifyStandardWebhook(secret: string, headers: Record<string, string>, body: string, nowSeconds: number, toleranceSeconds = 300): Promise<boolean> {
  const id = headers["webhook-id"];
  const timestamp = Number(headers["webhook-timestamp"]);
  const signatures = (headers["webhook-signature"] ?? "").split(" ");
  if (!id || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const raw = atob(secret.replace(/^whsec_/, ""));
  const keyBytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) keyBytes[i] = raw.charCodeAt(i);
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  for (const entry of signatures) {
    const [version, value] = entry.split(",");
    if (version !== "v1" || !value) continue;
    const mac = atob(value);
    const macBytes = new Uint8Array(mac.length);
    for (let i = 0; i < mac.length; i++) macBytes[i] = mac.charCodeAt(i);
    if (await crypto.subtle.verify("HMAC", key, macBytes, new TextEncoder().encode(`${id}.${timestamp}.${body}`))) return true;
  }
  return false;
}
