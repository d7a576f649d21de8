// One evidence row opened from a flag: the booking, claim or organisation behind it, read from
// the API with the caller's own rights (another agency's rows are not linked at all).
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { BOOKING_STATUS } from "../shell/labels";
import { Money } from "../ui/amounts";
import { Facts } from "../ui/facts";
import { Loaded, useLoad } from "../ui/load";
import { DataText, Instant } from "../ui/values";
import { useOrganisations } from "../organisation";

export type RecordKind = "booking" | "claim" | "organisation";

async function loadRecord(kind: RecordKind, id: string) {
  if (kind === "booking") return { kind, booking: await send(api.api.bookings[":id"].$get({ param: { id } })) } as const;
  if (kind === "claim") return { kind, claim: await send(api.api.claims[":id"].$get({ param: { id } })) } as const;
  return { kind, organisation: await send(api.api.organisations[":id"].$get({ param: { id } })) } as const;
}

export function EvidenceRecord({ kind, id }: { kind: RecordKind; id: string }) {
  const { t } = useI18n();
  const record = useLoad(() => loadRecord(kind, id), `${kind}:${id}`);
  return (
    <section class="card" aria-labelledby="evidence-record">
      <h2 id="evidence-record">{t("证据详情", "Evidence")}</h2>
      <Loaded load={record}>{(data) => (data.kind === "booking" ? <BookingFacts booking={data.booking} /> : data.kind === "claim" ? <ClaimFacts claim={data.claim} /> : <OrganisationFacts organisation={data.organisation} />)}</Loaded>
    </section>
  );
}

type Booking = Awaited<ReturnType<typeof loadRecord>> & { kind: "booking" };
function BookingFacts({ booking: b }: { booking: Booking["booking"] }) {
  const { t, say } = useI18n();
  return (
    <Facts
      rows={[
        [t("资源", "Offering"), <DataText>{b.quote.offering_name}</DataText>],
        [t("企业", "SME"), <DataText>{b.sme_name}</DataText>],
        [t("服务商", "Provider"), <DataText>{b.provider_name}</DataText>],
        [t("开始", "Starts"), <Instant at={b.starts_at} />],
        [t("结束", "Ends"), <Instant at={b.ends_at} />],
        [t("状态", "Status"), say(BOOKING_STATUS[b.status])],
        [t("总价", "Gross"), <Money fen={b.gross_fen} />],
        [t("补贴", "Subsidy"), <Money fen={b.subsidy_fen} />],
      ]}
    />
  );
}

type Claim = Awaited<ReturnType<typeof loadRecord>> & { kind: "claim" };
function ClaimFacts({ claim: c }: { claim: Claim["claim"] }) {
  const { t } = useI18n();
  const names = useOrganisations([c.claimant_org_id, c.sme_org_id, c.provider_org_id]);
  return (
    <Facts
      rows={[
        [t("发票号", "Invoice number"), c.invoice_no],
        [t("申请方", "Claimant"), <DataText>{names.get(c.claimant_org_id)?.name ?? "…"}</DataText>],
        [t("企业", "SME"), <DataText>{names.get(c.sme_org_id)?.name ?? "…"}</DataText>],
        [t("服务商", "Provider"), <DataText>{names.get(c.provider_org_id)?.name ?? "…"}</DataText>],
        [t("申请补贴", "Subsidy claimed"), <Money fen={c.amount_fen} />],
        [t("状态", "Status"), c.status],
        [t("提交时间", "Submitted"), <Instant at={c.created_at} />],
      ]}
    />
  );
}

type Org = Awaited<ReturnType<typeof loadRecord>> & { kind: "organisation" };
function OrganisationFacts({ organisation: o }: { organisation: Org["organisation"] }) {
  const { t } = useI18n();
  return (
    <Facts
      rows={[
        [t("名称", "Name"), <DataText>{o.name}</DataText>],
        [t("统一社会信用代码", "Credit code"), o.credit_code],
        [t("地址", "Address"), <DataText>{o.address ?? "—"}</DataText>],
        [t("法定代表人", "Legal representative"), <DataText>{o.legal_representative ?? "—"}</DataText>],
        [t("联系电话", "Phone"), o.contact_phone ?? "—"],
      ]}
    />
  );
}
