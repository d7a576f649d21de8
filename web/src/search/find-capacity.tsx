// 找算力: describe a need (category, model or any, how many, how long, the window, a price
// ceiling) and get options ranked across every approved provider, each with its earliest start,
// gross, subsidy under the best voucher and co-pay. Choosing one opens the offering's booking
// form filled in, with a live quote. The need lives in the address, so back returns to it.
import { useEffect, useRef } from "preact/hooks";
import { api, send } from "../shell/api";
import { wholeNumberCheck, yuanCheck } from "../shell/checks";
import { addDays, beijingDate, fromBeijingLocal, parseYuan } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { OFFERING_CATEGORY, optionsOf } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link, navigate, useLocation } from "../shell/router";
import { Money, TimeRange } from "../ui/amounts";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message, type Values } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { DataText } from "../ui/values";
import { offeringHref, quantityName } from "../offerings";
import { loadOpenProgrammes } from "../programmes";

export const SEARCH_PATH = "/find-capacity";
const FIELDS = ["category", "accelerator_model", "quantity", "duration_hours", "earliest_start_at", "latest_end_at", "max_unit_price_fen", "domestic_only", "sort"] as const;
type NeedValues = Record<(typeof FIELDS)[number], string>;
type Category = keyof typeof OFFERING_CATEGORY;
const MAX_WINDOW_DAYS = 31;

function defaults(): NeedValues {
  const tomorrow = addDays(beijingDate(Date.now()), 1);
  return {
    category: "compute",
    accelerator_model: "",
    quantity: "8",
    duration_hours: "4",
    earliest_start_at: `${tomorrow}T09:00`,
    latest_end_at: `${addDays(tomorrow, 7)}T18:00`,
    max_unit_price_fen: "",
    domestic_only: "",
    sort: "cheapest",
  };
}

/** The need as the API takes it, from the form's values (times typed are Beijing time). */
function needOf(values: NeedValues) {
  const price = parseYuan(values.max_unit_price_fen);
  return {
    category: values.category as Category,
    ...(values.accelerator_model.trim() ? { accelerator_model: values.accelerator_model.trim() } : {}),
    quantity: Number(values.quantity),
    duration_hours: Number(values.duration_hours),
    earliest_start_at: fromBeijingLocal(values.earliest_start_at) ?? "",
    latest_end_at: fromBeijingLocal(values.latest_end_at) ?? "",
    ...(price.ok ? { max_unit_price_fen: price.fen } : {}),
    domestic_only: values.domestic_only === "true",
    sort: values.sort === "earliest" ? ("earliest" as const) : ("cheapest" as const),
    limit: 20,
  };
}

const localCheck = (value: string): Message | null => (fromBeijingLocal(value) ? null : ["请选择日期和时间", "Choose a date and time"]);

function windowCheck(value: string, values: Values): Message | null {
  const end = fromBeijingLocal(value);
  const start = fromBeijingLocal(values.earliest_start_at ?? "");
  if (!end) return localCheck(value);
  if (!start) return null;
  const span_ms = Date.parse(end) - Date.parse(start);
  if (span_ms <= 0) return ["最晚结束须晚于最早开始", "The latest end must come after the earliest start"];
  if (span_ms > MAX_WINDOW_DAYS * 86_400_000) return [`时间窗口最长${MAX_WINDOW_DAYS}天`, `The window may span at most ${MAX_WINDOW_DAYS} days`];
  return null;
}

export function FindCapacityPage() {
  const { t } = useI18n();
  const query = useLocation().query;
  const submitted = query.has("category");
  const values = Object.fromEntries(FIELDS.map((name) => [name, query.get(name) ?? defaults()[name]])) as NeedValues;
  return (
    <Page
      title={t("找算力", "Find capacity")}
      lead={t("说明需要什么、多少、多久和时间范围，系统在所有经审核的服务商中按自付金额（或最早开始）排序，并按你最合适的券计算补贴。", "Say what you need, how much, for how long and when: options across every approved provider are ranked by your co-pay (or earliest start), priced with your best voucher.")}
    >
      <NeedForm key={query.toString()} initial={values} />
      {submitted && <Results values={values} />}
    </Page>
  );
}

