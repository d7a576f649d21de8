// One voucher for agency staff: balance, dates, and revocation (e.g. for fraud). Revoking voids
// the holds of bookings not yet started and returns the balance to the pool; while a booking is
// in service the API refuses and names it, and the page lists those bookings.
import { useMemo, useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { formatFen, formatInstant } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { BOOKING_STATUS, VOUCHER_STATUS } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Figures, Money, ValidThrough } from "../ui/amounts";
import { TextArea } from "../ui/fields";
import { DangerSubmit, FormStatus, useForm } from "../ui/form";
import { Facts } from "../ui/facts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant, Named, Ref } from "../ui/values";
import { AGENCY_BOOKINGS_PATH } from "../bookings";
import { DownloadTable } from "../reports";
import { effectOnAvailable, loadVoucherDetail, Transfers, transferWhat } from "./my-vouchers";
import { useOrganisations } from "../organisation";
import { loadProgramme } from "../programmes";

type VoucherDetail = InferResponseType<(typeof api.api.vouchers)[":id"]["$get"], 200>;
type Booking = InferResponseType<(typeof api.api.bookings)[":id"]["$get"], 200>;

async function loadVoucher(id: string, offset: number) {
  const voucher = await loadVoucherDetail(id, offset);
  return { voucher, programme: await loadProgramme(voucher.programme_id), offset };
}

export function VoucherDetailPage({ id, offset }: { id: string; offset: number }) {
  const { t } = useI18n();
  const voucher = useLoad(() => loadVoucher(id, offset), `${id}:${offset}`);
  const loaded = voucher.state.status === "ready" ? voucher.state.data : null;
  const enterprise = useOrganisations(loaded ? [loaded.voucher.sme_org_id] : []).get(loaded?.voucher.sme_org_id ?? "");
  // Named by whose voucher it is and from which programme; the id stays a small reference below.
  const title = loaded && enterprise ? t(`${enterprise.name} 的券 · ${loaded.programme.name}`, `Voucher of ${enterprise.name} · ${loaded.programme.name}`) : t("券详情", "Voucher");
  return (
    <Page title={title}>
      <p>
        <Link href="/agency/vouchers">{t("← 券台账", "← Voucher ledger")}</Link> · {t("编号", "Reference")} <Ref id={id} />
      </p>
      <Loaded load={voucher}>{(data) => <VoucherView {...data} reload={voucher.reload} />}</Loaded>
    </Page>
  );
}

function VoucherView({ voucher, programme, offset, reload }: Awaited<ReturnType<typeof loadVoucher>> & { reload: () => void }) {
  const { t, say } = useI18n();
  const me = useMe();
  const enterprise = useOrganisations([voucher.sme_org_id]).get(voucher.sme_org_id);
  const effectWords = (effect: "+" | "-" | null) => (effect === "+" ? t("增加", "Increase") : effect === "-" ? t("减少", "Decrease") : t("不变", "None"));
  return (
    <>
      <section class="card" aria-labelledby="voucher-balance">
        <h2 id="voucher-balance">
          {t("余额", "Balance")} <span class={`badge ${voucher.status}`}>{say(VOUCHER_STATUS[voucher.status])}</span>
        </h2>
        {voucher.status_reason && <p class="message info">{voucher.status_reason}</p>}
        <Figures
          label={t("券余额", "Balance")}
          rows={[
            { label: t("面值", "Face value"), fen: voucher.face_value_fen },
            { label: t("冻结中（预约未交付）", "Held by bookings"), fen: voucher.held_fen, sign: "-" },
            { label: t("已使用（已交付）", "Spent on delivery"), fen: voucher.spent_fen, sign: "-" },
            { label: t("退回资金池", "Returned to the pool"), fen: voucher.lapsed_fen, sign: "-" },
            { label: t("可用余额", "Available"), fen: voucher.available_fen, total: true },
          ]}
        />
        <Facts
          rows={[
            [t("企业", "Enterprise"), <Named name={enterprise?.name} id={voucher.sme_org_id} />],
            [t("项目", "Programme"), <Link href={`/agency/programmes?id=${programme.id}`}>{programme.name}</Link>],
            [t("规则版本", "Rules version"), String(voucher.programme_version)],
            [t("申请", "Application"), <><Link href={`/agency/applications?id=${voucher.application_id}`}>{t("查看申请", "See the application")}</Link> <Ref id={voucher.application_id} /></>],
            [t("发放时间", "Issued"), <Instant at={voucher.issued_at} />],
            [t("有效期至", "Valid through"), <ValidThrough on={voucher.valid_through_on} status={voucher.status} />],
          ]}
        />
      </section>
      <Transfers
        voucher={voucher}
        offset={offset}
        base={`/agency/vouchers?id=${voucher.id}`}
        bookingHref={(booking) => `${AGENCY_BOOKINGS_PATH}?id=${booking}`}
        actions={
          <div class="buttons">
            <DownloadTable
              name={`voucher-${voucher.id}-transfers`}
              label={t("券的账务记录", "The voucher's ledger transfers")}
              header={[t("时间", "When"), t("事项", "What"), t("金额", "Amount"), t("对可用余额", "Effect on available"), t("关联预约", "Booking")]}
              rows={voucher.transfers.items.map((row) => [formatInstant(row.created_at), transferWhat(row.code, say), { fen: row.amount_fen }, effectWords(effectOnAvailable(row)), row.subject_id?.startsWith("bkg_") ? row.subject_id : null])}
            />
          </div>
        }
      />
      {voucher.status === "active" && may(me, "POST /api/vouchers/{id}/revoke") && <RevokeForm voucher={voucher} onRevoked={reload} />}
    </>
  );
}

