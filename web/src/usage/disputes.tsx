// 交付争议 for agency deciders: delivered bookings of the agency's programmes whose enterprise
// disputed the delivery, each with the quote beside the delivery, the metered usage, and the
// decision: dismiss (the delivery stands) or uphold with the corrected quantity (settled again,
// the subsidy no longer owed moved back by a reversal).
import { useMemo, useState } from "preact/hooks";
import { parseQuantityMilli } from "../../../src/domain/usage";
import { api, send } from "../shell/api";
import { formatFen } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Money } from "../ui/amounts";
import { RadioGroup, TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { unitName } from "../offerings";
import { formatMilli, loadBookingUsage, UsageByDay } from "./usage-by-day";

/** The API lists delivered bookings by status; disputes are those among the newest 100. */
async function loadDisputes() {
  const page = await send(api.api.bookings.$get({ query: { status: "delivered", limit: "100" } }));
  const disputed = page.items.filter((b) => b.confirmation_state === "disputed");
  const usage = await Promise.all(disputed.map((b) => loadBookingUsage(b.id)));
  return { items: disputed.map((booking, i) => ({ booking, usage: usage[i]! })), has_more: page.has_more };
}
type Dispute = Awaited<ReturnType<typeof loadDisputes>>["items"][number];

export function DisputesPage() {
  const { t, say } = useI18n();
  const disputes = useLoad(loadDisputes, "disputes");
  const [outcome, setOutcome] = useState<Message | null>(null);
  const decided = (message: Message) => {
    setOutcome(message);
    disputes.reload();
  };
  return (
    <Page title={t("交付争议", "Delivery disputes")} lead={t("企业对交付有异议的预约。驳回则按原交付确认；支持则填写更正后的用量，重新结算并将多付的补贴退回。", "Bookings whose enterprise disputed the delivery. Dismiss to let the delivery stand, or uphold with the corrected quantity to settle again and move the subsidy no longer owed back.")}>
      <div role="status" class="outcome">
        {outcome && <p class="message success">{say(outcome)}</p>}
      </div>
      <Loaded load={disputes}>
        {({ items, has_more }) => (
          <>
            {items.length === 0 && <p class="empty">{t("没有待处理的争议。", "No disputes to resolve.")}</p>}
            {items.map((d) => (
              <DisputeCard key={d.booking.id} dispute={d} onDecided={decided} />
            ))}
            {has_more && <p class="hint">{t("只查看了最新的100个已交付预约。", "Only the newest 100 delivered bookings were looked at.")}</p>}
          </>
        )}
      </Loaded>
    </Page>
  );
}

const DECISIONS: readonly (readonly [string, Bilingual, Bilingual])[] = [
  ["dismiss", ["驳回异议", "Dismiss"], ["按原交付确认", "The delivery stands as settled"]],
  ["uphold", ["支持异议", "Uphold"], ["按更正后的用量重新结算", "Settle again on the corrected quantity"]],
];

function DisputeCard({ dispute: { booking: b, usage }, onDecided }: { dispute: Dispute; onDecided: (message: Message) => void }) {
  const { t, say } = useI18n();
  const tries = useMemo(() => attempts(`resolve-${b.id}`), [b.id]);
  const unit = say(unitName(b.quote.unit));
  const form = useForm({
    initial: { decision: "dismiss", corrected_quantity: formatMilli(usage.metered_milli), note: "" },
    specs: (values) => ({
      decision: { required: true },
      corrected_quantity: {
        required: values.decision === "uphold",
        check: (v) => {
          const milli = parseQuantityMilli(v);
          if (milli === null || milli < 0) return ["请填写数量，最多3位小数", "Enter a quantity with at most 3 decimals"];
          return milli > usage.metered_milli ? [`不能超过计量用量 ${formatMilli(usage.metered_milli)}`, `At most the metered ${formatMilli(usage.metered_milli)}`] : null;
        },
      },
      note: { required: true, maxLength: 500 },
    }),
    submit: async (values) => {
      const note = values.note.trim();
      const json =
        values.decision === "uphold"
          ? { decision: "uphold" as const, corrected_quantity_milli: parseQuantityMilli(values.corrected_quantity) ?? 0, note }
          : { decision: "dismiss" as const, note };
      const after = await sendOnce(tries, { booking: b.id, ...json }, (key) =>
        send(api.api.bookings[":id"]["resolve-dispute"].$post({ param: { id: b.id }, json }, { headers: { "idempotency-key": key } })),
      );
      const subsidy = formatFen(after.delivered_subsidy_fen ?? 0);
      onDecided(json.decision === "uphold" ? [`已支持 ${b.sme_name} 的异议，补贴重新结算为 ${subsidy}`, `Upheld ${b.sme_name}'s dispute; subsidy now ${subsidy}`] : [`已驳回 ${b.sme_name} 的异议`, `Dismissed ${b.sme_name}'s dispute`]);
    },
  });
  return (
    <section class="card" aria-label={`${b.quote.offering_name} · ${b.sme_name}`}>
      <h2>
        {b.quote.offering_name} · {b.sme_name}
      </h2>
      <p>
        {t("服务商：", "Provider: ")}
        {b.provider_name}
        {b.programme_name && ` · ${b.programme_name}`}
      </p>
      <p class="message info">
        {t("企业异议：", "The enterprise's dispute: ")}
        {b.dispute_reason}
      </p>
      <p>
        {t("报价总价 ", "Quoted gross ")}
        <Money fen={b.gross_fen} />
        {t("；交付结算总价 ", "; delivered gross ")}
        <Money fen={b.delivered_gross_fen ?? 0} />
        {t("，补贴 ", ", subsidy ")}
        <Money fen={b.delivered_subsidy_fen ?? 0} />
      </p>
      <UsageByDay usage={usage} unitName={unit} />
      <form class="form" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`处理争议 ${b.sme_name}`, `Resolve the dispute of ${b.sme_name}`)}>
        <RadioGroup form={form} name="decision" label={t("决定", "Decision")} options={DECISIONS} />
        {form.values.decision === "uphold" && <TextField form={form} name="corrected_quantity" inputMode="decimal" label={t(`更正后的用量（${unit}）`, `Corrected quantity (${unit})`)} />}
        <TextArea form={form} name="note" label={t("处理说明", "Note")} />
        <FormStatus form={form} />
        <SubmitButton form={form}>{t("提交决定", "Decide")}</SubmitButton>
      </form>
    </section>
  );
}
