// 资源目录: approved providers' offerings, filtered by category, words, accelerator model,
// domestic compute and a price ceiling; the filter lives in the address, so it can be shared
// and the back button returns to it. ?id= opens one offering. An enterprise can narrow it to the
// offerings one of its vouchers covers (the API's covered_by_voucher).
import { yuanCheck } from "../shell/checks";
import { formatFen, parseYuan, yuanInput } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { useMe } from "../shell/session";
import { OFFERING_CATEGORY, optionsOf } from "../shell/labels";
import { QUERY_LIMITS } from "../shell/limits";
import { Link, navigate, useLocation } from "../shell/router";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { useState } from "preact/hooks";
import { FormStatus, SubmitButton, useForm, type Form } from "../ui/form";
import { startsOnPhone } from "../ui/fold";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { DataText } from "../ui/values";
import { takeEarly } from "../shell/early-read";
import { CATALOGUE_PAGE_SIZE, catalogueRead, offeringQuery } from "./catalogue-read";
import { CATALOGUE_PATH, quantityName, unitName, type OfferingSummary } from "./offering-words";
import { OfferingPage } from "./offering";
import { loadProgrammeNames } from "../programmes";
import { loadMyVouchers } from "../vouchers";

const FILTERS = ["category", "q", "accelerator_model", "domestic", "max_unit_price_fen", "covered_by_voucher"] as const;
type FilterValues = Record<(typeof FILTERS)[number], string>;

export function CataloguePage() {
  const id = useLocation().query.get("id");
  return id ? <OfferingPage id={id} /> : <Catalogue />;
}

function Catalogue() {
  const { t } = useI18n();
  const query = useLocation().query;
  const apiQuery = offeringQuery(query);
  const { key, read } = catalogueRead(apiQuery);
  // A first visit's list was asked for at start-up (./catalogue-read.ts): taken once.
  const offerings = useLoad(() => takeEarly(key, read), key);
  const offset = Number(apiQuery.offset);
  const pageHref = (to: number) => {
    const next = new URLSearchParams(query);
    next.set("offset", String(to));
    return `${CATALOGUE_PATH}?${next.toString()}`;
  };
  return (
    <Page title={t("资源目录", "Catalogue")} lead={t("经审核的服务商发布的算力、数据集、仿真平台和平台服务。打开资源可查看空闲时段并预约。", "Compute, datasets, simulation and platform services from approved providers. Open one to see its free capacity and book.")}>
      <FilterForm query={query} />
      <Loaded load={offerings}>
        {({ items, has_more }) => (
          <>
            <OfferingTable items={items} />
            <nav class="pager" aria-label={t("翻页", "Pages")}>
              {offset > 0 && <Link href={pageHref(Math.max(0, offset - CATALOGUE_PAGE_SIZE))}>{t("← 上一页", "← Previous")}</Link>}
              {has_more && <Link href={pageHref(offset + CATALOGUE_PAGE_SIZE)}>{t("下一页 →", "Next →")}</Link>}
            </nav>
          </>
        )}
      </Loaded>
    </Page>
  );
}

