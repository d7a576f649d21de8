// The catalogue's list read, small enough for the app's own chunk: the page (./catalogue.tsx) reads
// through it, and start-up starts it early for a first visit to the catalogue (its `firstRead` in
// web/src/app/navigation.ts), so both ask for the same thing under the same key.
import { api, send } from "../shell/api";
import { OFFERING_CATEGORY } from "../shell/labels";

export const CATALOGUE_PAGE_SIZE = 20;
type Category = keyof typeof OFFERING_CATEGORY;

/** The API query from the address, keeping only what the API accepts. */
export function offeringQuery(query: URLSearchParams) {
  const category = query.get("category");
  const fen = Number(query.get("max_unit_price_fen"));
  return {
    ...(category && category in OFFERING_CATEGORY ? { category: category as Category } : {}),
    ...(query.get("q") ? { q: query.get("q") as string } : {}),
    ...(query.get("accelerator_model") ? { accelerator_model: query.get("accelerator_model") as string } : {}),
    ...(query.get("domestic") === "true" ? { domestic: "true" as const } : {}),
    ...(query.get("max_unit_price_fen") && Number.isSafeInteger(fen) ? { max_unit_price_fen: String(fen) } : {}),
    ...(/^vch_[a-z2-7]+$/.test(query.get("covered_by_voucher") ?? "") ? { covered_by_voucher: query.get("covered_by_voucher") as string } : {}),
    limit: String(CATALOGUE_PAGE_SIZE),
    offset: String(Math.max(0, Math.floor(Number(query.get("offset")) || 0))),
  };
}

export type OfferingQuery = ReturnType<typeof offeringQuery>;

/** One page of the catalogue, and the key its load goes by. */
export function catalogueRead(apiQuery: OfferingQuery) {
  return { key: `offerings ${JSON.stringify(apiQuery)}`, read: () => send(api.api.offerings.$get({ query: apiQuery })) };
}

/** The catalogue's list, for start-up to read early; none when the address opens one offering (?id=). */
export function catalogueFirstRead(query: URLSearchParams) {
  return query.get("id") ? null : catalogueRead(offeringQuery(query));
}
