// An organisation's details, edited by its admin (docs/accounts.md). The edit writes only while
// the facts an agency verified (an enterprise's legal name and its eligibility facts) are still
// the ones it read, and a change to them resets the verification state in the same UPDATE.
import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { organisations, type Organisation } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { verificationSummary } from "../../services/verification";
import { vettingViewFor } from "../../services/vetting";
import { presentOrganisation, presentVerification } from "../auth/present";
import type * as routes from "./account.routes";

const ELIGIBILITY_FIELDS = ["credit_code", "region_code", "size_class", "founded_on"] as const;
/** An enterprise's legal name is checked against its licence too, and public notices, claims and
 *  reports show it: renaming goes back to the agency like an eligibility fact. Agencies' and the
 *  platform's names are the operator's word and stay plain details. */
const ENTERPRISE_VERIFIED_FIELDS = ["name", ...ELIGIBILITY_FIELDS] as const;
const REVERIFY_REASON = "名称或资格信息已修改，需重新上传营业执照并提交核验 / Name or eligibility facts changed: upload the business licence and submit for verification again";

export const updateOrganisation: RouteHandler<typeof routes.updateOrganisation, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id) throw notFound("机构", "Organisation");
  const body = c.req.valid("json");
  const store = c.var.store;
  const [before] = await store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!before) throw notFound("机构", "Organisation");
  const changed = Object.fromEntries(
    Object.entries(body).filter(([key, value]) => value !== undefined && before[key as keyof Organisation] !== value),
  ) as Partial<Organisation>;
  const operatorManaged = before.kind === "agency" || before.kind === "platform";
  const eligibility = ELIGIBILITY_FIELDS.filter((field) => field in changed);
  if (eligibility.length > 0 && operatorManaged) {
    throw conflict("operator_managed", "机构资格信息由平台运营方维护 / The installation's operator keeps these facts for agencies and the platform", { fields: eligibility });
  }
  if (Object.keys(changed).length === 0) {
    return c.json({ ...presentOrganisation(before, await vettingViewFor(store, before, actor.org)), verification: presentVerification(await verificationSummary(store, before)) }, 200);
  }
  const now = c.var.now();
  const verified = (operatorManaged ? ELIGIBILITY_FIELDS : ENTERPRISE_VERIFIED_FIELDS).filter((field) => field in changed);
  const reverify = verified.length > 0
    ? { verification_state: "unverified" as const, verification_reason: REVERIFY_REASON, verification_submitted_at: null, verified_by: null, verified_at: null }
    : {};
  // Written only while the verified facts are still those read (an agency may have just
  // corrected them while verifying): otherwise the name becomes NULL and NOT NULL fails.
  const unchangedSinceRead = sql`${organisations.name} = ${before.name} AND ${organisations.credit_code} = ${before.credit_code} AND ${organisations.region_code} = ${before.region_code} AND ${organisations.size_class} = ${before.size_class} AND ${organisations.founded_on} = ${before.founded_on}`;
  const name = changed.name ?? before.name;
  const pick = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, before[k as keyof Organisation]]));
  try {
    await commit(
      c,
      [store.db.update(organisations).set({ ...changed, ...reverify, name: sql`CASE WHEN ${unchangedSinceRead} THEN ${name} ELSE NULL END` }).where(eq(organisations.id, id))],
      [
        {
          action: verified.length > 0 ? "organisation.eligibility_changed" : "organisation.details_changed",
          subject_type: "organisation",
          subject_id: id,
          before: { ...pick(Object.keys(changed)), ...(verified.length > 0 ? { verification_state: before.verification_state } : {}) },
          after: { ...changed, ...reverify },
        },
      ],
    );
  } catch (error) {
    if (constraintViolation(error)?.name === "organisations.name") {
      throw conflict("changed_meanwhile", "机构信息刚被核验人员修改，请刷新后重试 / A verifier just changed these facts; reload and try again");
    }
    throw error;
  }
  const [after] = await store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!after) throw notFound("机构", "Organisation");
  return c.json({ ...presentOrganisation(after, await vettingViewFor(store, after, actor.org)), verification: presentVerification(await verificationSummary(store, after)) }, 200);
};
