// Names people read for the anomaly rules and severities, in both languages.
import type { AnomalyFlag } from "../../../src/db/schema";
import type { Bilingual } from "../shell/i18n";

export const RULE_NAME: Record<AnomalyFlag["rule"], Bilingual> = {
  related_parties: ["关联方交易", "Related parties"],
  shared_contact: ["双方联系方式相同", "Shared contact details"],
  usage_above_booked: ["用量超过预约", "Usage above booked"],
  usage_above_capacity: ["用量超过物理容量", "Usage above capacity"],
  expiry_bunching: ["临近到期集中核销", "Redeemed just before expiry"],
  provider_concentration: ["服务商客户集中", "One provider, one SME"],
  invoice_reuse: ["发票号重复使用", "Invoice number reused"],
  cancel_rebook: ["反复取消重订", "Cancelled and rebooked"],
};

export const SEVERITY_NAME: Record<AnomalyFlag["severity"], Bilingual> = {
  high: ["高", "High"],
  medium: ["中", "Medium"],
  low: ["低", "Low"],
};

export const STATUS_NAME: Record<AnomalyFlag["status"], Bilingual> = {
  open: ["待复核", "To review"],
  reviewed: ["已复核", "Reviewed"],
};

export const ROW_KIND: Record<string, Bilingual> = {
  booking: ["预约", "Booking"],
  voucher: ["券", "Voucher"],
  claim: ["兑付申请", "Claim"],
  organisation: ["机构", "Organisation"],
  usage_event: ["用量记录", "Usage event"],
  related_party: ["关联方申报", "Related-party declaration"],
  user: ["用户", "User"],
};

export const ROW_ROLE: Record<string, Bilingual> = {
  sme: ["企业", "SME"],
  provider: ["服务商", "Provider"],
  "third party": ["第三方机构", "Third party"],
  booking: ["预约", "Booking"],
  voucher: ["券", "Voucher"],
  claim: ["本申请", "This claim"],
  "same invoice": ["同一发票", "Same invoice"],
  late: ["到期前预约", "Booked late"],
  cancelled: ["已取消", "Cancelled"],
};
