// Names people read for the API's enum values, in both languages.
import type { Booking, Offering, Programme, Voucher, VoucherApplication } from "../../../src/db/schema";
import type { StandardUnit } from "../../../src/domain/offering-units";
import { SIZE_CLASS_NAMES } from "../../../src/domain/size-classes";
import type { Bilingual } from "./i18n";
import type { Me } from "./session";

type Org = Me["organisation"];

export const ORG_KIND: Record<Org["kind"], Bilingual> = {
  sme: ["中小企业", "SME"],
  provider: ["服务商", "Provider"],
  agency: ["主管部门", "Funding agency"],
  platform: ["平台运营方", "Platform operator"],
};

export const USER_ROLE: Record<Me["user"]["role"], Bilingual> = {
  member: ["成员", "Member"],
  admin: ["管理员", "Administrator"],
  reviewer: ["审核员", "Reviewer"],
  finance: ["财务", "Finance"],
  auditor: ["审计", "Auditor"],
};

/** Shared with the server's eligibility reasons (src/domain/size-classes.ts). */
export const SIZE_CLASS: Record<Org["size_class"], Bilingual> = SIZE_CLASS_NAMES;

export const CREDIT_STATUS: Record<Org["credit_status"], Bilingual> = {
  good: ["信用良好", "Good standing"],
  blacklisted: ["失信名单", "Blacklisted"],
};

export type ProviderStatus = NonNullable<Org["provider_status"]>;

export const PROVIDER_STATUS: Record<ProviderStatus, Bilingual> = {
  pending: ["待审核", "Pending approval"],
  approved: ["已批准", "Approved"],
  rejected: ["已驳回", "Rejected"],
  suspended: ["已暂停", "Suspended"],
};

export const RELATION: Record<"shareholder" | "legal_representative" | "affiliate" | "other", Bilingual> = {
  shareholder: ["股东", "Shareholder"],
  legal_representative: ["法定代表人", "Legal representative"],
  affiliate: ["关联企业", "Affiliate"],
  other: ["其他", "Other"],
};

/** The options of a <select> or radio group, in declaration order. */
export const optionsOf = <K extends string>(labels: Record<K, Bilingual>) => Object.entries(labels) as [K, Bilingual][];

// ---------------------------------------------------------------- programmes, vouchers, offerings, bookings

export const PROGRAMME_KIND: Record<Programme["kind"], Bilingual> = {
  compute: ["算力券", "Compute voucher"],
  data: ["数据券", "Data voucher"],
  model: ["模型券", "Model voucher"],
  general: ["创新券", "Innovation voucher"],
};

export const PROGRAMME_STATUS: Record<Programme["status"], Bilingual> = {
  draft: ["草稿", "Draft"],
  open: ["受理中", "Open"],
  closed: ["已关闭", "Closed"],
};

export const APPLICATION_STATUS: Record<VoucherApplication["status"], Bilingual> = {
  pending: ["待审核", "Pending review"],
  approved: ["已批准", "Approved"],
  rejected: ["已驳回", "Rejected"],
  withdrawn: ["已撤回", "Withdrawn"],
};

export const VOUCHER_STATUS: Record<Voucher["status"], Bilingual> = {
  active: ["有效", "Active"],
  expired: ["已过期", "Expired"],
  revoked: ["已撤销", "Revoked"],
};

export const OFFERING_CATEGORY: Record<Offering["category"], Bilingual> = {
  compute: ["算力", "Compute"],
  dataset: ["数据集", "Dataset"],
  simulation: ["仿真平台", "Simulation"],
  platform_service: ["平台服务", "Platform service"],
};

export const OFFERING_STATUS: Record<Offering["status"], Bilingual> = {
  draft: ["草稿", "Draft"],
  active: ["上架中", "Active"],
  paused: ["已暂停", "Paused"],
  retired: ["已下架", "Retired"],
};

/** The standard pricing units; a platform service names its own. */
export const OFFERING_UNIT: Record<StandardUnit, Bilingual> = {
  card_hour: ["卡时", "card-hour"],
  node_hour: ["节点时", "node-hour"],
  seat_day: ["席位天", "seat-day"],
  licence_month: ["许可月", "licence-month"],
  session_hour: ["会话时", "session-hour"],
};

export const BOOKING_STATUS: Record<Booking["status"], Bilingual> = {
  requested: ["待确认", "Awaiting confirmation"],
  confirmed: ["已确认", "Confirmed"],
  in_use: ["使用中", "In use"],
  delivered: ["已交付", "Delivered"],
  settled: ["已结算", "Settled"],
  cancelled: ["已取消", "Cancelled"],
  rejected: ["已拒绝", "Rejected"],
  lapsed: ["已失效", "Lapsed"],
};
