// A quote with every term a person needs to check it: the gross and its arithmetic, the ratio
// and tier, each cap with its value and which one bound, the voucher's balance before and after
// the hold, the co-pay, and how the programme settles.
import type { InferResponseType } from "hono/client";
import { api } from "../shell/api";
import { formatFen, formatInstant, formatRatio } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Figures, Money } from "../ui/amounts";
import { Instant } from "../ui/values";
import { countEn, durationName, quantityName, unitName } from "../offerings";
import { type ProgrammeSummary, SETTLEMENT_MODE } from "../programmes";

export type Quote = InferResponseType<typeof api.api.quotes.$post, 200>;
type Terms = NonNullable<Quote["subsidy"]>;

const LIMIT_NAME: Record<string, Bilingual> = {
  ratio: ["按补贴比例", "By the subsidy ratio"],
  per_booking_cap: ["单笔补贴上限", "Cap per booking"],
  annual_subsidy_cap: ["企业年度补贴上限剩余", "Annual subsidy cap left"],
  voucher_balance: ["券可用余额", "Voucher balance available"],
};

export const limitName = (name: string): Bilingual => LIMIT_NAME[name] ?? [name, name];

function limitNote(name: string, terms: Terms, gross_fen: number, t: (zh: string, en: string) => string): string | null {
  switch (name) {
    case "ratio":
      return t(`${formatFen(gross_fen)} × ${formatRatio(terms.ratio_bp)}，不足一分舍去`, `${formatFen(gross_fen)} × ${formatRatio(terms.ratio_bp)}, rounded down to the fen`);
    case "annual_subsidy_cap":
      return terms.annual_subsidy_cap_fen === null
        ? null
        : t(
            `${terms.cap_year}年补贴上限 ${formatFen(terms.annual_subsidy_cap_fen)}，已用补贴 ${formatFen(terms.annual_subsidy_used_fen)}`,
            `${terms.cap_year} subsidy cap ${formatFen(terms.annual_subsidy_cap_fen)}, ${formatFen(terms.annual_subsidy_used_fen)} of subsidy used`,
          );
    default:
      return null;
  }
}

function RatioLine({ terms }: { terms: Terms }) {
  const { t } = useI18n();
  const ratio = formatRatio(terms.ratio_bp);
  if (terms.full_coverage) return <p>{t(`补贴比例 ${ratio}：总价不超过项目的全额补贴门槛`, `Subsidy ratio ${ratio}: the total is within the programme's full-coverage threshold`)}</p>;
  if (terms.tier) return <p>{t(`补贴比例 ${ratio}（适用档位：${terms.tier}）`, `Subsidy ratio ${ratio} (tier: ${terms.tier})`)}</p>;
  return <p>{t(`补贴比例 ${ratio}（基础比例）`, `Subsidy ratio ${ratio} (the base ratio)`)}</p>;
}

function SubsidyTerms({ terms, gross_fen }: { terms: Terms; gross_fen: number }) {
  const { t, say } = useI18n();
  return (
    <div class="terms">
      <h4>{t("补贴怎么算", "How the subsidy is worked out")}</h4>
      <RatioLine terms={terms} />
      <dl class="figures limits" aria-label={t("补贴取以下各项中的最小值", "The subsidy is the least of these")}>
        {terms.limits.map((limit) => {
          const binding = limit.name === terms.binding_limit;
          const note = limitNote(limit.name, terms, gross_fen, t);
          return (
            <div key={limit.name} class={binding ? "binding" : undefined}>
              <dt>
                {say(limitName(limit.name))}
                {binding && <span class="badge binding-mark">{t("决定补贴额", "decides")}</span>}
                {note && <span class="note">{note}</span>}
              </dt>
              <dd>
                <Money fen={limit.fen} />
              </dd>
            </div>
          );
        })}
      </dl>
      {terms.per_booking_cap_fen === null && <p class="hint">{t("本项目无单笔补贴上限。", "The programme has no cap per booking.")}</p>}
      <p class="hint">{t("补贴取以上各项中的最小值。", "The subsidy is the least of the terms above.")}</p>
    </div>
  );
}

