// 我的资源 for providers: their offerings (any status), publishing a new one, and each one's page
// with its facts, changes, slots and maintenance windows. ?new publishes; ?id= opens one.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { addDays, beijingDate, formatFen } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { OFFERING_CATEGORY, OFFERING_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Money } from "../ui/amounts";
import { Facts } from "../ui/facts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { DataTable } from "../ui/table";
import { Blackouts } from "./offering-blackouts";
import { daysShown, ProviderAvailability } from "./offering-availability";
import { OfferingForm, OFFERINGS_PATH } from "./offering-form";
import { cancellationRule, durationName, loadOffering, minutesWords, unitName, type Offering } from "./offering-words";

export function ProviderOfferingsPage() {
  const { query } = useLocation();
  const id = query.get("id");
  if (query.has("new")) return <NewOfferingPage />;
  if (id) return <OfferingManagePage id={id} />;
  return <OfferingList />;
}

function OfferingList() {
  const { t, say } = useI18n();
  const me = useMe();
  const approved = me.organisation.provider_status === "approved";
  const offerings = useLoad(() => send(api.api.offerings.$get({ query: { provider_org_id: me.organisation.id, limit: "100" } })), me.organisation.id);
  return (
    <Page title={t("我的资源", "My offerings")} lead={approved ? undefined : t("服务商通过审核后才能发布资源；在此之前可以先保存草稿。", "You can publish offerings once your organisation is approved; meanwhile you can save drafts.")}>
      <p>
        <Link href={`${OFFERINGS_PATH}?new`} class="button primary">
          {approved ? t("发布新资源", "Publish an offering") : t("保存资源草稿", "Save an offering draft")}
        </Link>{" "}
        <Link href="/provider/timeline" class="button">
          {t("资源排期", "Timeline")}
        </Link>
      </p>
      <Loaded load={offerings}>
        {({ items }) => (
          <DataTable
            caption={t("本机构发布的资源", "Our offerings")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("还没有发布资源。", "No offerings yet.")}
            columns={[
              { header: t("名称", "Name"), cell: (row) => <Link href={`${OFFERINGS_PATH}?id=${row.id}`}>{row.name}</Link> },
              { header: t("类别", "Category"), cell: (row) => say(OFFERING_CATEGORY[row.category]) },
              { header: t("单价", "Price"), cell: (row) => `${formatFen(row.unit_price_fen)} / ${say(unitName(row.unit))}`, class: "num" },
              { header: t("容量", "Capacity"), cell: (row) => row.capacity_units, class: "num" },
              { header: t("确认", "Confirmation"), cell: (row) => (row.requires_confirmation ? t("须确认", "Needed") : t("自动", "Automatic")) },
              { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(OFFERING_STATUS[row.status])}</span> },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

const loadOwnVettings = () => send(api.api["provider-vettings"].$get());

/** Publishing needs an agency's approval: a provider without one is told so before any form, not on submit. */
function NewOfferingPage() {
  const { t } = useI18n();
  const vettings = useLoad(loadOwnVettings, "own-vettings");
  return (
    <Page title={t("发布新资源", "Publish an offering")} lead={t("发布后企业即可搜索和预约；价格、容量和开放时间以后可以修改。", "Enterprises can find and book it once published; price, capacity and hours can change later.")}>
      <Loaded load={vettings}>
        {({ items }) =>
          items.some((v) => v.status === "approved") ? (
            <OfferingForm offering={null} />
          ) : (
            <>
            <section class="card notice" aria-labelledby="not-approved">
              <h2 id="not-approved">{t("尚未获得主管部门批准", "Not approved by an agency yet")}</h2>
              <p>
                {items.some((v) => v.status === "pending")
                  ? t("你的注册正在等待主管部门审核。至少一家主管部门批准后才能发布资源。", "Your registration is waiting for an agency's review. You can publish offerings once at least one agency approves you.")
                  : t("至少一家主管部门批准后才能发布资源。", "You can publish offerings once at least one agency approves you.")}
              </p>
              <p>{t("现在可以先保存为草稿，获批后再发布。", "You can save it as a draft now and publish it once approved.")}</p>
              <p>
                <Link href="/organisation">{t("查看各主管部门的审核状态", "See your standing at each agency")}</Link>
              </p>
            </section>
            <OfferingForm offering={null} canPublish={false} />
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

function OfferingManagePage({ id }: { id: string }) {
  const { t } = useI18n();
  const offering = useLoad(() => loadOffering(id), id);
  const title = offering.state.status === "ready" ? offering.state.data.name : t("资源", "Offering");
  return (
    <Page title={title}>
      <p>
        <Link href={OFFERINGS_PATH}>{t("← 我的资源", "← My offerings")}</Link>
      </p>
      <Loaded load={offering}>{(data) => <OfferingManage offering={data} reload={offering.reload} />}</Loaded>
    </Page>
  );
}

function OfferingManage({ offering, reload }: { offering: Offering; reload: () => void }) {
  const { t, say } = useI18n();
  const published = useLocation().query.has("published");
  const [editing, setEditing] = useState(false);
  const drafted = useLocation().query.has("drafted");
  const me = useMe();
  const canPublish = me.organisation.provider_status === "approved";
  const [saved, setSaved] = useState<Bilingual | null>(published ? ["资源已发布", "Published"] : drafted ? ["已保存为草稿：不公开、不可预约", "Saved as a draft: not public, not bookable"] : null);
  const [version, setVersion] = useState(0);
  const refresh = () => {
    setVersion((v) => v + 1);
    reload();
  };
  const changed = (message: Bilingual) => {
    setSaved(message);
    setEditing(false);
    refresh();
  };
  return (
    <>
      <div role="status">{saved && <p class="message success">{say(saved)}</p>}</div>
      <section class="card" aria-labelledby="offering-facts">
        <h2 id="offering-facts">
          {t("资源信息", "Details")} <span class={`badge ${offering.status}`}>{say(OFFERING_STATUS[offering.status])}</span>
        </h2>
        <Facts rows={offeringRows(offering, t, say)} />
        <div class="buttons">
          {offering.status !== "retired" && (
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing ? "true" : "false"}>
              {editing ? t("收起修改", "Close the changes") : t("修改资源", "Change the offering")}
            </button>
          )}
          <Link href={`/provider/bookings?offering=${offering.id}&status=all`} class="button">
            {t("此资源的预约", "Its bookings")}
          </Link>
        </div>
      </section>
      {offering.status === "draft" && !editing && <PublishDraft offering={offering} canPublish={canPublish} onPublished={changed} />}
      {editing && <OfferingForm offering={offering} onSaved={changed} canPublish={canPublish} />}
      <Slots offering={offering} version={version} />
      <Blackouts offering={offering} onAdded={refresh} />
    </>
  );
}

/** A draft's one step to the catalogue: refused by the API (and so not offered) until an agency approves the provider. */
function PublishDraft({ offering, canPublish, onPublished }: { offering: Offering; canPublish: boolean; onPublished: (message: Bilingual) => void }) {
  const { t } = useI18n();
  const form = useForm({
    initial: {},
    specs: {},
    submit: async () => {
      await send(api.api.offerings[":id"].$patch({ param: { id: offering.id }, json: { status: "active" } }));
      onPublished(["资源已发布，企业可以搜索和预约了", "Published: enterprises can find and book it now"]);
    },
  });
  return (
    <section class="card" aria-labelledby="draft-publish">
      <h2 id="draft-publish">{t("草稿", "Draft")}</h2>
      {canPublish ? (
        <form noValidate onSubmit={form.onSubmit} ref={form.ref}>
          <p>{t("此资源还是草稿：不在目录和搜索中，不能预约。", "This offering is a draft: not in the catalogue or search, and not bookable.")}</p>
          <FormStatus form={form} />
          <SubmitButton form={form}>{t("发布此资源", "Publish it")}</SubmitButton>
        </form>
      ) : (
        <p>{t("此资源是草稿。至少一家主管部门批准本机构后才能发布。", "This offering is a draft. You can publish it once at least one agency approves your organisation.")}</p>
      )}
    </section>
  );
}

type T = (zh: string, en: string) => string;

function offeringRows(o: Offering, t: T, say: (m: Bilingual) => string): [string, ComponentChildren][] {
  const rows: [string, ComponentChildren][] = [
    [t("类别", "Category"), say(OFFERING_CATEGORY[o.category])],
    [t("单价", "Price"), <><Money fen={o.unit_price_fen} /> / {say(unitName(o.unit))}</>],
    [t("容量", "Capacity"), String(o.capacity_units)],
    [t("预约时长", "Booking length"), `${o.min_duration_units}–${o.max_duration_units} ${say(durationName(o.unit_minutes))}`],
    [t("提前预约", "Lead time"), o.lead_time_minutes ? say(minutesWords(o.lead_time_minutes)) : t("无", "None")],
    [t("取消规则", "Cancellation"), say(cancellationRule(o.cancellation_notice_minutes))],
    [t("确认", "Confirmation"), o.requires_confirmation ? t("须本机构确认", "We confirm each booking") : t("自动确认", "Confirmed automatically")],
    [t("开放时间", "Hours"), o.weekly_hours ? t("按星期设置", "By weekday") : t("全天候", "Around the clock")],
  ];
  if (o.category === "compute") {
    rows.push([t("加速卡", "Accelerators"), `${o.accelerator_model ?? ""} · ${t(`每节点 ${o.cards_per_node} 卡`, `${o.cards_per_node} per node`)}${o.domestic ? t(" · 国产", " · domestic") : ""}`]);
  }
  if (o.category === "dataset") {
    rows.push([t("使用方式", "Access"), o.access_mode === "sandbox" ? t("沙箱内可用不可见", "Sandbox only") : t("下载", "Download")]);
    rows.push([t("许可条款", "Licence"), o.licence_terms ?? ""]);
  }
  return rows;
}

function Slots({ offering, version }: { offering: Offering; version: number }) {
  const { t } = useI18n();
  const today = beijingDate(Date.now());
  const [from, setFrom] = useState(today);
  const step = daysShown(offering.slot_minutes);
  return (
    <section class="card" aria-labelledby="slots">
      <h2 id="slots">{t("占用情况", "Bookings by slot")}</h2>
      <nav class="pager" aria-label={t("翻页", "Pages")}>
        <button type="button" onClick={() => setFrom(addDays(from, -step))} aria-disabled={from <= today ? "true" : undefined} disabled={from <= today}>
          {t("← 前一段", "← Earlier")}
        </button>
        <button type="button" onClick={() => setFrom(addDays(from, step))}>
          {t("后一段 →", "Later →")}
        </button>
      </nav>
      <ProviderAvailability offeringId={offering.id} slot_minutes={offering.slot_minutes} from={from} version={version} />
    </section>
  );
}
