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
            {items.length === 0 && offset === 0 ? (
              <ClaimsEmpty status={status} />
            ) : (
              <DataTable
                caption={status === "all" ? t("全部兑付申请", "All claims") : say(CLAIM_STATUS[status])}
                rows={items}
                rowKey={(c) => c.id}
                empty={t("这一页没有兑付申请。", "No claims on this page.")}
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
            )}
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

/**
 * No claims to list: what would be here, who files it and when, for the reader's kind of
 * organisation. An enterprise lists only the claims it files itself (通用); in 通兑 the provider
 * claims and the enterprise sees nothing here, which it should be told rather than left guessing.
 */
/** An empty list's note: what it is (bold), then what would be here and why, then where to go. */
function EmptyNote({ title, lines = [], link }: { title: string; lines?: string[]; link?: { href: string; text: string } }) {
  return (
    <div class="empty">
      <p>
        <strong>{title}</strong>
      </p>
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      {link && (
        <p>
          <Link href={link.href}>{link.text}</Link>
        </p>
      )}
    </div>
  );
}

function ClaimsEmpty({ status }: { status: ClaimStatus | "all" }) {
  const { t, say } = useI18n();
  const me = useMe();
  const kind = me.organisation.kind;
  const delivered = t("查看已交付的预约", "See delivered bookings");
  if (status !== "all") {
    const name = say(CLAIM_STATUS[status]);
    return <EmptyNote title={t(`没有“${name}”的兑付申请。`, `No claims are “${name}”.`)} link={{ href: `${CLAIMS_PATH}?status=all`, text: t("查看全部兑付申请", "See all claims") }} />;
  }
  if (kind === "agency") {
    return (
      <EmptyNote
        title={t("本机构的券项目还没有兑付申请。", "No claims on your programmes yet.")}
        lines={[
          t(
            "预约交付并经企业确认后，服务商（通兑项目）或企业（通用项目）会申请兑付券补贴部分；提交的申请在这里按状态排队：初审、财务复核、公示、支付。",
            "Once a booking is delivered and the enterprise has confirmed it, the provider (tongdui programmes) or the enterprise (tongyong programmes) claims the voucher's part; claims queue here by stage: first review, finance review, public notice, payment.",
          ),
        ]}
      />
    );
  }
  if (kind === "provider") {
    return (
      <EmptyNote
        title={t("你还没有兑付申请。", "You have no claims yet.")}
        lines={[
          t(
            "通兑项目中，企业只向你支付自付部分，券补贴部分由你向主管部门申请兑付。预约交付、企业确认交付后即可申请；提交后，审核、公示和支付的进度都显示在这里。通用项目由企业自行申请报销，不在这里。",
            "In tongdui programmes the enterprise pays you only its co-pay and you claim the voucher's part from the agency. You can claim once a booking is delivered and the enterprise has confirmed the delivery; after that, review, public notice and payment show here. In tongyong programmes the enterprise claims itself, so those are not here.",
          ),
        ]}
        link={{ href: "/provider/bookings?status=delivered", text: delivered }}
      />
    );
  }
  return (
    <EmptyNote
      title={t("你还没有兑付申请。", "You have no claims yet.")}
      lines={[
        t(
          "这里列出你提交的兑付申请。通用项目中，你先向服务商全额付款，预约交付并由你确认交付后，在这里申请报销券补贴部分，随后可看到审核、公示和支付进度。",
          "This lists the claims you file. In tongyong programmes you pay the provider in full; once a booking is delivered and you have confirmed the delivery, you claim the voucher's part back here and then follow its review, public notice and payment.",
        ),
        t(
          "通兑项目中，你只支付自付部分，券补贴部分由服务商申请兑付，那些申请不在这里列出，你无需操作。",
          "In tongdui programmes you pay only your co-pay and the provider claims the voucher's part; those claims are not listed here and need nothing from you.",
        ),
      ]}
      link={{ href: "/my-bookings?status=delivered", text: delivered }}
    />
  );
}