function RevokeForm({ voucher, onRevoked }: { voucher: VoucherDetail; onRevoked: () => void }) {
  const { t } = useI18n();
  const revocations = useMemo(() => attempts("revoke"), [voucher.id]);
  const [inService, setInService] = useState<Booking[] | null>(null);
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.voucherRevocation,
    confirmFirst: true,
    submit: async (values) => {
      const json = { reason: values.reason.trim() };
      setInService(null);
      try {
        await sendOnce(revocations, { voucher: voucher.id, ...json }, (key) =>
          send(api.api.vouchers[":id"].revoke.$post({ param: { id: voucher.id }, json, header: { "idempotency-key": key } })),
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === "bookings_in_service") setInService(await loadBookings(error.details));
        throw error;
      }
      onRevoked();
      return REVOKED;
    },
  });
  return (
    <section class="card" aria-labelledby="revoke">
      <h2 id="revoke">{t("撤销此券", "Revoke this voucher")}</h2>
      <p class="hint">
        {t(
          "撤销后券不能再使用：尚未开始的预约被取消、冻结作废，可用余额退回项目资金池。正在使用中的预约交付后才能撤销。",
          "Once revoked the voucher cannot be used: bookings not yet started are cancelled and their holds voided, and the available balance returns to the pool. Bookings in service must be delivered first.",
        )}
      </p>
      <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("撤销此券", "Revoke this voucher")}>
        <TextArea form={form} name="reason" label={t("撤销原因", "Reason for revoking")} hint={t("企业会看到此原因", "The enterprise will read this reason")} />
        <FormStatus form={form} />
        {inService && <BookingsInService bookings={inService} />}
        <DangerSubmit form={form} busyLabel={t("撤销中…", "Revoking…")} confirmLabel={t("确认撤销此券", "Yes, revoke the voucher")} consequences={<RevocationConsequences voucher={voucher} />}>
          {t("撤销此券…", "Revoke voucher…")}
        </DangerSubmit>
      </form>
    </section>
  );
}

/** What revoking does to this voucher, said before it is done. */
function RevocationConsequences({ voucher }: { voucher: VoucherDetail }) {
  const { t } = useI18n();
  return (
    <ul>
      <li>{t("券立即失效，企业不能再用它预约，并会看到撤销原因。", "The voucher stops working at once; the enterprise can no longer book with it and reads the reason.")}</li>
      <li>
        {voucher.held_fen > 0
          ? t(
              `尚未开始的预约将被取消，它们冻结的 ${formatFen(voucher.held_fen)} 作废；服务商和企业都会收到通知。正在使用中的预约须先交付，否则撤销会被拒绝。`,
              `Bookings not yet started are cancelled and the ${formatFen(voucher.held_fen)} they hold is voided; providers and the enterprise are told. Bookings in service must be delivered first, or the revocation is refused.`,
            )
          : t("此券目前没有冻结中的预约，不会取消任何预约。", "Nothing is held on this voucher now, so no booking is cancelled.")}
      </li>
      <li>{t(`可用余额 ${formatFen(voucher.available_fen + voucher.held_fen)} 退回项目资金池，不能恢复。`, `The available balance, ${formatFen(voucher.available_fen + voucher.held_fen)} with the voided holds, returns to the programme's pool and cannot be restored.`)}</li>
    </ul>
  );
}

const REVOKED: Bilingual = ["券已撤销，余额已退回资金池", "Revoked; the balance has returned to the pool"];

async function loadBookings(details: unknown): Promise<Booking[]> {
  const ids = (details as { booking_ids?: unknown } | undefined)?.booking_ids;
  if (!Array.isArray(ids)) return [];
  const found = await Promise.all(ids.filter((id): id is string => typeof id === "string").map((id) => send(api.api.bookings[":id"].$get({ param: { id } })).catch(() => null)));
  return found.filter((b): b is Booking => b !== null);
}

function BookingsInService({ bookings }: { bookings: Booking[] }) {
  const { t, say } = useI18n();
  const providers = useOrganisations(bookings.map((b) => b.provider_org_id));
  return (
    <DataTable
      caption={t("正在使用此券的预约（交付后才能撤销）", "Bookings in service on this voucher (revoke after their delivery)")}
      rows={bookings}
      rowKey={(row) => row.id}
      empty={t("没有找到这些预约。", "The bookings could not be read.")}
      columns={[
        { header: t("预约号", "Booking"), cell: (row) => <code>{row.id}</code> },
        { header: t("资源", "Offering"), cell: (row) => row.quote.offering_name },
        { header: t("服务商", "Provider"), cell: (row) => providers.get(row.provider_org_id)?.name ?? row.provider_org_id },
        { header: t("时间", "When"), cell: (row) => <><Instant at={row.starts_at} /> — <Instant at={row.ends_at} /></> },
        { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(BOOKING_STATUS[row.status])}</span> },
        { header: t("冻结补贴", "Subsidy held"), cell: (row) => <Money fen={row.subsidy_fen} />, class: "num" },
      ]}
    />
  );
}
