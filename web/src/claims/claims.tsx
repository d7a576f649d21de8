// 兑付: one page for everyone who may read claims. A claimant (the provider in 通兑 programmes,
// the enterprise in 通用 ones) lists its own claims and starts new ones; agency staff get the
// queue by status (初审 for reviewers, 复核 and payment for finance; auditors read only). `?id=`
// opens one claim (notifications link there), `?new=1` the claim form.
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { ExportLink } from "../ui/export-link";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { FilterPills } from "../ui/filter-pills";
import { ClaimDetailPage } from "./claim-detail";
import { claimHref, CLAIM_STATUS, CLAIMS_PATH, type ClaimStatus } from "./claim-words";
import { NewClaimPage } from "./new-claim";

const PAGE_SIZE = 50;
const STATUSES = Object.keys(CLAIM_STATUS) as ClaimStatus[];

export function ClaimsPage() {
  const { query } = useLocation();
  const id = query.get("id");
  if (id) return <ClaimDetailPage id={id} done={query.get("done")} />;
  if (query.get("new") === "1") return <NewClaimPage />;
  return <ClaimList status={query.get("status")} offset={Math.max(0, Math.floor(Number(query.get("offset")) || 0))} />;
}

export function ClaimStatusBadge({ status }: { status: ClaimStatus }) {
  const { say } = useI18n();
  const look = status === "paid" ? "approved" : status === "rejected" ? "rejected" : status === "on_notice" ? "open" : "pending";
  return <span class={`badge ${look}`}>{say(CLAIM_STATUS[status])}</span>;
}

function ClaimList({ status: asked, offset }: { status: string | null; offset: number }) {
  const { t, say } = useI18n();
  const me = useMe();
  const agency = me.organisation.kind === "agency";
  // Each agency role starts where its work is: finance at 复核, the others at 初审.
  const fallback: ClaimStatus | "all" = agency ? (me.user.role === "finance" ? "reviewed" : me.user.role === "auditor" ? "all" : "submitted") : "all";
  const status = asked === "all" ? "all" : (STATUSES.find((s) => s === asked) ?? fallback);
  const claims = useLoad(
    () => send(api.api.claims.$get({ query: { ...(status === "all" ? {} : { status }), limit: String(PAGE_SIZE), offset: String(offset) } })),
    `${status}:${offset}`,
  );
  const base = `${CLAIMS_PATH}?status=${status}`;
  return (
    <Page
      title={agency ? t("兑付审核", "Claims queue") : t("兑付申请", "Claims")}
      lead={
        agency
          ? me.user.role === "auditor"
            ? t("你的角色可以查看兑付申请，但不能审核或支付。", "Your role can read claims but not review or pay them.")
            : t("初审由审核员完成，复核与支付由财务完成，两步须由不同人员办理。公示期结束且无未处理异议后方可支付。", "A reviewer does the first review, finance the second and the payment; two different people. Pay only after the notice ends with no open objection.")
          : me.organisation.kind === "provider"
            ? t("通兑模式：企业只付自付部分，券的部分由服务商向主管部门申请兑付。", "Tongdui: the enterprise pays only its co-pay; you claim the voucher's part from the agency.")
            : t("通用模式：企业已全额支付服务商，券的部分由企业申请报销。", "Tongyong: you paid the provider in full and claim the voucher's part back.")
      }
    >
      {!agency && (
        <p>
          <Link href={`${CLAIMS_PATH}?new=1`} class="button primary">
            {t("申请兑付", "New claim")}
          </Link>
        </p>
      )}
      <FilterPills choices={STATUSES.map((s) => [s, CLAIM_STATUS[s]] as const)} current={status} href={(value) => `${CLAIMS_PATH}?status=${value}`} />
      <Loaded load={claims}>
        {({ items, total }) => (
          <>
            <DataTable
              caption={status === "all" ? t("全部兑付申请", "All claims") : say(CLAIM_STATUS[status])}
              rows={items}
              rowKey={(c) => c.id}
              empty={agency ? t("没有此状态的兑付申请。", "No claims with this status.") : t("还没有兑付申请。", "No claims yet.")}
              columns={[
                { header: t("项目", "Programme"), cell: (c) => <Link href={claimHref(c.id)}>{c.programme_name}</Link> },
                agency
                  ? { header: t("申请方", "Claimant"), cell: (c) => c.claimant_name }
                  : { header: t("对方", "Counterpart"), cell: (c) => (me.organisation.kind === "provider" ? c.sme_name : c.provider_name) },
                ...(agency ? [{ header: t("企业 / 服务商", "Enterprise / provider"), cell: (c: (typeof items)[number]) => `${c.sme_name} / ${c.provider_name}` }] : []),
                { header: t("预约数", "Bookings"), class: "num", cell: (c) => c.booking_ids.length },
                { header: t("交付总价", "Delivered gross"), class: "num", cell: (c) => <Money fen={c.gross_fen} /> },
                { header: t("申请补贴", "Subsidy claimed"), class: "num", cell: (c) => <strong><Money fen={c.amount_fen} /></strong> },
                { header: t("状态", "Status"), cell: (c) => <ClaimStatusBadge status={c.status} /> },
                { header: t("公示期", "Notice"), cell: (c) => (c.notice_starts_on ? `${c.notice_starts_on} – ${c.notice_ends_on}` : "—") },
                { header: t("提交时间", "Submitted"), cell: (c) => <Instant at={c.created_at} /> },
              ]}
            />
            {agency && (
              <div class="buttons">
                <ExportLink file="claims.csv" filters={{ status: status === "all" ? undefined : status }} />
              </div>
            )}
            <nav class="pager" aria-label={t("翻页", "Pages")}>
              {offset > 0 && <Link href={`${base}&offset=${Math.max(0, offset - PAGE_SIZE)}`}>{t("← 上一页", "← Previous")}</Link>}
              {offset + items.length < total && <Link href={`${base}&offset=${offset + PAGE_SIZE}`}>{t("下一页 →", "Next →")}</Link>}
            </nav>
          </>
        )}
      </Loaded>
    </Page>
  );
}