function NeedForm({ initial }: { initial: NeedValues }) {
  const { t } = useI18n();
  const limits = LIMITS.capacitySearch;
  const form = useForm<NeedValues>({
    initial,
    specs: {
      category: limits.category,
      accelerator_model: { ...limits.accelerator_model, patternMessage: ["型号只含字母、数字、空格和 .-_，如 Ascend 910B", "Letters, digits, spaces and .-_, e.g. Ascend 910B"] },
      quantity: { required: true, check: wholeNumberCheck(limits.quantity) },
      duration_hours: { required: true, check: wholeNumberCheck(limits.duration_hours) },
      earliest_start_at: { required: true, check: localCheck },
      latest_end_at: { required: true, check: windowCheck },
      max_unit_price_fen: { check: yuanCheck(limits.max_unit_price_fen) },
      domestic_only: {},
      sort: { required: true },
    },
    submit: async (values) => {
      navigate(`${SEARCH_PATH}?${new URLSearchParams(values).toString()}`);
    },
  });
  const compute = form.values.category === "compute";
  return (
    <form class="card form need" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("需求", "Your need")}>
      <div class="field-row">
        <SelectField form={form} name="category" label={t("资源类别", "Category")} options={optionsOf(OFFERING_CATEGORY)} />
        {compute && <TextField form={form} name="accelerator_model" label={t("加速卡型号", "Accelerator model")} hint={t("留空表示任意型号", "Leave empty for any")} placeholder="Ascend 910B" spellcheck={false} autoComplete="off" />}
      </div>
      <div class="field-row">
        <TextField form={form} name="quantity" label={compute ? t("卡数", "Cards") : t("数量", "Quantity")} hint={compute ? t("按节点计价的资源会向上取整到整节点", "Node-hour offerings round up to whole nodes") : undefined} inputMode="numeric" autoComplete="off" />
        <TextField form={form} name="duration_hours" label={t("时长（小时）", "Duration (hours)")} inputMode="numeric" autoComplete="off" />
      </div>
      <div class="field-row">
        <TextField form={form} name="earliest_start_at" type="datetime-local" label={t("最早开始（北京时间）", "Earliest start (Beijing time)")} />
        <TextField form={form} name="latest_end_at" type="datetime-local" label={t("最晚结束（北京时间）", "Latest end (Beijing time)")} />
      </div>
      <div class="field-row">
        <TextField form={form} name="max_unit_price_fen" label={compute ? t("每卡时单价上限（元）", "Highest price per card-hour (yuan)") : t("单价上限（元）", "Highest unit price (yuan)")} inputMode="decimal" autoComplete="off" />
        <SelectField form={form} name="sort" label={t("排序", "Order")} options={[["cheapest", ["自付最少优先", "Least co-pay first"]], ["earliest", ["最早开始优先", "Earliest start first"]]]} />
      </div>
      {compute && <CheckboxField form={form} name="domestic_only" label={t("只要国产算力", "Domestic (国产) compute only")} />}
      <FormStatus form={form} />
      <SubmitButton form={form} busyLabel={t("搜索中…", "Searching…")}>
        {t("搜索", "Search")}
      </SubmitButton>
    </form>
  );
}

async function search(values: NeedValues) {
  const [result, programmes] = await Promise.all([send(api.api.search.capacity.$post({ json: needOf(values) })), loadOpenProgrammes()]);
  return { ...result, programmes: new Map(programmes.items.map((p) => [p.id, p.name])) };
}

