// 申请兑付: the claimant (the provider in 通兑 programmes, the enterprise in 通用 ones) picks
// delivered bookings the enterprise confirmed, not yet in any claim, of one programme and one
// counterpart, and adds the evidence: contract and invoice numbers, the invoice amount (at least
// the bookings' delivered gross), the delivery certificate and attachments.
import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { yuanCheck } from "../shell/checks";
import { formatFen, parseYuan } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { navigate, Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Money, TimeRange } from "../ui/amounts";
import { TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { loadProgrammeNames } from "../programmes";
import { AttachmentsField, type Attachment } from "./attachments";
import { claimHref, CLAIMS_PATH, MODE } from "./claim-words";

type Booking = InferResponseType<typeof api.api.bookings.$get, 200>["items"][number];

interface Group {
  key: string;
  programme: string;
  mode: "tongdui" | "tongyong" | null;
  counterpart: string;
  bookings: Booking[];
}

/** Delivered, confirmed voucher bookings not in any of this organisation's claims, grouped as one claim may bundle them. */
async function loadClaimable(kind: string) {
  const [delivered, claims] = await Promise.all([
    send(api.api.bookings.$get({ query: { status: "delivered", limit: "100" } })),
    send(api.api.claims.$get({ query: { limit: "100" } })),
  ]);
  const claimed = new Set(claims.items.flatMap((c) => c.booking_ids));
  const open = delivered.items.filter((b) => b.confirmation_state === "confirmed" && b.programme_id && b.voucher_id && !claimed.has(b.id));
  const programmes = await loadProgrammeNames(open.map((b) => b.programme_id as string));
  const groups = new Map<string, Group>();
  for (const b of open) {
    const key = `${b.programme_id}/${b.sme_org_id}/${b.provider_org_id}`;
    const programme = programmes.get(b.programme_id as string);
    const group = groups.get(key) ?? { key, programme: b.programme_name ?? programme?.name ?? "", mode: programme?.rules.settlement_mode ?? null, counterpart: kind === "provider" ? b.sme_name : b.provider_name, bookings: [] };
    group.bookings.push(b);
    groups.set(key, group);
  }
  const mine = kind === "provider" ? "tongdui" : "tongyong";
  const all = [...groups.values()];
  return { groups: all.filter((g) => g.mode === mine), otherMode: all.filter((g) => g.mode !== mine).reduce((n, g) => n + g.bookings.length, 0), has_more: delivered.has_more || claims.total > claims.items.length };
}

/** A refusal decided in the browser, shown as the form's failure like the API's own. */
const refusal = (zh: string, en: string) => new ApiError(0, "invalid", `${zh} / ${en}`);

export function NewClaimPage() {
  const { t } = useI18n();
  const me = useMe();
  const claimable = useLoad(() => loadClaimable(me.organisation.kind), "claimable");
  return (
    <Page
      title={t("申请兑付", "New claim")}
      lead={t(
        "选择同一项目下、与同一家机构之间已交付且对方已确认的预约，填写合同、发票和交付证明，上传附件后提交初审。",
        "Pick delivered bookings the other side confirmed, of one programme and with one counterpart; add the contract, invoice and delivery certificate, upload the attachments, and submit for review.",
      )}
    >
      <p>
        <Link href={CLAIMS_PATH}>← {t("兑付申请", "Claims")}</Link>
      </p>
      <Loaded load={claimable}>
        {({ groups, otherMode, has_more }) => (
          <>
            {otherMode > 0 && (
              <p class="message info">
                {me.organisation.kind === "provider"
                  ? t(`另有 ${otherMode} 个预约属于通用模式项目，由企业申请报销。`, `${otherMode} more bookings are in tongyong programmes, where the enterprise claims.`)
                  : t(`另有 ${otherMode} 个预约属于通兑模式项目，由服务商申请兑付。`, `${otherMode} more bookings are in tongdui programmes, where the provider claims.`)}
              </p>
            )}
            {has_more && <p class="hint">{t("只查看了最新的100个已交付预约。", "Only the newest 100 delivered bookings were looked at.")}</p>}
            {groups.length === 0 ? (
              <p class="empty">{t("没有可申请兑付的预约：预约须已交付、对方已确认且未在其他兑付申请中。", "No bookings to claim: they must be delivered, confirmed by the other side and in no other claim.")}</p>
            ) : (
              <ClaimForm groups={groups} orgId={me.organisation.id} mayUpload={may(me, "POST /api/organisations/{id}/files")} />
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}

function ClaimForm({ groups, orgId, mayUpload }: { groups: Group[]; orgId: string; mayUpload: boolean }) {
  const { t, say } = useI18n();
  const [groupKey, setGroupKey] = useState(groups[0]!.key);
  const group = groups.find((g) => g.key === groupKey) ?? groups[0]!;
  const [picked, setPicked] = useState<Set<string>>(new Set(group.bookings.map((b) => b.id)));
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const chosen = group.bookings.filter((b) => picked.has(b.id));
  const gross = chosen.reduce((n, b) => n + (b.delivered_gross_fen ?? 0), 0);
  const subsidy = chosen.reduce((n, b) => n + (b.delivered_subsidy_fen ?? 0), 0);
  const pickGroup = (key: string) => {
    setGroupKey(key);
    setPicked(new Set(groups.find((g) => g.key === key)?.bookings.map((b) => b.id)));
  };
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const form = useForm({
    initial: { contract_no: "", invoice_no: "", invoice_amount: "", delivery_certificate: "" },
    specs: {
      contract_no: { required: true, maxLength: 64 },
      invoice_no: { required: true, maxLength: 64 },
      invoice_amount: {
        required: true,
        check: (value) => yuanCheck({ minimum: Math.max(1, gross) })(value),
      },
      delivery_certificate: { required: true, maxLength: 2000 },
    },
    submit: async (values) => {
      if (chosen.length === 0) throw refusal("请至少选择一个预约", "Pick at least one booking");
      if (attachments.some((a) => !a.id && !a.error)) throw refusal("附件仍在上传，请稍候", "Attachments are still uploading; wait a moment");
      if (attachments.some((a) => a.error)) throw refusal("请先移除上传失败的附件", "Remove the attachments that failed first");
      const amount = parseYuan(values.invoice_amount);
      const claim = await send(
        api.api.claims.$post({
          json: {
            booking_ids: chosen.map((b) => b.id),
            contract_no: values.contract_no.trim(),
            invoice_no: values.invoice_no.trim(),
            invoice_amount_fen: amount.ok ? amount.fen : 0,
            delivery_certificate: values.delivery_certificate.trim(),
            attachment_ids: attachments.flatMap((a) => (a.id ? [a.id] : [])),
          },
        }),
      );
      navigate(`${claimHref(claim.id)}&done=submitted`);
    },
  });
  return (
    <form class="card form" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("兑付申请", "Claim")}>
      {groups.length > 1 && (
        <div class="field">
          <label for="claim-group">{t("项目与对方", "Programme and counterpart")}</label>
          <select id="claim-group" value={groupKey} onChange={(e) => pickGroup((e.currentTarget as HTMLSelectElement).value)}>
            {groups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.programme} · {g.counterpart}（{g.bookings.length}）
              </option>
            ))}
          </select>
        </div>
      )}
      <p>
        {t("项目：", "Programme: ")}
        <strong>{group.programme}</strong>
        {group.mode && ` · ${say(MODE[group.mode])}`}
        <br />
        {t("对方：", "Counterpart: ")}
        <strong>{group.counterpart}</strong>
      </p>
      <DataTable
        caption={t("可申请兑付的预约", "Bookings you can claim")}
        rows={group.bookings}
        rowKey={(b) => b.id}
        empty=""
        columns={[
          {
            header: t("选择", "Pick"),
            cell: (b) => <input type="checkbox" checked={picked.has(b.id)} onChange={() => toggle(b.id)} aria-label={t(`选择 ${b.quote.offering_name} ${b.id}`, `Pick ${b.quote.offering_name} ${b.id}`)} />,
          },
          { header: t("资源", "Offering"), cell: (b) => b.quote.offering_name },
          { header: t("服务期（北京时间）", "Period (Beijing)"), cell: (b) => <TimeRange from={b.starts_at} to={b.ends_at} /> },
          { header: t("报价总价", "Quoted gross"), class: "num", cell: (b) => <Money fen={b.gross_fen} /> },
          { header: t("交付总价", "Delivered gross"), class: "num", cell: (b) => <Money fen={b.delivered_gross_fen ?? 0} /> },
          { header: t("交付补贴", "Delivered subsidy"), class: "num", cell: (b) => <Money fen={b.delivered_subsidy_fen ?? 0} /> },
        ]}
      />
      <p role="status">
        {t(`已选 ${chosen.length} 个预约：交付总价 ${formatFen(gross)}，申请兑付补贴 ${formatFen(subsidy)}`, `${chosen.length} picked: delivered gross ${formatFen(gross)}, subsidy claimed ${formatFen(subsidy)}`)}
      </p>
      <TextField form={form} name="contract_no" label={t("合同编号", "Contract number")} />
      <TextField form={form} name="invoice_no" label={t("发票号码", "Invoice number")} hint={t("发票由服务商开具；同一张发票只能兑付一次", "The provider issues the invoice; one invoice is claimed once")} />
      <TextField form={form} name="invoice_amount" inputMode="decimal" label={t("发票金额（元）", "Invoice amount (CNY)")} hint={t(`不低于所选预约的交付总价 ${formatFen(gross)}`, `At least the picked bookings' delivered gross, ${formatFen(gross)}`)} />
      <TextArea form={form} name="delivery_certificate" label={t("交付证明（验收结论）", "Delivery certificate (acceptance)")} />
      <AttachmentsField orgId={orgId} mayUpload={mayUpload} attachments={attachments} onChange={setAttachments} />
      <FormStatus form={form} />
      <SubmitButton form={form} busyLabel={t("提交中…", "Submitting…")}>
        {t("提交兑付申请", "Submit the claim")}
      </SubmitButton>
    </form>
  );
}
