// Agency staff read bookings across their programmes (the web's bookings page): the programme,
// provider, enterprise and period filters narrow what the booking scope allows and never widen
// it: another agency asking for this programme's bookings gets none. The bookings CSV takes them too.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { booked, computeBody, cst, MONDAY_8AM, publish, range, voucherMarket } from "../support/bookings";
import { createAgency } from "../support/fixtures";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;

describe("bookings across an agency's programmes", () => {
  it("filters by programme, provider, enterprise and start time, inside the agency's scope only", async () => {
    const agency = await createAgency(harness);
    const first = await voucherMarket(harness, { agency });
    const second = await voucherMarket(harness, { agency });
    const offerings = [await publish(first.provider, computeBody()), await publish(second.provider, computeBody())];
    const a = await booked(first.sme.client, { offering_id: offerings[0]!.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: first.voucher.id });
    const b = await booked(second.sme.client, { offering_id: offerings[1]!.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T11:00"), voucher_id: second.voucher.id });
    const ids = async (query: string, client = agency.auditor.client) => {
      const res = await client.get(`/api/bookings?limit=100${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as { id: string }[]).map((i) => i.id).filter((id) => id === a.id || id === b.id).sort();
    };
    expect(await ids("")).toEqual([a.id, b.id].sort());
    expect(await ids(`&programme_id=${first.programme.id}`)).toEqual([a.id]);
    expect(await ids(`&provider_org_id=${second.provider.org.id}`)).toEqual([b.id]);
    expect(await ids(`&sme_org_id=${first.sme.org.id}`)).toEqual([a.id]);
    expect(await ids(`&from=${encodeURIComponent(cst("2026-03-04T00:00"))}`)).toEqual([b.id]);
    expect(await ids(`&to=${encodeURIComponent(cst("2026-03-04T00:00"))}`)).toEqual([a.id]);
    // Names, not ids, come with each booking.
    const named = (await agency.auditor.client.get(`/api/bookings?programme_id=${first.programme.id}`)).body.items[0];
    expect(named).toMatchObject({ id: a.id, programme_name: first.programme.name, sme_name: expect.any(String), provider_name: expect.any(String) });

    // The CSV export takes the same filters: one provider's bookings, names included.
    const csv = async (query: string, client = agency.auditor.client) => {
      const res = await (client as unknown as { get: (path: string, headers: Record<string, string>) => Promise<{ status: number; body: Uint8Array }> }).get(`/api/exports/bookings.csv?${query}`, { "X-Test-Raw-Response": "1" });
      return { status: res.status, lines: new TextDecoder("utf-8", { ignoreBOM: true }).decode(res.body).trim().split("\r\n") };
    };
    const byProvider = await csv(`provider_org_id=${second.provider.org.id}`);
    expect(byProvider.status).toBe(200);
    expect(byProvider.lines).toHaveLength(2);
    expect(byProvider.lines[1]).toContain(b.id);
    expect(byProvider.lines[1]).toContain(second.programme.id);
    expect((await csv(`sme_org_id=${first.sme.org.id}&status=cancelled`)).lines).toHaveLength(1);
    expect((await csv(`sme_org_id=${first.sme.org.id}`)).lines.slice(1).map((l) => l.split(",")[0])).toEqual([a.id]);

    // Another agency naming this programme sees nothing; a reversed period is refused.
    const other = await createAgency(harness);
    expect(await ids(`&programme_id=${first.programme.id}`, other.auditor.client)).toEqual([]);
    expect((await csv(`provider_org_id=${second.provider.org.id}`, other.auditor.client)).lines).toHaveLength(1);
    expect((await csv(`programme_id=${first.programme.id}`, other.auditor.client)).status).toBe(404);
    expect((await agency.auditor.client.get(`/api/bookings?from=${encodeURIComponent(cst("2026-03-05T00:00"))}&to=${encodeURIComponent(cst("2026-03-04T00:00"))}`)).status).toBe(400);
  });
});
