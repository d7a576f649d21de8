// The field schemas and limits that offerings' bodies, queries and answers share, with each other
// and with search and bookings.
import { z } from "@hono/zod-openapi";

export const MAX_UNIT_PRICE_FEN = 1_000_000_000;
export const MAX_CAPACITY_UNITS = 100_000;
const MAX_NOTICE_MINUTES = 30 * 24 * 60;
export const MAX_PAGE = 100;
export const MAX_OFFSET = 10_000;

/** Search words: letters of any script, digits, spaces and - _ . · (no operators to escape). */
export const SearchWords = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}\s\-_.·]+$/u, "搜索词只含文字、数字、空格和 -_.· / Search words are letters, digits, spaces and -_.·");
/** Accelerator model names are ASCII: "Ascend 910B", "H800", "A100-80G". */
export const AcceleratorModel = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 .\-_]*$/, "加速卡型号只含字母、数字、空格和 .-_ / A model name is letters, digits, spaces and .-_");

export const Minutes = z.number().int().min(0).max(MAX_NOTICE_MINUTES);
export const DurationUnits = z.number().int().min(1).max(10_000);

export const SensitivityLevel = z.enum(["public", "internal", "sensitive"]);
export const AccessMode = z.enum(["download", "sandbox"]).openapi({ description: "sandbox = 可用不可见 (usable but not visible)" });

/** A booking a capacity cut, retirement or blackout would cancel, as the refusal names it. */
export const BookingInTheWay = z.object({
  id: z.string(),
  sme_org_id: z.string(),
  sme_name: z.string().openapi({ description: "The enterprise that booked it" }),
  status: z.string(),
  quantity: z.number(),
  starts_at: z.string(),
  ends_at: z.string(),
  subsidy_fen: z.number(),
});
