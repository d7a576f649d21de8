// 我的券: this enterprise's vouchers with face value, held, spent and available, and expiry in
// Beijing time with the days left; one voucher with the ledger transfers behind its balance.
import type { ComponentChildren } from "preact";
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { VOUCHER_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Figures, Money, ValidThrough } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { BOOKINGS_PATH } from "../bookings";
import { loadProgrammeNames, type ProgrammeSummary } from "../programmes";
import { PROGRAMMES_PATH } from "../applications";

export const VOUCHERS_PATH = "/my-vouchers";
export const TRANSFERS_PAGE = 50;

export type Voucher = InferResponseType<typeof api.api.vouchers.$get, 200>["items"][number];
type VoucherDetail = InferResponseType<(typeof api.api.vouchers)[":id"]["$get"], 200>;
type Transfer = VoucherDetail["transfers"]["items"][number];

export const loadMyVouchers = () => send(api.api.vouchers.$get({ query: { limit: "100" } }));

async function loadVouchers() {
  const { items } = await loadMyVouchers();
  return { items, programmes: await loadProgrammeNames(items.map((v) => v.programme_id)) };
}

export const loadVoucherDetail = (id: string, offset: number) =>
  send(api.api.vouchers[":id"].$get({ param: { id }, query: { transfers_limit: String(TRANSFERS_PAGE), transfers_offset: String(offset) } }));

async function loadVoucher(id: string, offset: number) {
  const voucher = await loadVoucherDetail(id, offset);
  return { voucher, programmes: await loadProgrammeNames([voucher.programme_id]) };
}

export function MyVouchersPage() {
  const query = useLocation().query;
  const id = query.get("id");
  const offset = Math.max(0, Math.floor(Number(query.get("offset")) || 0));
  return id ? <VoucherPage id={id} offset={offset} /> : <VoucherList />;
}

export function VoucherStatusBadge({ status }: { status: Voucher["status"] }) {
  const { say } = useI18n();
  return <span class={`badge ${status}`}>{say(VOUCHER_STATUS[status])}</span>;
}

const nameOf = (programmes: Map<string, ProgrammeSummary>, id: string) => programmes.get(id)?.name ?? id;

