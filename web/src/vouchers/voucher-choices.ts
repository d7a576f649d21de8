// The vouchers an enterprise could pay an offering with: active, with money available, and
// whether each one's programme covers the offering (category and the provider's region). The
// API decides in the end; this only picks a sensible default and labels the choices.
import { formatFen } from "../shell/format";
import type { Bilingual } from "../shell/i18n";
import { regionMatches } from "../../../src/domain/region";
import { loadMyVouchers } from "./my-vouchers";
import type { Offering } from "../offerings";
import { loadProgrammeNames, type ProgrammeSummary } from "../programmes";

export interface VoucherChoice {
  id: string;
  label: Bilingual;
  covers: boolean;
  programme: ProgrammeSummary | undefined;
  available_fen: number;
}

export async function loadVoucherChoices(offering: Pick<Offering, "category" | "region_code">): Promise<VoucherChoice[]> {
  const { items } = await loadMyVouchers();
  const usable = items.filter((v) => v.status === "active" && v.available_fen > 0);
  const programmes = await loadProgrammeNames(usable.map((v) => v.programme_id));
  return usable.map((v) => {
    const programme = programmes.get(v.programme_id);
    const rules = programme?.rules;
    const covers = Boolean(
      rules && (rules.eligible_categories as string[]).includes(offering.category) && (rules.cross_region || regionMatches(offering.region_code, rules.eligible_region_prefixes)),
    );
    const name = programme?.name ?? v.programme_id;
    return {
      id: v.id,
      covers,
      programme,
      available_fen: v.available_fen,
      label: [
        `${name}（可用 ${formatFen(v.available_fen)}，至 ${v.valid_through_on}）${covers ? "" : "，不适用于此资源"}`,
        `${name} (${formatFen(v.available_fen)} available, through ${v.valid_through_on})${covers ? "" : ", does not cover this offering"}`,
      ],
    };
  });
}
