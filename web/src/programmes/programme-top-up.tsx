// Adding budget to a programme's pool. Money moves, so each attempt carries one Idempotency-Key:
// a double click or a retry after a lost answer replays the first top-up instead of making a
// second; the next top-up (after the server has answered) is a new attempt with a new key.
import { useMemo } from "preact/hooks";
import { api, send } from "../shell/api";
import { blankToUndefined, yuanCheck } from "../shell/checks";
import { formatFen, parseYuan } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import type { ProgrammeDetail } from "./programme-form";

export function TopUpForm({ programme, onToppedUp }: { programme: ProgrammeDetail; onToppedUp: () => void }) {
  const { t } = useI18n();
  const topUps = useMemo(() => attempts("topup"), [programme.id]);
  const form = useForm({
    initial: { amount_fen: "", note: "" },
    specs: { amount_fen: { ...LIMITS.budgetTopUp.amount_fen, check: yuanCheck(LIMITS.budgetTopUp.amount_fen) }, note: LIMITS.budgetTopUp.note },
    submit: async (values) => {
      const parsed = parseYuan(values.amount_fen);
      if (!parsed.ok) throw new Error("unchecked amount");
      const json = { amount_fen: parsed.fen, note: blankToUndefined(values.note) };
      // Without an answer the top-up may or may not have happened: a retry keeps the key.
      const after = await sendOnce(topUps, { programme_id: programme.id, ...json }, (key) =>
        send(api.api.programmes[":id"].budget.$post({ param: { id: programme.id }, json, header: { "idempotency-key": key } })),
      );
      form.reset();
      onToppedUp();
      const added = formatFen(parsed.fen);
      const available = formatFen(after.pool.available_fen);
      return [`已追加预算 ${added}；资金池可发放余额 ${available}`, `Added ${added} to the budget; the pool can now issue ${available}`];
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby={`${form.id}-title`}>
      <h3 id={`${form.id}-title`}>{t("追加预算", "Add budget")}</h3>
      <div class="field-row">
        <TextField form={form} name="amount_fen" label={t("追加金额（元）", "Amount (CNY)")} inputMode="decimal" />
        <TextField form={form} name="note" label={t("备注（如预算批文号）", "Note (e.g. the budget approval number)")} />
      </div>
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("追加预算", "Add budget")}</SubmitButton>
    </form>
  );
}
