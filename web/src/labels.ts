// Names people read for the API's enum values, in both languages.
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

export const SIZE_CLASS: Record<Org["size_class"], Bilingual> = {
  micro: ["微型企业", "Micro"],
  small: ["小型企业", "Small"],
  medium: ["中型企业", "Medium"],
  large: ["大型企业", "Large"],
};

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
