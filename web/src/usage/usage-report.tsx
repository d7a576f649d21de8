// 用量上报 for providers: upload a usage file (CSV or Slurm sacct -P) with its progress, then what
// was recorded — or, for a refused file, every bad line with its reason (nothing was recorded);
// and one usage event typed by hand for one booking. Quantities are decimals with at most three
// places, sent as thousandths, so no floating point comes near the settlement.
import { useMemo, useState } from "preact/hooks";
import { parseQuantityMilli } from "../../../src/domain/usage";
import { MAX_EVENT_ID_LENGTH, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_REASON_LENGTH } from "../../../src/domain/usage-files";
import { api, ApiError, send } from "../shell/api";
import { beijingLocal, formatInstant, fromBeijingLocal } from "../shell/format";
import { newIdempotencyKey } from "../shell/idempotency";
import { useI18n } from "../shell/i18n";
import { SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { badRowsOf, uploadUsage, type BadRows, type ImportAnswer, type UsageFormat } from "./upload";

export const USAGE_PATH = "/provider/usage";

export function UsageReportPage() {
  const { t } = useI18n();
  return (
    <Page
      title={t("用量上报", "Usage reporting")}
      lead={t("上报预约的实际用量；交付时按计量用量结算补贴。同一事件编号重复上报只计一次。", "Report what each booking actually used; delivery settles the subsidy on the metered usage. An event id reported again counts once.")}
    >
      <UsageUpload />
      <ManualUsage />
    </Page>
  );
}

const MEGABYTE = 1024 * 1024;

function UsageUpload() {
  const { t, say } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<UsageFormat>("auto");
  const [sent, setSent] = useState<number | null>(null);
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [bad, setBad] = useState<BadRows | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const busy = sent !== null && sent < 1 && !answer && !failure;
  const tooBig = file !== null && file.size > MAX_IMPORT_BYTES;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file || tooBig || busy) return;
    setAnswer(null);
    setBad(null);
    setFailure(null);
    setSent(0);
    try {
      setAnswer(await uploadUsage(file, format, setSent));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setBad(badRowsOf(error));
      setFailure(error.message);
    } finally {
      setSent(null);
    }
  };
  return (
    <section class="card" aria-labelledby="usage-upload">
      <h2 id="usage-upload">{t("上传用量文件", "Upload a usage file")}</h2>
      {/* The header and sacct command are long unbroken words: let them wrap on a phone. */}
      <p class="hint" style={{ overflowWrap: "anywhere" }}>
        {t(
          `CSV 表头：event_id,booking_id,period_start,period_end,quantity[,reason]；或 Slurm 的 sacct -P --format=JobID,Account,Start,End,ElapsedRaw,AllocTRES,State 输出。最大 ${MAX_IMPORT_BYTES / MEGABYTE} MB、${MAX_IMPORT_ROWS.toLocaleString()} 行。有任何一行出错时整个文件不记录。`,
          `CSV header: event_id,booking_id,period_start,period_end,quantity[,reason]; or the output of Slurm's sacct -P --format=JobID,Account,Start,End,ElapsedRaw,AllocTRES,State. At most ${MAX_IMPORT_BYTES / MEGABYTE} MB and ${MAX_IMPORT_ROWS.toLocaleString()} rows. If any row is wrong, nothing in the file is recorded.`,
        )}
      </p>
      <form class="form" noValidate onSubmit={submit} aria-label={t("上传用量文件", "Upload a usage file")}>
        <div class="field">
          <label for="usage-file">{t("用量文件", "Usage file")}</label>
          <input id="usage-file" type="file" accept=".csv,.txt,.psv,text/csv,text/plain" aria-invalid={tooBig ? "true" : undefined} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
          {tooBig && <p class="field-error">{t(`文件超过 ${MAX_IMPORT_BYTES / MEGABYTE} MB`, `The file is larger than ${MAX_IMPORT_BYTES / MEGABYTE} MB`)}</p>}
        </div>
        <div class="field">
          <label for="usage-format">{t("格式", "Format")}</label>
          <select id="usage-format" value={format} onChange={(e) => setFormat(e.currentTarget.value as UsageFormat)}>
            <option value="auto">{t("自动识别（按表头）", "Detect from the header")}</option>
            <option value="csv">CSV</option>
            <option value="slurm">Slurm sacct -P</option>
          </select>
        </div>
        {sent !== null && (
          <p role="status" aria-live="polite">
            <progress max={100} value={Math.round(sent * 100)} aria-label={t("上传进度", "Upload progress")} /> {sent < 1 ? t(`已上传 ${Math.round(sent * 100)}%`, `${Math.round(sent * 100)}% sent`) : t("服务器检查并记录中…", "The server is checking and recording…")}
          </p>
        )}
        <button type="submit" class="primary" aria-disabled={!file || tooBig || busy ? "true" : undefined} aria-busy={busy ? "true" : undefined}>
          {busy ? t("上传中…", "Uploading…") : t("上传", "Upload")}
        </button>
      </form>
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      {answer && <ImportResult answer={answer} />}
      {bad && <BadRowsTable bad={bad} />}
    </section>
  );
}

