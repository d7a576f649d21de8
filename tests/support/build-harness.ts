import { createApp } from "../../src/app";
import type { BlobStore } from "../../src/blobs/blob-store";
import type { Store } from "../../src/db/store";
import type { WebhookSettings } from "../../src/lib/context";
import type { MailMessage } from "../../src/lib/mail";
import { fetchSender } from "../../src/webhooks/sender";
import { auditSettingsFrom } from "../../src/services/audit-settings";
import { TEST_AUDIT_KEY, TEST_AUDIT_ORIGIN } from "./audit-keys";
import type { Harness } from "./harness-types";

/** Test-only: the client address comes from a header so throttling by address can be exercised. */
export const TEST_ADDRESS_HEADER = "X-Test-Client-Address";

export async function buildHarness(driver: Harness["driver"], store: Store, blobs: BlobStore): Promise<Harness> {
  const clock = { now: Date.now() };
  // Tests replace `webhooks.send` with a receiver of their own; loopback targets are allowed.
  const webhooks: WebhookSettings = { send: fetchSender(true), allowLoopback: true };
  const audit = await auditSettingsFrom({ AUDIT_SIGNING_KEY: TEST_AUDIT_KEY, AUDIT_LOG_ORIGIN: TEST_AUDIT_ORIGIN });
  // What the app would have mailed (password-reset links), for tests to read.
  const outbox: MailMessage[] = [];
  const app = createApp({
    mailer: { send: async (message) => void outbox.push(message) },
    audit: () => audit,
    store: () => store,
    blobs: () => blobs,
    clientAddress: (c) => c.req.header(TEST_ADDRESS_HEADER) ?? "198.51.100.1",
    now: () => clock.now,
    webhooks,
  });
  return { driver, store, blobs, app, clock, webhooks, audit, outbox };
}
