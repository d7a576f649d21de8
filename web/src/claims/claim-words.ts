// The words people read for a claim's status, its history and its ledger trail, in both languages.
import type { InferResponseType } from "hono/client";
import { api } from "../shell/api";
import type { Bilingual } from "../shell/i18n";

export type Claim = InferResponseType<(typeof api.api.claims)[":id"]["$get"], 200>;
export type ClaimStatus = Claim["status"];

export const CLAIMS_PATH = "/claims";
export const claimHref = (id: string) => `${CLAIMS_PATH}?id=${encodeURIComponent(id)}`;

export const CLAIM_STATUS: Record<ClaimStatus, Bilingual> = {
  submitted: ["待初审", "Awaiting review"],
  returned: ["已退回待补充", "Returned for more"],
  reviewed: ["待财务复核", "Awaiting finance"],
  on_notice: ["公示中", "On public notice"],
  paid: ["已支付", "Paid"],
  rejected: ["已驳回", "Rejected"],
};

export const MODE: Record<Claim["settlement_mode"], Bilingual> = {
  tongdui: ["通兑（服务商申请兑付）", "Tongdui (the provider claims)"],
  tongyong: ["通用（企业申请报销）", "Tongyong (the enterprise claims)"],
};

export const HISTORY: Record<string, Bilingual> = {
  "claim.submitted": ["提交兑付申请", "Claim submitted"],
  "claim.returned": ["初审退回", "Returned at review"],
  "claim.resubmitted": ["答复并重新提交", "Answered and resubmitted"],
  "claim.reviewed": ["初审通过", "Passed first review"],
  "claim.on_notice": ["财务复核通过，进入公示", "Approved by finance; on public notice"],
  "claim.objected": ["公示期收到异议", "Objection received during notice"],
  "claim.objection_resolved": ["异议已处理", "Objection resolved"],
  "claim.paid": ["已支付", "Paid"],
  "claim.rejected": ["已驳回，补贴退回", "Rejected; subsidy returned"],
  "claim.voided": ["因违规作废", "Voided for fraud"],
};

export const LEDGER_CODE: Record<string, Bilingual> = {
  hold: ["预约冻结补贴", "Subsidy held for the booking"],
  deliver: ["按计量用量交付结算", "Settled on metered delivery"],
  release: ["交付后退回券内", "Released back to the voucher"],
  payout: ["兑付支付", "Claim paid out"],
  claim_reversal: ["驳回后退回", "Returned after rejection"],
  dispute_reversal: ["争议更正退回", "Returned after a dispute"],
};

export const ACCOUNT_KIND: Record<string, Bilingual> = {
  voucher: ["券账户", "Voucher"],
  provider_payable: ["应付款", "Payable"],
  paid_out: ["已支付", "Paid out"],
  programme_pool: ["项目资金池", "Programme pool"],
  budget_source: ["预算来源", "Budget source"],
};

/** Claims that still await someone: the order the queue shows them in. */
export const OPEN_STATUSES: readonly ClaimStatus[] = ["submitted", "returned", "reviewed", "on_notice"];
