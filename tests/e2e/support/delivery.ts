// A booking taken through the API to delivery under the Beijing demo programme (its voucher
// vch_demobeijing): the provider publishes a fresh offering, the enterprise books two cards for
// the next whole hour, the server's clock moves past its end, the provider reports the usage and
// delivers. Tests that need delivered money (the dashboard's charts, a claim on public notice)
// start from here.
import { expect } from "vitest";
import type { ClockedProduct } from "./clock";
import { uniqueSuffix } from "./data";
import type { Caller } from "./sme";

const HOUR_MS = 3_600_000;

export async function deliveredDemoBooking(product: ClockedProduct, provider: Caller, sme: Caller, label: string) {
  const offering = await provider.post("/api/offerings", {
    category: "compute",
    name: `E2E ${label} ${uniqueSuffix()}`,
    unit: "card_hour",
    unit_price_fen: 10_000,
    capacity_units: 4,
    accelerator_model: `Ascend 910B ${uniqueSuffix()}`,
    cards_per_node: 8,
    domestic: true,
    requires_confirmation: false,
  });
  expect(offering.status, JSON.stringify(offering.body)).toBe(201);
  const startsAt = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const booking = await sme.post(
    "/api/bookings",
    { offering_id: offering.body.id, quantity: 2, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + HOUR_MS).toISOString(), voucher_id: "vch_demobeijing" },
    `e2e-book-${uniqueSuffix()}`,
  );
  expect(booking.status, JSON.stringify(booking.body)).toBe(201);
  await product.advance(startsAt + HOUR_MS - Date.now() + 60_000);
  const usage = await provider.post("/api/usage", { events: [{ event_id: `e2e-${uniqueSuffix()}`, booking_id: booking.body.id, period_start: new Date(startsAt).toISOString(), period_end: new Date(startsAt + HOUR_MS).toISOString(), quantity_milli: 2_000 }] });
  expect(usage.body.accepted, JSON.stringify(usage.body)).toBe(1);
  const delivered = await provider.post(`/api/bookings/${booking.body.id}/deliver`, {}, `e2e-deliver-${uniqueSuffix()}`);
  expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
  return { booking: booking.body, delivered: delivered.body };
}
