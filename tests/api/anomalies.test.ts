// Anomaly flags (docs/anomalies.md): each rule raises a flag on the pattern and stays quiet on a
// near miss; two sweeps over the same events raise a flag once; another agency neither sees nor
// reviews a flag; a review is audited and happens once.
//
// Every test sweeps with a cursor of its own, started at the end of the log, so sweeps run by
// other test files (on D1 the database is shared) never skip the events a test made.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from "../../src/domain/anomaly-rules";
import { sweepAnomalies, sweepAnomaliesUntilCaughtUp } from "../../src/services/anomalies";
import { anomaly_sweep } from "../../src/db/schema";
import { createAgency, signUpSme, uniqueCreditCode, uniqueEmail, uniqueSuffix, type SignedIn } from "../support/fixtures";
import { booked, bookingScene, computeBody, cst, expectRefusal, publish, range, voucherMarket, type Market } from "../support/bookings";
import { issueVoucher, moneyPost } from "../support/programmes";
import { reportUsage } from "../support/usage";

const { harness, agency } = await bookingScene();

const SETTINGS: AnomalySettings = { ...DEFAULT_ANOMALY_SETTINGS, concentration_min_bookings: 3, concentration_share_bp: 9_000, rebook_cancellations: 2, events_per_run: 100 };

/** A cursor of this test's own, at the end of the log as it is now. */
async function startCursor(): Promise<string> {
  const id = `test-${uniqueSuffix()}`;
  const [row] = await harness.store.all<{ seq: number | null }>(sql`SELECT max(seq) AS seq FROM audit_events`);
  await harness.store.batch([harness.store.db.insert(anomaly_sweep).values({ id, last_seq: Number(row?.seq ?? 0), updated_at: harness.clock.now })]);
  return id;
}

const sweep = (cursor: string, settings = SETTINGS) => sweepAnomaliesUntilCaughtUp(harness.store, harness.clock.now, settings, cursor);

interface FlagRow {
  id: string;
  rule: string;
  severity: string;
  subject_kind: string;
  programme_id: string;
  evidence_json: string;
}

async function flagsOn(subjectId: string): Promise<FlagRow[]> {
  return harness.store.all<FlagRow>(sql`SELECT id, rule, severity, subject_kind, programme_id, evidence_json FROM anomaly_flags WHERE subject_id = ${subjectId} ORDER BY rule`);
}
const rulesOn = async (subjectId: string) => (await flagsOn(subjectId)).map((f) => f.rule);

/** A market whose programme lets related parties book with subsidy, so the sweep is the only check. */
const relaxedMarket = (options: Parameters<typeof voucherMarket>[1] = {}) => voucherMarket(harness, { agency, ...options, rules: { exclude_related_parties: false, ...options.rules } });

async function bookOnce(market: Market, from = "2026-03-03T10:00", to = "2026-03-03T12:00", quantity = 1, offeringId?: string) {
  const offering = offeringId ?? (await publish(market.provider, computeBody())).id;
  return booked(market.sme.client, { offering_id: offering, quantity, ...range(from, to), voucher_id: market.voucher.id });
}