/** Price, subsidy and co-pay; `programme` (when known) adds how the money moves. */
export function QuoteTerms({ quote, unit_minutes, programme }: { quote: Quote; unit_minutes: number; programme?: ProgrammeSummary | undefined }) {
  const { t, say } = useI18n();
  const terms = quote.subsidy;
  const [qtyZh, qtyEn] = quantityName(quote.unit);
  const [durZh, durEn] = durationName(unit_minutes);
  const [unitZh, unitEn] = unitName(quote.unit);
  const settlement = programme && SETTLEMENT_MODE[programme.rules.settlement_mode];
  return (
    <div class="quote">
      <p class="arithmetic">
        {t(
          `${formatFen(quote.unit_price_fen)}/${unitZh} × ${quote.quantity}${qtyZh} × ${quote.duration_units}${durZh}`,
          `${formatFen(quote.unit_price_fen)} per ${unitEn} × ${countEn(quote.quantity, qtyEn)} × ${countEn(quote.duration_units, durEn)}`,
        )}
      </p>
      <Figures
        label={t("费用", "Cost")}
        rows={[
          { label: t("总价", "Total price"), fen: quote.gross_fen },
          { label: t("券补贴", "Voucher subsidy"), fen: quote.subsidy_fen, sign: "-" },
          { label: t("自付", "Your co-pay"), fen: quote.copay_fen, total: true },
        ]}
      />
      {settlement && (
        <p class="settlement">
          <strong>{say(settlement.name)}</strong>
          {t("：", ": ")}
          {programme.rules.settlement_mode === "tongyong"
            ? t(`先向服务商全额支付 ${formatFen(quote.gross_fen)}，补贴 ${formatFen(quote.subsidy_fen)} 兑付后返还给你。`, `pay the provider ${formatFen(quote.gross_fen)} in full; the ${formatFen(quote.subsidy_fen)} subsidy is reimbursed to you once paid out.`)
            : t(`你只需向服务商支付自付部分 ${formatFen(quote.copay_fen)}。`, `you pay the provider only your co-pay of ${formatFen(quote.copay_fen)}.`)}
        </p>
      )}
      {terms ? (
        <>
          <SubsidyTerms terms={terms} gross_fen={quote.gross_fen} />
          {terms.zero_subsidy_reason && (
            <p class="message error">
              {t(
                `此券在这笔预约上没有可用补贴（${say(limitName(terms.zero_subsidy_reason))}为零）。可以不使用券，按全价预约。`,
                `This voucher leaves no subsidy on this booking (${say(limitName(terms.zero_subsidy_reason)).toLowerCase()} is zero). You may book without it at full price.`,
              )}
            </p>
          )}
          <p class="hint">
            {t(
              `预约后从券中冻结 ${formatFen(quote.subsidy_fen)}：可用余额 ${formatFen(terms.voucher_available_fen)} → ${formatFen(terms.voucher_available_fen - quote.subsidy_fen)}。券 ${formatInstant(terms.voucher_expires_at)}（北京时间）失效。`,
              `Booking holds ${formatFen(quote.subsidy_fen)} on the voucher: available ${formatFen(terms.voucher_available_fen)} → ${formatFen(terms.voucher_available_fen - quote.subsidy_fen)}. The voucher stops working at ${formatInstant(terms.voucher_expires_at)} (Beijing time).`,
            )}
          </p>
        </>
      ) : (
        <p class="hint">{t("未使用券：按全价支付。", "No voucher: you pay the full price.")}</p>
      )}
      <p class="hint">
        {t("报价时间 ", "Quoted at ")}
        <Instant at={quote.quoted_at} />
        {t("；预约时按当时的余额和额度重新计算。", "; booking prices it again on the balances of that moment.")}
      </p>
    </div>
  );
}
