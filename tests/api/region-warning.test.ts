// The declared region against the credit code's registration authority (GB 32100 positions 3–8):
// a warning in every organisation the API presents, never a refusal.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { signUpSme, uniqueCreditCode } from "../support/fixtures";

const harness = await createHarness();

describe("region against the credit code's registration authority", () => {
  it("signs up an enterprise whose code was registered elsewhere, and warns, naming both places", async () => {
    const sme = await signUpSme(harness, { organisation: { region_code: "110108", credit_code: uniqueCreditCode("310104") } });
    expect((sme.org as any).region_code).toBe("110108");
    expect((sme.org as any).region_warning).toContain("登记机关在上海市 徐汇区 (310104)，与所填地区北京市 海淀区 (110108)不一致");
    expect((sme.org as any).region_warning).toContain("authority in 上海市 徐汇区 (310104), not the declared region 北京市 海淀区 (110108)");
    expect((sme.org as any).region_warning).toMatch(/请核对.* \/ .*please re-check/);
    const me = await sme.client.get("/api/me");
    expect(me.body.organisation.region_warning).toBe((sme.org as any).region_warning);
    const org = await sme.client.get(`/api/organisations/${sme.org.id}`);
    expect(org.status).toBe(200);
    expect(org.body.region_warning).toBe((sme.org as any).region_warning);
  });

  it("says nothing when they agree, or when the authority is the city or province above the district", async () => {
    for (const authority of ["110108", "110100", "110000"]) {
      const sme = await signUpSme(harness, { organisation: { region_code: "110108", credit_code: uniqueCreditCode(authority) } });
      expect((sme.org as any).region_warning, authority).toBeNull();
    }
    // Another district of the same city is a different authority: warned.
    const neighbour = await signUpSme(harness, { organisation: { region_code: "110105", credit_code: uniqueCreditCode("110108") } });
    expect((neighbour.org as any).region_warning).toContain("110108");
  });
});