function VoucherList() {
  const { t } = useI18n();
  const vouchers = useLoad(loadVouchers, "all");
  return (
    <Page title={t("我的券", "My vouchers")} lead={t("可用 = 面值 − 冻结 − 已使用 − 已作废。冻结是已预约、尚未交付的补贴。", "Available = face value − held − spent − lapsed. Held is subsidy reserved by bookings not yet delivered.")}>
      <Loaded load={vouchers}>
        {({ items, programmes }) => (
          <DataTable
            caption={t("我的券", "My vouchers")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("还没有券。可在“券项目”中申请。", "No vouchers yet: apply under Voucher programmes.")}
            columns={[
              { header: t("项目", "Programme"), cell: (row) => <Link href={`${VOUCHERS_PATH}?id=${row.id}`}>{nameOf(programmes, row.programme_id)}</Link> },
              { header: t("状态", "Status"), cell: (row) => <VoucherStatusBadge status={row.status} /> },
              { header: t("面值", "Face value"), class: "num", cell: (row) => <Money fen={row.face_value_fen} /> },
              { header: t("冻结", "Held"), class: "num", cell: (row) => <Money fen={row.held_fen} /> },
              { header: t("已使用", "Spent"), class: "num", cell: (row) => <Money fen={row.spent_fen} /> },
              { header: t("可用", "Available"), class: "num", cell: (row) => <strong><Money fen={row.available_fen} /></strong> },
              { header: t("有效期至", "Valid through"), cell: (row) => <ValidThrough on={row.valid_through_on} status={row.status} /> },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function VoucherPage({ id, offset }: { id: string; offset: number }) {
  const { t } = useI18n();
  const loaded = useLoad(() => loadVoucher(id, offset), `${id}:${offset}`);
  return (
    <Page title={t("券详情", "Voucher")}>
      <p>
        <Link href={VOUCHERS_PATH}>← {t("我的券", "My vouchers")}</Link>
      </p>
      <Loaded load={loaded}>{({ voucher, programmes }) => <VoucherDetailView voucher={voucher} programme={nameOf(programmes, voucher.programme_id)} offset={offset} />}</Loaded>
    </Page>
  );
}

function VoucherDetailView({ voucher: v, programme, offset }: { voucher: VoucherDetail; programme: string; offset: number }) {
  const { t } = useI18n();
  const rows = [
    { label: t("面值", "Face value"), fen: v.face_value_fen },
    { label: t("冻结（已预约未交付）", "Held (booked, not delivered)"), fen: v.held_fen, sign: "-" as const },
    { label: t("已使用（已交付结算）", "Spent (delivered)"), fen: v.spent_fen, sign: "-" as const },
    ...(v.lapsed_fen > 0 ? [{ label: t("已作废（过期或撤销）", "Lapsed (expired or revoked)"), fen: v.lapsed_fen, sign: "-" as const }] : []),
    { label: t("可用", "Available"), fen: v.available_fen, total: true },
  ];
  return (
    <>
      <section class="card" aria-labelledby="balance">
        <h2 id="balance">
          <Link href={`${PROGRAMMES_PATH}?id=${v.programme_id}`}>{programme}</Link> <VoucherStatusBadge status={v.status} />
        </h2>
        {v.status_reason && <p class="message info">{v.status_reason}</p>}
        <Figures rows={rows} label={t("券余额", "Balance")} />
        <Settlement voucher={v} />
        <dl class="facts rules">
          <div>
            <dt>{t("有效期至", "Valid through")}</dt>
            <dd>
              <ValidThrough on={v.valid_through_on} status={v.status} />
            </dd>
          </div>
          <div>
            <dt>{t("失效时刻", "Stops working at")}</dt>
            <dd>
              <Instant at={v.expires_at} />
            </dd>
          </div>
          <div>
            <dt>{t("发放时间", "Issued")}</dt>
            <dd>
              <Instant at={v.issued_at} />
            </dd>
          </div>
        </dl>
        {v.status === "active" && (
          <p>
            <Link href="/find-capacity">{t("用此券找算力", "Find capacity to use it on")}</Link>
          </p>
        )}
      </section>
      <Transfers voucher={v} offset={offset} />
    </>
  );
}

/** Of the spent subsidy: settled (its claim paid), in a claim under review or on notice, or awaiting a claim. */
function Settlement({ voucher: v }: { voucher: VoucherDetail }) {
  const { t } = useI18n();
  const { settled_fen, in_claims_fen } = v.settlement;
  const awaiting = Math.max(0, v.spent_fen - settled_fen - in_claims_fen);
  return (
    <section aria-labelledby="settlement">
      <h3 id="settlement">{t("已使用部分的兑付情况", "Where the spent subsidy stands")}</h3>
      <dl class="facts rules">
        <div>
          <dt>{t("已兑付结清", "Settled (claim paid)")}</dt>
          <dd>
            <Money fen={settled_fen} />
          </dd>
        </div>
        <div>
          <dt>{t("兑付审核或公示中", "In a claim (review or notice)")}</dt>
          <dd>
            <Money fen={in_claims_fen} />
          </dd>
        </div>
        <div>
          <dt>{t("已交付，待申请兑付", "Delivered, not yet claimed")}</dt>
          <dd>
            <Money fen={awaiting} />
          </dd>
        </div>
        <div>
          <dt>{t("冻结（已预约未交付）", "Held (booked, not delivered)")}</dt>
          <dd>
            <Money fen={v.held_fen} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

const TRANSFER: Record<string, Bilingual> = {
  issue: ["发放", "Issued"],
  hold: ["预约冻结", "Held for a booking"],
  deliver: ["交付结算", "Settled on delivery"],
  cancelled: ["预约取消，解冻", "Released: booking cancelled"],
  rejected: ["服务商拒绝，解冻", "Released: provider rejected"],
  lapsed: ["预约失效，解冻", "Released: booking lapsed"],
  lapse: ["预约失效，解冻", "Released: booking lapsed"],
  provider_cancel: ["服务商取消，解冻", "Released: provider cancelled"],
  expire: ["到期作废", "Lapsed at expiry"],
  claim_reversal: ["兑付驳回，补贴退回", "Returned: claim rejected"],
  dispute_reversal: ["交付争议更正，补贴退回", "Returned: dispute upheld"],
  revoke: ["撤销收回", "Revoked"],
};

/** What a transfer was, in words (its code when the page does not know it). */
export const transferWhat = (code: string, say: (m: Bilingual) => string): string => (TRANSFER[code] ? say(TRANSFER[code] as Bilingual) : code);

/** How a transfer moved the available balance: a hold takes from it, a release gives back. */
export function effectOnAvailable(transfer: Transfer): "+" | "-" | null {
  if (transfer.kind === "post_pending") return null; // held becomes spent; available is untouched
  if (transfer.kind === "void_pending") return "+";
  return transfer.direction === "in" ? "+" : "-";
}

/**
 * The voucher's ledger transfers, a page at a time, each linked to the booking behind it. `base`
 * is this page's address; `bookingHref` where a booking opens (the enterprise's or the agency's
 * page); `actions` goes beside the table (the agency's download).
 */
export function Transfers(props: { voucher: VoucherDetail; offset: number; base?: string; bookingHref?: (id: string) => string; actions?: ComponentChildren }) {
  const { voucher, offset, actions } = props;
  const { t, say } = useI18n();
  const { items, total } = voucher.transfers;
  const base = props.base ?? `${VOUCHERS_PATH}?id=${voucher.id}`;
  const bookingHref = props.bookingHref ?? ((id: string) => `${BOOKINGS_PATH}?id=${id}`);
  return (
    <section class="card" aria-labelledby="transfers">
      <h2 id="transfers">{t("余额变动", "Balance movements")}</h2>
      <p class="hint">{t(`共 ${total} 笔，最新在前。金额的正负表示对可用余额的影响。`, `${total} in all, newest first. The sign shows the effect on the available balance.`)}</p>
      <DataTable
        caption={t("券的账务记录", "The voucher's ledger transfers")}
        rows={items}
        rowKey={(row) => row.id}
        empty={t("没有记录。", "No transfers.")}
        columns={[
          { header: t("时间", "When"), cell: (row) => <Instant at={row.created_at} /> },
          { header: t("事项", "What"), cell: (row) => transferWhat(row.code, say) },
          { header: t("金额", "Amount"), class: "num", cell: (row) => <Money fen={row.amount_fen} sign={effectOnAvailable(row) ?? undefined} /> },
          {
            header: t("关联", "For"),
            cell: (row) =>
              row.subject_id?.startsWith("bkg_") ? <Link href={bookingHref(row.subject_id)}>{t("查看预约", "The booking")}</Link> : "—",
          },
        ]}
      />
      {actions}
      <nav class="pager" aria-label={t("翻页", "Pages")}>
        {offset > 0 && <Link href={`${base}&offset=${Math.max(0, offset - TRANSFERS_PAGE)}`}>{t("← 较新的记录", "← Newer")}</Link>}
        {offset + items.length < total && <Link href={`${base}&offset=${offset + TRANSFERS_PAGE}`}>{t("较早的记录 →", "Older →")}</Link>}
      </nav>
    </section>
  );
}
