// 工作台: what needs this person's attention, by organisation kind and role. Each card shows only
// when the API would let this person do what it offers.
import { may } from "../shell/access";
import { DataText } from "../ui/values";
import { useI18n, type Bilingual } from "../shell/i18n";
import { ORG_KIND, PROVIDER_STATUS, USER_ROLE, type ProviderStatus } from "../shell/labels";
import { Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { ProviderChecklist, SmeChecklist } from "./checklist";
import { AgencyApplicationsCard, ProviderRequestsCard, SmeBookingsCard, SmeVouchersCard } from "./home-cards";
import { loadOrganisation, loadRelatedParties, MISSING, VERIFICATION_STATE } from "../organisation";
import { loadProviders } from "../providers";

export function HomePage() {
  const { t } = useI18n();
  const me = useMe();
  const [kindZh, kindEn] = ORG_KIND[me.organisation.kind];
  const [roleZh, roleEn] = USER_ROLE[me.user.role];
  const declares = me.organisation.kind === "sme" || me.organisation.kind === "provider";
  return (
    <Page
      title={t("工作台", "Home")}
      lead={`${me.user.display_name} · ${me.organisation.name} · ${t(kindZh + roleZh, `${kindEn} ${roleEn.toLowerCase()}`)}`}
    >
      {me.organisation.kind === "sme" && me.verification.state !== "verified" && <VerificationNotice />}
      {me.organisation.kind === "sme" && <SmeChecklist />}
      {me.organisation.kind === "provider" && may(me, "GET /api/provider-vettings") && <ProviderChecklist />}
      <div class="cards">
        {me.organisation.kind === "sme" && <SmeVouchersCard />}
        {me.organisation.kind === "sme" && <SmeBookingsCard />}
        {me.organisation.kind === "provider" && <ProviderApprovalCard />}
        {me.organisation.kind === "provider" && may(me, "POST /api/bookings/{id}/confirm") && <ProviderRequestsCard />}
        {me.organisation.kind === "agency" && may(me, "GET /api/voucher-applications") && <AgencyApplicationsCard />}
        {may(me, "GET /api/providers") && <ProviderQueueCard />}
        <OrganisationCard />
        {declares && <RelatedPartiesCard />}
      </div>
    </Page>
  );
}

/** Before an enterprise applies: an agency cannot approve its application until it is verified. */
function VerificationNotice() {
  const { t, say } = useI18n();
  const { verification } = useMe();
  return (
    <section class="card notice" aria-labelledby="verification-notice">
      <h2 id="verification-notice">
        {t("机构尚未核验", "Your organisation is not verified yet")}{" "}
        <span class={`badge ${verification.state}`}>{say(VERIFICATION_STATE[verification.state])}</span>
      </h2>
      {verification.reason && <p class="reason">{verification.reason}</p>}
      <p>
        {t(
          "主管部门核验你的营业执照之前，不能批准你的算力券申请。尚需：",
          "An agency cannot approve your voucher applications until it has checked your business licence. Still needed:",
        )}
        {verification.missing.map((item) => say(MISSING[item])).join(t("；", "; "))}
      </p>
      <p>
        <Link href="/organisation">{t("去上传营业执照并提交核验", "Upload the licence and submit it")}</Link>
      </p>
    </section>
  );
}

const APPROVAL_EXPLAINED: Record<ProviderStatus, Bilingual> = {
  pending: ["主管部门正在审核你的注册。审核通过后，你就可以发布算力、数据等资源。", "The funding agency is reviewing your registration. Once approved, you can publish compute, data and other resources."],
  approved: ["你的机构已通过审核，可以发布资源并接受预约。", "Your organisation is approved: you can publish resources and take bookings."],
  rejected: ["你的注册未通过审核。请根据原因修正后联系主管部门。", "Your registration was not approved. Address the reason and contact the funding agency."],
  suspended: ["你的服务已被暂停，暂时不能接受新的预约。", "Your organisation is suspended and cannot take new bookings for now."],
};

function ProviderApprovalCard() {
  const { t, say } = useI18n();
  const me = useMe();
  // Read afresh: the approval may have happened since this person signed in.
  const organisation = useLoad(() => loadOrganisation(me.organisation.id), me.organisation.id);
  return (
    <section class="card" aria-labelledby="approval">
      <h2 id="approval">{t("服务商审核状态", "Provider approval")}</h2>
      <Loaded load={organisation}>
        {(org) =>
          org.provider_status && (
            <>
              <p>
                <span class={`badge ${org.provider_status}`}>{say(PROVIDER_STATUS[org.provider_status])}</span>
              </p>
              <p>{say(APPROVAL_EXPLAINED[org.provider_status])}</p>
              {org.provider_status_reason && (
                <p>
                  {t("原因：", "Reason: ")}
                  {org.provider_status_reason}
                </p>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function ProviderQueueCard() {
  const { t } = useI18n();
  const me = useMe();
  const providers = useLoad(() => loadProviders("pending"), "pending");
  const decides = may(me, "POST /api/providers/{id}/approve");
  return (
    <section class="card" aria-labelledby="provider-queue">
      <h2 id="provider-queue">{t("服务商审核", "Provider approvals")}</h2>
      <Loaded load={providers}>
        {({ items }) => (
          <>
            <p class="figure">
              <span class="number">{items.length}</span> {t("家服务商待审核", items.length === 1 ? "provider awaiting approval" : "providers awaiting approval")}
            </p>
            <p>
              <Link href="/providers?status=pending">{decides ? t("去审核", "Review them") : t("查看服务商", "View providers")}</Link>
            </p>
          </>
        )}
      </Loaded>
    </section>
  );
}

function OrganisationCard() {
  const { t, say } = useI18n();
  const org = useMe().organisation;
  return (
    <section class="card" aria-labelledby="my-organisation">
      <h2 id="my-organisation">{t("我的机构", "My organisation")}</h2>
      <p>
        <strong>
          <DataText>{org.name}</DataText>
        </strong>
      </p>
      <p class="hint">
        {say(ORG_KIND[org.kind])} · {t("统一社会信用代码", "Credit code")} <code>{org.credit_code}</code>
      </p>
      <p>
        <Link href="/organisation">{t("查看机构信息", "Organisation details")}</Link>
      </p>
    </section>
  );
}

function RelatedPartiesCard() {
  const { t } = useI18n();
  const id = useMe().organisation.id;
  const parties = useLoad(() => loadRelatedParties(id), id);
  return (
    <section class="card" aria-labelledby="related-parties-summary">
      <h2 id="related-parties-summary">{t("关联方申报", "Related parties")}</h2>
      <Loaded load={parties}>
        {({ items }) => (
          <p class="figure">
            <span class="number">{items.length}</span> {t("条已申报", "declared")}
          </p>
        )}
      </Loaded>
      <p>{t("与关联方之间的交易不能使用补贴，请及时申报关联方。", "Deals with related parties cannot be subsidised: keep your declarations up to date.")}</p>
      <p>
        <Link href="/organisation">{t("查看与申报", "View and declare")}</Link>
      </p>
    </section>
  );
}