function Results({ values }: { values: NeedValues }) {
  const { t, say } = useI18n();
  const results = useLoad(() => search(values), JSON.stringify(values));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const count = results.state.status === "ready" ? results.state.data.options.length : null;
  // A search the person ran puts the keyboard on the results (the form stays above).
  useEffect(() => {
    if (count !== null) headingRef.current?.focus();
  }, [count, results.state]);
  return (
    <section aria-labelledby="options">
      <h2 id="options" tabIndex={-1} ref={headingRef}>
        {t("可选方案", "Options")}
      </h2>
      {/* One polite announcement per search: how many options came back. */}
      <p class="visually-hidden" role="status">
        {count === null ? "" : count ? t(`找到 ${count} 个方案`, `${count} ${count === 1 ? "option" : "options"} found`) : t("没有找到方案", "No options found")}
      </p>
      <Loaded load={results}>
        {({ options, considered_offerings, truncated, programmes }) => (
          <>
            <p class="hint">
              {t(`比较了 ${considered_offerings} 个资源。`, `${considered_offerings} offerings compared.`)}
              {truncated && t("符合条件的资源过多，只比较了单价最低的一部分，可缩小条件。", " Too many matched: only the cheapest were compared; narrow the need.")}
            </p>
            <DataTable
              caption={t("按排名", "By rank")}
              rows={options}
              rowKey={(row) => `${row.offering.id}:${row.starts_at}`}
              empty={t("在这个时间范围内没有能满足需求的资源。可放宽时间、数量或价格。", "Nothing fits this need in the window: widen the window, or ask for fewer units or a higher price.")}
              columns={[
                { header: t("排名", "Rank"), class: "num", cell: (row) => row.rank },
                {
                  header: t("资源", "Offering"),
                  cell: (row) => (
                    <div>
                      <strong>
                        <DataText>{row.offering.name}</DataText>
                      </strong>
                      <span class="reason">
                        <DataText>{row.offering.provider_name}</DataText>
                        {row.offering.domestic ? t(" · 国产", " · domestic") : ""}
                        {row.offering.requires_confirmation ? t(" · 需服务商确认", " · provider confirms") : ""}
                      </span>
                    </div>
                  ),
                },
                {
                  header: t("最早时段", "Earliest slot"),
                  cell: (row) => <TimeRange from={row.starts_at} to={row.ends_at} />,
                },
                { header: t("数量", "Quantity"), class: "num", cell: (row) => `${row.quantity} ${say(quantityName(row.offering.unit))}` },
                { header: t("总价", "Total"), class: "num", cell: (row) => <Money fen={row.gross_fen} /> },
                { header: t("补贴", "Subsidy"), class: "num", cell: (row) => <Money fen={row.subsidy_fen} /> },
                { header: t("自付", "Co-pay"), class: "num", cell: (row) => <strong><Money fen={row.copay_fen} /></strong> },
                { header: t("使用的券", "Voucher"), cell: (row) => (row.subsidy ? (programmes.get(row.subsidy.programme_id) ?? row.subsidy.programme_id) : t("无可用券", "None applies")) },
                {
                  header: t("操作", "Action"),
                  class: "actions",
                  cell: (row) => (
                    <Link
                      class="button primary"
                      href={offeringHref(row.offering.id, {
                        quantity: String(row.quantity),
                        start: row.starts_at,
                        duration: String(row.duration_units),
                        ...(row.voucher_id ? { voucher: row.voucher_id } : {}),
                      })}
                    >
                      {t("选择并报价", "Choose and quote")}
                      <span class="visually-hidden">：{row.offering.name}</span>
                    </Link>
                  ),
                },
              ]}
            />
            {options.length > 0 && (
              <p class="hint">{t("总价 = 单价 × 数量 × 时长；补贴按每个方案最合适的券计算。选择后可改数量、时间或券，并看到完整报价。", "Total = unit price × quantity × duration; the subsidy uses the best voucher for each option. Choosing one lets you change quantity, time or voucher and see the full quote.")}</p>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
