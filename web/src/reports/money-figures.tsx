// Where a programme's money went, in the order it moves (DESIGN §4): budget, issued to vouchers,
// held by bookings, settled on delivery, paid on claims, and what came back. Every figure is a sum
// of ledger transfers (the report's `ledger`), so it reconciles with the ledger.
import { useI18n } from "../shell/i18n";
import { Money } from "../ui/amounts";
import type { ProgrammeSummary } from "./report-data";

export function MoneyFigures({ report }: { report: ProgrammeSummary }) {
  const { t } = useI18n();
  const { ledger } = report;
  const figures: [string, string, number][] = [
    ["budget", t("总预算", "Budget"), ledger.budget_fen],
    ["issued", t("已发券", "Issued"), ledger.issued_fen],
    ["held", t("冻结中", "Held"), ledger.held_fen],
    ["settled", t("已结算", "Settled"), ledger.settled_fen],
    ["paid", t("已兑付", "Paid"), ledger.paid_fen],
    ["lapsed", t("过期退回", "Lapsed"), ledger.lapsed_fen],
    ["revoked", t("撤销退回", "Revoked"), ledger.revoked_fen],
    ["reversed", t("争议与驳回冲回", "Reversed"), ledger.dispute_reversed_fen + ledger.claim_reversed_fen],
    ["available", t("资金池可发放", "Pool available"), report.pool_available_fen],
  ];
  return (
    <dl class="stats money-figures">
      {figures.map(([key, label, fen]) => (
        <div key={key} data-figure={key}>
          <dt>{label}</dt>
          <dd>
            <Money fen={fen} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
