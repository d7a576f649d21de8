// The pricing units the factor-supply measures' four categories use (DESIGN §3), with the time
// one unit buys and the slot capacity is counted in. Platform services choose their own unit.

export interface UnitShape {
  unit_minutes: number;
  slot_minutes: 60 | 1440;
}

export const STANDARD_UNITS = {
  card_hour: { unit_minutes: 60, slot_minutes: 60 },
  node_hour: { unit_minutes: 60, slot_minutes: 60 },
  session_hour: { unit_minutes: 60, slot_minutes: 60 },
  seat_day: { unit_minutes: 1440, slot_minutes: 1440 },
  // A licence-month is 30 days of daily slots.
  licence_month: { unit_minutes: 30 * 1440, slot_minutes: 1440 },
} as const satisfies Record<string, UnitShape>;
export type StandardUnit = keyof typeof STANDARD_UNITS;

export const CATEGORY_UNITS = {
  compute: ["card_hour", "node_hour"],
  dataset: ["seat_day", "licence_month"],
  simulation: ["session_hour"],
} as const satisfies Record<string, readonly StandardUnit[]>;

/** Fields only one category carries; a change naming another category's field is refused. */
export const CATEGORY_FIELDS = {
  compute: ["accelerator_model", "cards_per_node", "domestic"],
  dataset: ["licence_terms", "access_mode", "sensitivity_level"],
  simulation: [],
  platform_service: [],
} as const satisfies Record<string, readonly string[]>;