function FilterForm({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const limits = QUERY_LIMITS.offeringFilter;
  const price = Number(query.get("max_unit_price_fen"));
  const form = useForm<FilterValues>({
    initial: {
      category: query.get("category") ?? "",
      q: query.get("q") ?? "",
      accelerator_model: query.get("accelerator_model") ?? "",
      domestic: query.get("domestic") === "true" ? "true" : "",
      max_unit_price_fen: query.get("max_unit_price_fen") && Number.isSafeInteger(price) && price >= 0 ? yuanInput(price) : "",
      covered_by_voucher: query.get("covered_by_voucher") ?? "",
    },
    specs: {
      ...limits,
      q: { ...limits.q, patternMessage: ["搜索词只能包含文字、数字、空格和 -_.·", "Search words are letters, digits, spaces and -_.·"] },
      accelerator_model: { ...limits.accelerator_model, patternMessage: ["型号只含字母、数字、空格和 .-_，如 Ascend 910B", "Letters, digits, spaces and .-_, e.g. Ascend 910B"] },
      max_unit_price_fen: { check: yuanCheck(limits.max_unit_price_fen) },
    },
    submit: async (values) => {
      const next = new URLSearchParams();
      for (const name of FILTERS) {
        const value = values[name].trim();
        if (!value) continue;
        const parsed = name === "max_unit_price_fen" ? parseYuan(value) : null;
        next.set(name, parsed?.ok ? String(parsed.fen) : value);
      }
      const search = next.toString();
      navigate(search ? `${CATALOGUE_PATH}?${search}` : CATALOGUE_PATH);
    },
  });
  const active = FILTERS.filter((name) => query.get(name)).length;
  // On a phone the filters start folded (the list is what people came for); on a wider screen open.
  const [open] = useState(() => !startsOnPhone());
  return (
    <details class="card filters-fold" open={open}>
      <summary>
        {t("筛选", "Filters")}
        {active > 0 && <span class="badge">{t(`已选 ${active} 项`, `${active} set`)}</span>}
      </summary>
      <FilterFields form={form} />
    </details>
  );
}

/** An enterprise's usable vouchers, named by programme, for "offerings my voucher covers". */
function useVoucherOptions(): (readonly [string, Bilingual])[] {
  const me = useMe();
  const sme = me.organisation.kind === "sme";
  const loaded = useLoad(async () => {
    if (!sme) return [];
    const { items } = await loadMyVouchers();
    const usable = items.filter((v) => v.status === "active" && v.available_fen > 0);
    const names = await loadProgrammeNames(usable.map((v) => v.programme_id));
    return usable.map((v) => {
      const name = names.get(v.programme_id)?.name ?? v.programme_id;
      return [v.id, [`${name}（可用 ${formatFen(v.available_fen)}）`, `${name} (${formatFen(v.available_fen)} available)`]] as const;
    });
  }, me.organisation.id);
  return loaded.state.status === "ready" ? loaded.state.data : [];
}

function FilterFields({ form }: { form: Form<FilterValues> }) {
  const { t } = useI18n();
  const vouchers = useVoucherOptions();
  return (
    <form class="filters" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("筛选资源", "Filter offerings")}>
      <div class="field-row">
        <SelectField form={form} name="category" label={t("类别", "Category")} placeholder={t("全部", "All")} options={optionsOf(OFFERING_CATEGORY)} />
        <TextField form={form} name="q" label={t("关键词", "Words")} autoComplete="off" />
        <TextField form={form} name="accelerator_model" label={t("加速卡型号", "Accelerator model")} placeholder="Ascend 910B" autoComplete="off" spellcheck={false} />
        <TextField form={form} name="max_unit_price_fen" label={t("单价上限（元）", "Highest unit price (yuan)")} inputMode="decimal" autoComplete="off" />
      </div>
      {vouchers.length > 0 && (
        <SelectField form={form} name="covered_by_voucher" label={t("我的券可用的资源", "Offerings my voucher covers")} placeholder={t("不限", "Any")} options={vouchers} />
      )}
      <CheckboxField form={form} name="domestic" label={t("只看国产算力", "Domestic (国产) compute only")} />
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("筛选", "Filter")}</SubmitButton>
    </form>
  );
}

function Features({ offering: o }: { offering: OfferingSummary }) {
  const { t } = useI18n();
  const features = [
    o.accelerator_model,
    o.domestic ? t("国产", "domestic") : null,
    o.access_mode === "sandbox" ? t("可用不可见", "sandbox only") : null,
    o.requires_confirmation ? t("需服务商确认", "provider confirms") : t("即时确认", "instant"),
  ].filter(Boolean);
  return <span class="features">{features.join(" · ")}</span>;
}

function OfferingTable({ items }: { items: OfferingSummary[] }) {
  const { t, say } = useI18n();
  return (
    <DataTable
      caption={t("资源", "Offerings")}
      rows={items}
      rowKey={(row) => row.id}
      empty={t("没有符合条件的资源。", "No offerings match.")}
      columns={[
        {
          header: t("资源", "Offering"),
          cell: (row) => (
            <div>
              <Link href={`${CATALOGUE_PATH}?id=${row.id}`}>
                <DataText>{row.name}</DataText>
              </Link>
              <span class="reason">
                <DataText>{row.provider_name}</DataText>
              </span>
            </div>
          ),
        },
        { header: t("类别", "Category"), cell: (row) => say(OFFERING_CATEGORY[row.category]) },
        {
          header: t("单价", "Price"),
          class: "num",
          cell: (row) => (
            <span class="money">
              {formatFen(row.unit_price_fen)}
              <span class="per"> / {say(unitName(row.unit))}</span>
            </span>
          ),
        },
        { header: t("容量", "Capacity"), class: "num", cell: (row) => `${row.capacity_units} ${say(quantityName(row.unit))}` },
        { header: t("特点", "Features"), cell: (row) => <Features offering={row} /> },
      ]}
    />
  );
}
