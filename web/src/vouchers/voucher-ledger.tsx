// 券台账 for agency staff: the vouchers of the agency's programmes with their balances and expiry.
// Reviewers and agency admins revoke (with a reason); the API refuses while a booking drawing on
// the voucher is in service, and names those bookings, which the page then shows.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { optionsOf, VOUCHER_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Money, ValidThrough } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { ExportLink } from "../ui/export-link";
import { DataTable } from "../ui/table";
import { FilterPills } from "../ui/filter-pills";
import { useOrganisations } from "../organisation";
import { loadProgrammes } from "../programmes";
import { VoucherDetailPage } from "./voucher-revoke";

export type LedgerVoucher = InferResponseType<typeof api.api.vouchers.$get, 200>["items"][number];
type Status = LedgerVoucher["status"];
const STATUSES = Object.keys(VOUCHER_STATUS) as Status[];
export const LEDGER_PATH = "/agency/vouchers";

export function VoucherLedgerPage() {
  const { query } = useLocation();
  const id = query.get("id");
  if (id) return <VoucherDetailPage id={id} offset={Math.max(0, Math.floor(Number(query.get("offset")) || 0))} />;
  const status = query.get("status") === "all" ? undefined : (STATUSES.find((s) => s === query.get("status")) ?? "active");
  return <VoucherList status={status} programmeId={query.get("programme")} />;
}

async function loadLedger(status: Status | undefined, programmeId: string | null) {
  const query = { ...(status ? { status } : {}), ...(programmeId ? { programme_id: programmeId } : {}), limit: "100" };
  const [vouchers, programmes] = await Promise.all([send(api.api.vouchers.$get({ query })), loadProgrammes()]);
  return { vouchers: vouchers.items, programmes: new Map(programmes.items.map((p) => [p.id, p.name])) };
}

function VoucherList({ status, programmeId }: { status: Status | undefined; programmeId: string | null }) {
  const { t, say } = useI18n();
  const ledger = useLoad(() => loadLedger(status, programmeId), `${status ?? "all"}:${programmeId ?? ""}`);
  const enterprises = useOrganisations(ledger.state.status === "ready" ? ledger.state.data.vouchers.map((v) => v.sme_org_id) : []);
  return (
    <Page title={t("券台账", "Voucher ledger")} lead={t("本机构各项目已发放的券：面值、冻结、已用、退回与可用余额。", "Vouchers issued by your programmes: face value, held, spent, returned and available.")}>
      <StatusFilter current={status ?? "all"} programmeId={programmeId} />
      <Loaded load={ledger}>
        {({ vouchers, programmes }) => (
          <>
            {programmeId && (
              <p class="summary">
                {t("项目：", "Programme: ")}
                {programmes.get(programmeId) ?? programmeId} · <Link href={`${LEDGER_PATH}?status=${status ?? "all"}`}>{t("查看全部项目", "All programmes")}</Link>
              </p>
            )}
            <DataTable
              caption={status ? say(VOUCHER_STATUS[status]) : t("全部券", "All vouchers")}
              rows={vouchers}
              rowKey={(row) => row.id}
              empty={t("没有符合条件的券。", "No vouchers with this status.")}
              columns={[
                { header: t("券号", "Voucher"), cell: (row) => <Link href={`${LEDGER_PATH}?id=${row.id}`}>{row.id}</Link> },
                { header: t("企业", "Enterprise"), cell: (row) => enterprises.get(row.sme_org_id)?.name ?? row.sme_org_id },
                { header: t("项目", "Programme"), cell: (row) => programmes.get(row.programme_id) ?? row.programme_id },
                { header: t("面值", "Face value"), cell: (row) => <Money fen={row.face_value_fen} />, class: "num" },
                { header: t("冻结中", "Held"), cell: (row) => <Money fen={row.held_fen} />, class: "num" },
                { header: t("已使用", "Spent"), cell: (row) => <Money fen={row.spent_fen} />, class: "num" },
                { header: t("可用", "Available"), cell: (row) => <Money fen={row.available_fen} />, class: "num" },
                { header: t("有效期至", "Valid through"), cell: (row) => <ValidThrough on={row.valid_through_on} status={row.status} /> },
                { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(VOUCHER_STATUS[row.status])}</span> },
              ]}
            />
            <div class="buttons">
              <ExportLink file="vouchers.csv" filters={{ programme_id: programmeId, status }} />
            </div>
          </>
        )}
      </Loaded>
    </Page>
  );
}

function StatusFilter({ current, programmeId }: { current: Status | "all"; programmeId: string | null }) {
  const programme = programmeId ? `&programme=${programmeId}` : "";
  return <FilterPills choices={optionsOf(VOUCHER_STATUS)} current={current} href={(value) => `${LEDGER_PATH}?status=${value}${programme}`} />;
}
