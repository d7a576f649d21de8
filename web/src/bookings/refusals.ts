// Refusals from the booking routes in words a person can act on. The API's messages name
// instants in ISO 8601; where its details carry the facts, they are said again in Beijing time.
import type { ApiError } from "../shell/api";
import { formatInstant } from "../shell/format";
import { localise } from "../shell/i18n";
import type { Message } from "../ui/form";

interface SlotDetails {
  slot_start_at?: string;
  free_units?: number;
}

interface RelationDetails {
  relation?: { kind?: string; party?: string };
}

const RELATION_KIND: Record<string, [string, string]> = {
  declared_by_sme: ["你方申报其为关联方", "you declared them a related party"],
  declared_by_provider: ["服务商申报你方为关联方", "the provider declared you a related party"],
  common_party: ["双方申报了同一关联方", "you both declared the same related party"],
  same_legal_representative: ["双方法定代表人相同", "you share a legal representative"],
};

export function refusalMessage(error: ApiError): Message {
  switch (error.code) {
    case "slot_full": {
      const d = (error.details ?? {}) as SlotDetails;
      if (!d.slot_start_at) return error.message;
      const when = formatInstant(d.slot_start_at);
      return [
        `${when} 起的时段只剩 ${d.free_units ?? 0} 个空闲，未预约。请减少数量或换一个时间。`,
        `Only ${d.free_units ?? 0} free in the slot at ${when}, so nothing was booked: book fewer or choose another time.`,
      ];
    }
    case "blacked_out": {
      const d = (error.details ?? {}) as SlotDetails;
      const when = d.slot_start_at ? formatInstant(d.slot_start_at) : "";
      return [`${when} 起的时段处于维护停用期，未预约。`, `The slot at ${when} is closed for maintenance, so nothing was booked.`];
    }
    case "related_party": {
      const relation = ((error.details ?? {}) as RelationDetails).relation;
      const [zh, en] = RELATION_KIND[relation?.kind ?? ""] ?? ["存在关联关系", "you are related"];
      const party = relation?.party ? `（${relation.party}）` : "";
      return [
        `你与该服务商是关联方：${zh}${party}。本项目的券不能用于关联方交易；可以不使用券，按全价预约。`,
        `You and this provider are related parties: ${en}${relation?.party ? ` (${relation.party})` : ""}. This programme's vouchers cannot pay for deals between related parties; you may book without a voucher at full price.`,
      ];
    }
    case "quote_changed":
      return ["价格或补贴刚发生变化，未预约。请查看更新后的报价再确认。", "The price or subsidy just changed, so nothing was booked: check the new quote and confirm again."];
    default:
      if (!VOUCHER_REFUSALS.has(error.code)) return error.message;
      return [
        `${localise(error.message, "zh")}。可以选择“不使用券（全价）”预约。`,
        `${localise(error.message, "en")}. You may book with “No voucher (full price)”.`,
      ];
  }
}

/** Refusals about the voucher, not the booking: booking without it remains open. */
const VOUCHER_REFUSALS = new Set([
  "voucher_not_active",
  "voucher_expired",
  "voucher_expires_before_end",
  "programme_not_open",
  "category_not_eligible",
  "region_not_eligible",
]);