const declare = (who: SignedIn, body: Record<string, unknown>) =>
  who.client.post(`/api/organisations/${who.org.id}/related-parties`, body).then((res) => {
    if (res.status !== 201) throw new Error(`declaration refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  });

describe("related parties on both sides of a booking", () => {
  it("flags a shareholder both sides declared, with the two organisations and the declarations as evidence", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket();
    const holding = { relation: "shareholder", party_name: `共同控股 Common Holdings ${uniqueSuffix()}`, party_credit_code: uniqueCreditCode() };
    await declare(market.sme, holding);
    await declare(market.provider, holding);
    const booking = await bookOnce(market);
    await sweep(cursor);
    const [flag] = await flagsOn(booking.id);
    expect(flag).toMatchObject({ rule: "related_parties", severity: "high", subject_kind: "booking", programme_id: market.programme.id });
    const evidence = JSON.parse(flag!.evidence_json);
    expect(evidence.figures.relation).toBe("common_party");
    expect(evidence.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "booking", id: booking.id }),
        expect.objectContaining({ kind: "organisation", id: market.sme.org.id, role: "sme" }),
        expect.objectContaining({ kind: "organisation", id: market.provider.org.id, role: "provider" }),
        expect.objectContaining({ kind: "related_party", label: holding.party_name }),
      ]),
    );
  });

  it("flags a link through a third registered organisation, even where the programme's own check let the booking through", async () => {
    const cursor = await startCursor();
    // The programme refuses subsidy to related parties, but only sees direct links.
    const market = await voucherMarket(harness, { agency, rules: { exclude_related_parties: true } });
    const third = await signUpSme(harness);
    await declare(market.sme, { relation: "shareholder", party_name: "第三方控股 Third Holdings", party_credit_code: third.org.credit_code });
    await declare(third, { relation: "affiliate", party_name: "关联服务商 Provider affiliate", party_credit_code: market.provider.org.credit_code });
    const booking = await bookOnce(market);
    expect(booking.subsidy_fen).toBeGreaterThan(0);
    await sweep(cursor);
    const [flag] = await flagsOn(booking.id);
    expect(flag?.rule).toBe("related_parties");
    expect(JSON.parse(flag!.evidence_json).rows).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "organisation", id: third.org.id, role: "third party" })]));
  });

  it("flags a booking when a declaration made after it links the two sides", async () => {
    const market = await relaxedMarket();
    const booking = await bookOnce(market);
    const cursor = await startCursor();
    await declare(market.provider, { relation: "legal_representative", party_name: "某某", party_credit_code: market.sme.org.credit_code });
    await sweep(cursor);
    expect(await rulesOn(booking.id)).toEqual(["related_parties"]);
  });

  it("raises nothing for unrelated parties, even when each declares shareholders of its own", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket();
    await declare(market.sme, { relation: "shareholder", party_name: `甲控股 A Holdings ${uniqueSuffix()}`, party_credit_code: uniqueCreditCode() });
    await declare(market.provider, { relation: "shareholder", party_name: `乙控股 B Holdings ${uniqueSuffix()}`, party_credit_code: uniqueCreditCode() });
    const booking = await bookOnce(market);
    await sweep(cursor);
    expect(await rulesOn(booking.id)).toEqual([]);
  });
});

describe("the same phone, e-mail, address or person on both sides", () => {
  it("flags a shared phone (+86 and spacing aside) and one mailbox behind two +tags", async () => {
    const cursor = await startCursor();
    const mailbox = `boss-${uniqueSuffix()}`;
    const market = await relaxedMarket({
      sme: { organisation: { contact_phone: "+86 138-0013-8000" }, user: { email: `${mailbox}+sme@test.example` } },
      provider: { organisation: { contact_phone: "13800138000" }, user: { email: `${mailbox.toUpperCase()}+cloud@test.example` } },
    });
    const booking = await bookOnce(market);
    await sweep(cursor);
    const [flag] = await flagsOn(booking.id);
    expect(flag?.rule).toBe("shared_contact");
    expect(JSON.parse(flag!.evidence_json).figures).toEqual({ phone: "+86 138-0013-8000", email: `${mailbox}@test.example` });
  });

  it("flags the same registered address and one side's legal representative signing in on the other side", async () => {
    const cursor = await startCursor();
    const rep = `王${uniqueSuffix()}`;
    const market = await relaxedMarket({
      sme: { organisation: { address: "北京市海淀区中关村大街 27 号", legal_representative: rep } },
      provider: { organisation: { address: "北京市海淀区中关村大街27号" }, user: { display_name: rep } },
    });
    const booking = await bookOnce(market);
    await sweep(cursor);
    const [flag] = await flagsOn(booking.id);
    expect(Object.keys(JSON.parse(flag!.evidence_json).figures).sort()).toEqual(["address", "person"]);
  });

  it("raises nothing when phones, mailboxes, addresses and people differ", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket({
      sme: { organisation: { contact_phone: "13800138000", address: "北京市海淀区上地十街1号", legal_representative: "张三" }, user: { email: uniqueEmail("sme") } },
      provider: { organisation: { contact_phone: "13900139000", address: "北京市朝阳区建国路1号", legal_representative: "李四" }, user: { email: uniqueEmail("cloud") } },
    });
    const booking = await bookOnce(market);
    await sweep(cursor);
    expect(await rulesOn(booking.id)).toEqual([]);
  });
});

describe("usage above booked or above physical capacity", () => {
  async function meteredBooking(lines: { from: string; to: string }[]) {
    const market = await relaxedMarket();
    const offering = await publish(market.provider, computeBody({ capacity_units: 2 }));
    const booking = await bookOnce(market, "2026-03-03T10:00", "2026-03-03T12:00", 2, offering.id);
    expect((await market.provider.client.post(`/api/bookings/${booking.id}/confirm`, {})).status).toBeLessThan(500);
    const cursor = await startCursor();
    harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
    // Each event alone is within the booking (2 cards for one hour) and the total (4 card-hours) is what was booked.
    await reportUsage(market.provider.client, lines.map((l) => ({ booking_id: booking.id, ...l, quantity_milli: 2_000 })));
    await sweep(cursor);
    return booking;
  }

  it("flags two reports of the same hour: 4 cards in use on a 2-card booking of a 2-card offering", async () => {
    const booking = await meteredBooking([
      { from: "2026-03-03T10:00", to: "2026-03-03T11:00" },
      { from: "2026-03-03T10:00", to: "2026-03-03T11:00" },
    ]);
    const flags = await flagsOn(booking.id);
    expect(flags.map((f) => f.rule)).toEqual(["usage_above_booked", "usage_above_capacity"]);
    const evidence = JSON.parse(flags[0]!.evidence_json);
    expect(evidence.figures).toEqual({ peak_units: 4, booked_units: 2 });
    expect(evidence.rows.filter((r: { kind: string }) => r.kind === "usage_event")).toHaveLength(2);
    expect(JSON.parse(flags[1]!.evidence_json).figures).toEqual({ peak_units: 4, capacity_units: 2 });
  });

  it("raises nothing when the same quantities cover consecutive hours", async () => {
    const booking = await meteredBooking([
      { from: "2026-03-03T10:00", to: "2026-03-03T11:00" },
      { from: "2026-03-03T11:00", to: "2026-03-03T12:00" },
    ]);
    expect(await rulesOn(booking.id)).toEqual([]);
  });
});

describe("redemptions bunched just before voucher expiry", () => {
  const shortVoucher = { validity: { kind: "days_from_issue" as const, days: 10 } };

  it("flags a voucher whose face value is mostly booked in the last week before it expires", async () => {
    const market = await relaxedMarket({ rules: shortVoucher, face_fen: 10_000 });
    const cursor = await startCursor();
    harness.clock.now = Date.parse(market.voucher.expires_at) - 3 * 24 * 3_600_000;
    // 8 cards for 4 hours: 32,000 fen gross, 20% → 6,400 fen of the 10,000 fen face value.
    const booking = await bookOnce(market, "2026-03-10T10:00", "2026-03-10T14:00", 8);
    expect(booking.subsidy_fen).toBe(6_400);
    await sweep(cursor);
    const [flag] = await flagsOn(market.voucher.id);
    expect(flag).toMatchObject({ rule: "expiry_bunching", severity: "low", subject_kind: "voucher" });
    expect(JSON.parse(flag!.evidence_json).figures).toMatchObject({ late_fen: 6_400, face_value_fen: 10_000, share_bp: 6_400 });
  });

  it("raises nothing when the same booking is made early in the voucher's life", async () => {
    const market = await relaxedMarket({ rules: shortVoucher, face_fen: 10_000 });
    const cursor = await startCursor();
    await bookOnce(market, "2026-03-10T10:00", "2026-03-10T14:00", 8);
    await sweep(cursor);
    expect(await rulesOn(market.voucher.id)).toEqual([]);
  });
});

describe("one provider whose bookings are nearly all with one SME", () => {
  it("flags the provider when one SME holds 3 of its 3 bookings in the programme (threshold 90%, at least 3)", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket();
    const offering = await publish(market.provider, computeBody());
    for (const day of ["03", "04", "05"]) await bookOnce(market, `2026-03-${day}T10:00`, `2026-03-${day}T11:00`, 1, offering.id);
    await sweep(cursor);
    const flags = (await flagsOn(market.provider.org.id)).filter((f) => f.programme_id === market.programme.id);
    expect(flags.map((f) => f.rule)).toEqual(["provider_concentration"]);
    expect(JSON.parse(flags[0]!.evidence_json).figures).toMatchObject({ top_bookings: 3, total_bookings: 3, share_bp: 10_000 });
  });

  it("raises nothing when a second SME holds one of the three", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket();
    const offering = await publish(market.provider, computeBody());
    for (const day of ["03", "04"]) await bookOnce(market, `2026-03-${day}T10:00`, `2026-03-${day}T11:00`, 1, offering.id);
    const other = await signUpSme(harness);
    const { voucher } = await issueVoucher(agency, other, market.programme.id, 100_000);
    await booked(other.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T11:00"), voucher_id: voucher.id });
    await sweep(cursor);
    expect((await flagsOn(market.provider.org.id)).filter((f) => f.programme_id === market.programme.id)).toEqual([]);
  });
});

describe("an invoice number reused across claims", () => {
  async function deliveredBookings(count: number) {
    const market = await relaxedMarket();
    const offering = await publish(market.provider, computeBody({ capacity_units: 8 }));
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await bookOnce(market, "2026-03-03T10:00", "2026-03-03T15:00", 1, offering.id)).id);
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    for (const id of ids) {
      await reportUsage(market.provider.client, [{ booking_id: id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 5_000 }]);
      expect((await moneyPost(market.provider.client, `/api/bookings/${id}/deliver`, {})).status).toBe(200);
      expect((await market.sme.client.post(`/api/bookings/${id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed");
    }
    return { market, ids };
  }
  const claim = async (market: Market, bookingId: string, invoice: string) => {
    const res = await market.provider.client.post("/api/claims", {
      booking_ids: [bookingId],
      contract_no: `HT-${uniqueSuffix()}`,
      invoice_no: invoice,
      invoice_amount_fen: 5_000,
      delivery_certificate: "验收合格 Accepted on delivery",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };

  it("flags both claims carrying the same invoice retyped ('FP-…' and 'fp/…'), each naming the other", async () => {
    const { market, ids } = await deliveredBookings(2);
    const cursor = await startCursor();
    const suffix = uniqueSuffix();
    const first = await claim(market, ids[0]!, `FP-2026-${suffix}`);
    const second = await claim(market, ids[1]!, `fp/2026/${suffix}`);
    await sweep(cursor);
    for (const [self, other] of [
      [second, first],
      [first, second],
    ]) {
      const [flag] = await flagsOn(self!.id);
      expect(flag).toMatchObject({ rule: "invoice_reuse", severity: "high", subject_kind: "claim" });
      expect(JSON.parse(flag!.evidence_json).rows).toEqual([
        expect.objectContaining({ kind: "claim", id: self!.id, role: "claim" }),
        expect.objectContaining({ kind: "claim", id: other!.id, role: "same invoice" }),
      ]);
    }
  });

  it("raises nothing for claims with different invoice numbers", async () => {
    const { market, ids } = await deliveredBookings(2);
    const cursor = await startCursor();
    const a = await claim(market, ids[0]!, `FP-2026-${uniqueSuffix()}`);
    const b = await claim(market, ids[1]!, `FP-2026-${uniqueSuffix()}`);
    await sweep(cursor);
    expect([...(await rulesOn(a.id)), ...(await rulesOn(b.id))]).toEqual([]);
  });
});

describe("a booking cancelled and rebooked repeatedly to move a hold", () => {
  async function churn(cancellations: number) {
    const market = await relaxedMarket();
    const offering = await publish(market.provider, computeBody());
    const cursor = await startCursor();
    for (let i = 0; i < cancellations; i++) {
      const b = await bookOnce(market, "2026-03-05T10:00", "2026-03-05T12:00", 1, offering.id);
      expect((await moneyPost(market.sme.client, `/api/bookings/${b.id}/cancel`, {})).status).toBe(200);
    }
    await bookOnce(market, "2026-03-05T10:00", "2026-03-05T12:00", 1, offering.id);
    await sweep(cursor);
    return market;
  }

  it("flags the voucher after two cancellations each followed by a new booking (threshold 2)", async () => {
    const market = await churn(2);
    const [flag] = await flagsOn(market.voucher.id);
    expect(flag).toMatchObject({ rule: "cancel_rebook", subject_kind: "voucher" });
    const rows = JSON.parse(flag!.evidence_json).rows as { kind: string; role: string }[];
    expect(rows.filter((r) => r.kind === "booking").map((r) => r.role).sort()).toEqual(["cancelled", "cancelled", "confirmed"].sort());
  });

  it("raises nothing after a single cancellation and rebooking", async () => {
    const market = await churn(1);
    expect(await rulesOn(market.voucher.id)).toEqual([]);
  });
});

describe("the sweep", () => {
  it("raises a flag once when two sweeps compute it at the same time, and again not on a later sweep", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket({ sme: { organisation: { contact_phone: "010-6275 1000" } }, provider: { organisation: { contact_phone: "01062751000" } } });
    const booking = await bookOnce(market);
    // Two runs from the same cursor and one from a second cursor: all three read the same events.
    const second = `${cursor}-b`;
    const [row] = await harness.store.all<{ last_seq: number }>(sql`SELECT last_seq FROM anomaly_sweep WHERE id = ${cursor}`);
    await harness.store.batch([harness.store.db.insert(anomaly_sweep).values({ id: second, last_seq: Number(row!.last_seq), updated_at: harness.clock.now })]);
    const runs = await Promise.all([
      sweepAnomalies(harness.store, harness.clock.now, { ...SETTINGS, events_per_run: 10_000 }, cursor),
      sweepAnomalies(harness.store, harness.clock.now, { ...SETTINGS, events_per_run: 10_000 }, cursor),
      sweepAnomalies(harness.store, harness.clock.now, { ...SETTINGS, events_per_run: 10_000 }, second),
    ]);
    for (const run of runs) expect(run.events).toBeGreaterThan(0);
    const flags = await flagsOn(booking.id);
    expect(flags.map((f) => f.rule)).toEqual(["shared_contact"]);
    // Exactly one of the runs inserted it; the others met the unique key and did nothing.
    expect(runs.flatMap((r) => r.raised).filter((key) => key === `shared_contact:${booking.id}`)).toHaveLength(1);
    const [count] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM anomaly_flags WHERE subject_id = ${booking.id}`);
    expect(Number(count!.n)).toBe(1);
    // The cursor moved forward past these events; sweeping again from the same place changes nothing.
    const [after] = await harness.store.all<{ last_seq: number }>(sql`SELECT last_seq FROM anomaly_sweep WHERE id = ${cursor}`);
    expect(Number(after!.last_seq)).toBe(Math.max(...runs.slice(0, 2).map((r) => r.last_seq)));
    await harness.store.batch([harness.store.db.update(anomaly_sweep).set({ last_seq: Number(row!.last_seq) }).where(sql`id = ${cursor}`)]);
    await sweep(cursor);
    expect(await flagsOn(booking.id)).toEqual(flags);
  });

  it("reads at most events_per_run audit events a run, resuming from its cursor", async () => {
    const cursor = await startCursor();
    const market = await relaxedMarket({ sme: { organisation: { contact_phone: "021-5555 0101" } }, provider: { organisation: { contact_phone: "02155550101" } } });
    const booking = await bookOnce(market);
    const small = { ...SETTINGS, events_per_run: 10 };
    const [{ n }] = (await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE seq > (SELECT last_seq FROM anomaly_sweep WHERE id = ${cursor})`)) as [{ n: number }];
    expect(Number(n)).toBeGreaterThan(10);
    const runs = [];
    do runs.push(await sweepAnomalies(harness.store, harness.clock.now, small, cursor));
    while (!runs[runs.length - 1]!.caught_up && runs.length < 100);
    expect(runs.length).toBe(Math.floor(Number(n) / 10) + 1);
    for (const run of runs) expect(run.events).toBeLessThanOrEqual(10);
    expect(runs.reduce((total, run) => total + run.events, 0)).toBe(Number(n));
    expect(await rulesOn(booking.id)).toEqual(["shared_contact"]);
  });
});

