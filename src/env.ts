// The Node entry's settings, parsed once at start-up: a bad value fails loudly, at once.
import { z } from "zod";

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_PATH: z.string().min(1).default("./data/vouchers.sqlite"),
  DEMO_SEED: z.enum(["auto", "off"]).default("auto"),
  /** How often voucher expiry and booking lapse run. */
  /** Sign-ups one client address may make per hour. */
  SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Trust X-Forwarded-For and X-Forwarded-Proto (only behind your own reverse proxy). */
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  /** Allow webhook endpoints on loopback (http://127.0.0.1, localhost): development only. */
  WEBHOOK_ALLOW_LOOPBACK: z.enum(["0", "1"]).default("0"),
  /** How often due webhook deliveries are sent. */
  WEBHOOK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(2),
  /**
   * SQLite's fsync policy. FULL (default): a committed write survives a power cut. NORMAL: with
   * WAL, the last commits before a power cut may be lost (never corrupted); faster on slow disks.
   */
  SQLITE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"]).default("FULL"),
  /** There is no mail server: print invitation links and password-reset mail to the server log (turn off once links go out otherwise; docs/accounts.md). */
  LOG_INVITATION_LINKS: z.enum(["0", "1"]).default("1"),
  /** The audit checkpoint signing key (PKCS#8 base64 or JWK). Unset: a key file beside the database. */
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** Where the key file lives (created with mode 0600 on first start). Default: beside DATABASE_PATH. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The checkpoints' origin line: a name for this log, e.g. "vouchers.example.gov.cn/audit". */
  AUDIT_LOG_ORIGIN: z.string().regex(/^[^\s+]+$/, "one word, no spaces or '+'").default("compute-vouchers.local/audit"),
  AUDIT_CHECKPOINT_EVERY_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(256),
  AUDIT_CHECKPOINT_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
});

export type NodeEnv = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): NodeEnv {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return result.data;
}
