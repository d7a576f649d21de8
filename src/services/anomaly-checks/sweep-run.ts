// The anomaly rules (docs/anomalies.md) as one sweep run checks them: SweepRun reads the touched
// bookings, vouchers and claims (through SweepReads, which caches the organisations, offerings and
// facts it has read for the run) and returns the flags each rule would raise. Raising them and
// moving the cursor is the sweep's (src/services/anomalies.ts). Each rule lives in its own module.
import type { Booking } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AnomalySettings } from "../../domain/anomaly-rules";
import type { Candidate } from "./evidence";
import { invoiceReuse } from "./invoice-reuse";
import { partyRules } from "./party-rules";
import { providerConcentration } from "./provider-concentration";
import { SweepReads } from "./sweep-reads";
import { usageRules } from "./usage-rules";
import { voucherRules } from "./voucher-rules";

export class SweepRun {
  private reads: SweepReads;

  constructor(store: Store, settings: AnomalySettings) {
    this.reads = new SweepReads(store, settings);
  }

  bookings(ids: readonly string[]): Promise<Booking[]> {
    return this.reads.bookings(ids);
  }

  /** Related parties and shared contacts between the two sides of a booking. */
  partyRules(booking: Booking): Promise<Candidate[]> {
    return partyRules(this.reads, booking);
  }

  /** More units in use at once than the booking booked, or than the offering physically has. */
  usageRules(booking: Booking): Promise<Candidate[]> {
    return usageRules(this.reads, booking);
  }

  /** Redemptions bunched before expiry; cancelled and rebooked to move a hold. */
  voucherRules(voucherId: string): Promise<Candidate[]> {
    return voucherRules(this.reads, voucherId);
  }

  /** One provider whose live bookings in a programme are nearly all with one SME. */
  concentration(programmeId: string, providerId: string): Promise<Candidate | null> {
    return providerConcentration(this.reads, programmeId, providerId);
  }

  /** The same invoice number on another claim. */
  invoiceReuse(claimId: string): Promise<Candidate | null> {
    return invoiceReuse(this.reads.store, claimId);
  }
}
