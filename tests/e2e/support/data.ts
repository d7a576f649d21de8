// Unique sign-up data for the browser tests. The e2e process talks to the server over HTTP only
// and never loads the app itself, so these stand apart from tests/support/fixtures.ts (which
// builds the app in-process for the API tests).
import { randomBytes } from "node:crypto";
import { withCheckCharacter } from "../../../src/domain/credit-code";

export const E2E_PASSWORD = "e2e-password-2026";
const CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const randomCode = (length: number) => [...randomBytes(length)].map((b) => CODE_ALPHABET[b % 31]).join("");

/** A valid 统一社会信用代码 nobody has used: "91" (enterprise), the region, 9 random characters, check. */
export const uniqueCreditCode = (regionCode = "110108") => withCheckCharacter(`91${regionCode}${randomCode(9)}`);

export const uniqueSuffix = () => randomCode(6).toLowerCase();

export const uniqueEmail = (label: string) => `${label}-${uniqueSuffix()}@e2e.example`;

/** Registers a provider through the API (as a script would) and returns its name and login. */
export async function registerProvider(baseUrl: string): Promise<{ name: string; email: string }> {
  const name = `测试算力 ${uniqueSuffix()}`;
  const email = uniqueEmail("provider");
  const response = await fetch(`${baseUrl}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(baseUrl).origin },
    body: JSON.stringify({
      organisation: { kind: "provider", name, credit_code: uniqueCreditCode(), region_code: "110108", size_class: "small", founded_on: "2023-03-01" },
      user: { email, display_name: "测试用户 Test User", password: E2E_PASSWORD },
    }),
  });
  if (response.status !== 201) throw new Error(`provider sign-up answered ${response.status}: ${await response.text()}`);
  return { name, email };
}