describe("GET /api/anomalies and review", () => {
  async function flagged() {
    const cursor = await startCursor();
    const market = await relaxedMarket({ sme: { organisation: { contact_phone: "0755-8888 1234" } }, provider: { organisation: { contact_phone: "075588881234" } } });
    const booking = await bookOnce(market);
    await sweep(cursor);
    const [flag] = await flagsOn(booking.id);
    return { market, booking, flagId: flag!.id };
  }

  it("lists the agency's flags with names, filters them and pages by keyset; another agency sees none of them", async () => {
    const { market, booking, flagId } = await flagged();
    const res = await agency.auditor.client.get(`/api/anomalies?programme_id=${market.programme.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const item = res.body.items[0];
    expect(item).toMatchObject({ id: flagId, rule: "shared_contact", severity: "high", subject_kind: "booking", subject_id: booking.id, status: "open", reviewed_by: null, programme: { id: market.programme.id, name: market.programme.name } });
    const sme = item.evidence.rows.find((r: { role?: string }) => r.role === "sme");
    expect(sme.label).not.toBe(sme.id);
    expect(sme.label.length).toBeGreaterThan(0);
    expect((await agency.auditor.client.get(`/api/anomalies?programme_id=${market.programme.id}&rule=invoice_reuse`)).body.items).toEqual([]);
    expect((await agency.auditor.client.get(`/api/anomalies?programme_id=${market.programme.id}&reviewed=true`)).body.items).toEqual([]);
    expect((await agency.auditor.client.get(`/api/anomalies?programme_id=${market.programme.id}&severity=high&reviewed=false`)).body.items).toHaveLength(1);

    // Keyset paging over everything the agency has: pages never repeat a flag.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string }[]; next_cursor: string | null } } = await agency.auditor.client.get(`/api/anomalies?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 200);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(flagId);
    expectRefusal(await agency.auditor.client.get("/api/anomalies?limit=101"), 400, "invalid_request");

    const other = await createAgency(harness);
    expect((await other.auditor.client.get(`/api/anomalies?programme_id=${market.programme.id}`)).status).toBe(404);
    const theirs = await other.admin.client.get("/api/anomalies?limit=100");
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((i: { id: string }) => i.id)).not.toContain(flagId);
    expect((await market.sme.client.get("/api/anomalies")).status).toBe(403);
    expect((await market.provider.client.get("/api/anomalies")).status).toBe(403);
  });

  it("is reviewed once by the agency's reviewer with a note, audited in the same write; others cannot review it", async () => {
    const { flagId } = await flagged();
    const other = await createAgency(harness);
    expect((await other.reviewer.client.post(`/api/anomalies/${flagId}/review`, { note: "看看 Look" })).status).toBe(404);
    expect((await agency.auditor.client.post(`/api/anomalies/${flagId}/review`, { note: "看看 Look" })).status).toBe(403);
    expectRefusal(await agency.reviewer.client.post(`/api/anomalies/${flagId}/review`, { note: "" }), 400, "invalid_request");

    const note = "已核实：同一集团的总机号码 Verified: the group's switchboard number";
    const res = await agency.reviewer.client.post(`/api/anomalies/${flagId}/review`, { note });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "reviewed", review_note: note, reviewed_by: { id: agency.reviewer.user.id, display_name: expect.any(String) } });
    const events = await harness.store.all<{ action: string; actor_user_id: string; programme_id: string; after_json: string }>(
      sql`SELECT action, actor_user_id, programme_id, after_json FROM audit_events WHERE subject_type = 'anomaly_flag' AND subject_id = ${flagId}`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "anomaly.reviewed", actor_user_id: agency.reviewer.user.id });
    expect(JSON.parse(events[0]!.after_json)).toEqual({ status: "reviewed", note });

    expectRefusal(await agency.admin.client.post(`/api/anomalies/${flagId}/review`, { note: "再看 Again" }), 409, "anomaly_already_reviewed");
    expect((await agency.auditor.client.get(`/api/anomalies?reviewed=true&limit=100`)).body.items.map((i: { id: string }) => i.id)).toContain(flagId);
  });

  it("answers one of two concurrent reviews with 409 and records one audit event", async () => {
    const { flagId } = await flagged();
    const results = await Promise.all([
      agency.reviewer.client.post(`/api/anomalies/${flagId}/review`, { note: "甲 first" }),
      agency.admin.client.post(`/api/anomalies/${flagId}/review`, { note: "乙 second" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const [count] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE subject_type = 'anomaly_flag' AND subject_id = ${flagId}`);
    expect(Number(count!.n)).toBe(1);
    const winner = results.find((r) => r.status === 200)!;
    const [row] = await harness.store.all<{ review_note: string }>(sql`SELECT review_note FROM anomaly_flags WHERE id = ${flagId}`);
    expect(row!.review_note).toBe(winner.body.review_note);
  });
});