function ImportResult({ answer }: { answer: ImportAnswer }) {
  const { t } = useI18n();
  return (
    <div role="status" class="import-result">
      <p class="message success">
        {t(
          `已处理 ${answer.rows} 行（${answer.format === "slurm" ? "Slurm" : "CSV"}）：新记录 ${answer.accepted} 条，重复 ${answer.duplicate} 条，拒绝 0 条。`,
          `${answer.rows} rows read (${answer.format === "slurm" ? "Slurm" : "CSV"}): ${answer.accepted} accepted, ${answer.duplicate} duplicate, 0 refused.`,
        )}
      </p>
      {answer.steps_skipped > 0 && <p class="hint">{t(`${answer.steps_skipped} 个作业步骤已计入其作业，不重复计算。`, `${answer.steps_skipped} job steps counted within their jobs, not again.`)}</p>}
      {answer.skipped_count > 0 && (
        <DataTable
          caption={t(`未计费的行（共 ${answer.skipped_count} 行）`, `Rows not billed (${answer.skipped_count} in all)`)}
          rows={answer.skipped}
          rowKey={(row) => String(row.line)}
          empty=""
          columns={[
            { header: t("行号", "Line"), cell: (row) => row.line, class: "num" },
            { header: t("原因", "Reason"), cell: (row) => <LocalReason text={row.reason} /> },
          ]}
        />
      )}
    </div>
  );
}

function BadRowsTable({ bad }: { bad: BadRows }) {
  const { t } = useI18n();
  return (
    <>
      <DataTable
        caption={t(`有误的行（共 ${bad.bad_row_count} 行，未记录任何用量）`, `Wrong rows (${bad.bad_row_count} in all; nothing was recorded)`)}
        rows={bad.bad_rows}
        rowKey={(row) => `${row.line}:${row.reason}`}
        empty=""
        columns={[
          { header: t("行号", "Line"), cell: (row) => row.line, class: "num" },
          { header: t("原因", "Reason"), cell: (row) => <LocalReason text={row.reason} /> },
        ]}
      />
      {bad.bad_row_count > bad.bad_rows.length && <p class="hint">{t(`只列出前 ${bad.bad_rows.length} 行。`, `Only the first ${bad.bad_rows.length} are listed.`)}</p>}
    </>
  );
}

function LocalReason({ text }: { text: string }) {
  const { say } = useI18n();
  return <>{say(text)}</>;
}

/** Bookings usage can be reported for: started or running, not yet delivered. */
async function loadReportable() {
  const [inUse, confirmed] = await Promise.all(
    (["in_use", "confirmed"] as const).map((status) => send(api.api.bookings.$get({ query: { status, limit: "100" } }))),
  );
  return [...inUse!.items, ...confirmed!.items];
}

function ManualUsage() {
  const { t } = useI18n();
  const bookings = useLoad(loadReportable, "reportable");
  return (
    <section class="card" aria-labelledby="usage-manual">
      <h2 id="usage-manual">{t("手工录入一条用量", "Enter one usage event")}</h2>
      <Loaded load={bookings}>
        {(items) => (items.length ? <ManualUsageForm bookings={items} /> : <p class="empty">{t("没有可上报用量的预约（已确认或使用中）。", "No bookings to report usage for (confirmed or in use).")}</p>)}
      </Loaded>
    </section>
  );
}

