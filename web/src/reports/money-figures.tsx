// Where a programme's money went, in the order it moves (DESIGN §4): budget, issued to vouchers,
// held by bookings, settled on delivery, paid on claims, and what came back. Every figure is a sum
// of ledger transfers (the report's `ledger`), so it reconciles with the ledger.
import { useI18n } from "../shell/i18n";
import { MoneyStats } from "../ui/money-stats";
import type { ProgrammeSummary } from "./report-data";

export function MoneyFigures({ report }: { report: ProgrammeSummary }) {
  const { t } = useI18n();
  const { ledger } = report;
  return (
    <MoneyStats
      class="money-figures"
      figures={[
        { key: "budget", label: t("总预算", "Budget"), fen: ledger.budget_fen },
        { key: "issued", label: t("已发券", "Issued"), fen: ledger.issued_fen },
        { key: "held", label: t("冻结中", "Held"), fen: ledger.held_fen },
        { key: "settled", label: t("已结算", "Settled"), fen: ledger.settled_fen },
        { key: "paid", label: t("已兑付", "Paid"), fen: ledger.paid_fen },
        { key: "lapsed", label: t("过期退回", "Lapsed"), fen: ledger.lapsed_fen },
        { key: "revoked", label: t("撤销退回", "Revoked"), fen: ledger.revoked_fen },
        { key: "reversed", label: t("争议与驳回冲回", "Reversed"), fen: ledger.dispute_reversed_fen + ledger.claim_reversed_fen },
        { key: "available", label: t("资金池可发放", "Pool available"), fen: report.pool_available_fen },
      ]}
    />
  );
}