type Reportable = Awaited<ReturnType<typeof loadReportable>>[number];

function ManualUsageForm({ bookings }: { bookings: Reportable[] }) {
  const { t } = useI18n();
  // The event id is the provider's own: one per event, kept across a retry so a lost answer
  // cannot count the same usage twice, renewed once the server has answered.
  const [eventId, setEventId] = useState(() => newIdempotencyKey("web"));
  const first = bookings[0]!;
  const initial = useMemo(() => {
    const starts_ms = Date.parse(first.starts_at);
    const ends_ms = Date.parse(first.ends_at);
    // Up to now when the booking is running: a period that has not ended is refused.
    const until_ms = Date.now() > starts_ms && Date.now() < ends_ms ? Date.now() : ends_ms;
    return { booking_id: first.id, period_start: beijingLocal(starts_ms), period_end: beijingLocal(until_ms), quantity: "", reason: "" };
  }, [first.id]);
  const form = useForm({
    initial,
    specs: (values) => ({
      booking_id: { required: true },
      period_start: { required: true, check: (v) => (fromBeijingLocal(v) ? null : ["请填写时间", "Enter a time"]) },
      period_end: {
        required: true,
        check: (v) => {
          const end = fromBeijingLocal(v);
          const start = fromBeijingLocal(values.period_start);
          if (!end) return ["请填写时间", "Enter a time"];
          return start && Date.parse(end) <= Date.parse(start) ? ["结束须晚于开始", "The end must be after the start"] : null;
        },
      },
      quantity: {
        required: true,
        check: (v) => {
          const milli = parseQuantityMilli(v);
          if (milli === null || milli === 0) return ["请填写非零数量，最多3位小数", "Enter a non-zero quantity with at most 3 decimals"];
          return null;
        },
      },
      reason: { maxLength: MAX_REASON_LENGTH, required: (parseQuantityMilli(values.quantity) ?? 0) < 0 },
    }),
    submit: async (values) => {
      const milli = parseQuantityMilli(values.quantity);
      const start = fromBeijingLocal(values.period_start);
      const end = fromBeijingLocal(values.period_end);
      if (milli === null || !start || !end || eventId.length > MAX_EVENT_ID_LENGTH) throw new Error("unchecked usage event");
      const event = { event_id: eventId, booking_id: values.booking_id, period_start: start, period_end: end, quantity_milli: milli, ...(values.reason.trim() ? { reason: values.reason.trim() } : {}) };
      const answer = await send(api.api.usage.$post({ json: { events: [event] } }));
      setEventId(newIdempotencyKey("web"));
      const outcome = answer.results[0]!;
      if (outcome.result === "refused") throw new ApiError(409, outcome.code ?? "refused", outcome.message ?? "");
      return outcome.result === "accepted" ? [`已记录用量 ${values.quantity}（事件 ${eventId}）`, `Recorded ${values.quantity} (event ${eventId})`] : [`此用量已记录过（事件 ${eventId}）`, `Already recorded (event ${eventId})`];
    },
  });
  const options = bookings.map((b) => [b.id, [`${b.quote.offering_name} · ${b.sme_name} · ${formatInstant(b.starts_at)}`, `${b.quote.offering_name} · ${b.sme_name} · ${formatInstant(b.starts_at)}`]] as const);
  return (
    <form class="form" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("手工录入用量", "Enter usage")}>
      <SelectField form={form} name="booking_id" label={t("预约", "Booking")} options={options} />
      <TextField form={form} name="period_start" type="datetime-local" label={t("开始（北京时间）", "From (Beijing time)")} />
      <TextField form={form} name="period_end" type="datetime-local" label={t("结束（北京时间）", "To (Beijing time)")} />
      <TextField form={form} name="quantity" inputMode="decimal" label={t("数量（按资源计量单位，最多3位小数）", "Quantity (in the offering's unit, up to 3 decimals)")} hint={t("负数为更正，须填写原因", "A negative quantity is a correction and needs a reason")} />
      <TextField form={form} name="reason" label={t("原因", "Reason")} />
      <p class="hint">
        {t("事件编号：", "Event id: ")}
        <code>{eventId}</code>
      </p>
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("上报用量", "Report usage")}</SubmitButton>
    </form>
  );
}
