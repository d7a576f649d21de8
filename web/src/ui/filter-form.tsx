// The filter form above a list (agency bookings, the audit log…): its fields are read on submit
// and the page navigates to the URL for them, so a filtered view can be linked, reloaded and
// exported. Pieces for the fields every such list shares: a programme choice and a date range.
import type { ComponentChildren } from "preact";
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";

/** Reads one submitted field: trimmed text, or undefined when empty. */
export type FieldReader = (name: string) => string | undefined;

export function FilterForm({ label, clearHref, onFilter, card, class: extra, children }: { label: string; clearHref: string; onFilter: (value: FieldReader) => void; card?: boolean; class?: string; children: ComponentChildren }) {
  const { t } = useI18n();
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    onFilter((name) => String(data.get(name) ?? "").trim() || undefined);
  };
  return (
    <form class={["filters", card && "card", extra].filter(Boolean).join(" ")} onSubmit={submit} aria-label={label}>
      {children}
      <div class="buttons">
        <button type="submit" class="primary">
          {t("筛选", "Filter")}
        </button>
        <Link href={clearHref}>{t("清除筛选", "Clear filters")}</Link>
      </div>
    </form>
  );
}

/** A `programme` select over the caller's programmes ([id, name] pairs), with "all" first. */
export function ProgrammeChoice({ value, programmes, all }: { value: string | undefined; programmes: readonly (readonly [string, string])[]; all: string }) {
  const { t } = useI18n();
  return (
    <label>
      {t("项目", "Programme")}
      <select name="programme" value={value ?? ""}>
        <option value="">{all}</option>
        {programmes.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** `from` and `to` date inputs (the end inclusive, never before the start). */
export function DateRange({ from, to, labels }: { from: string | undefined; to: string | undefined; labels: readonly [string, string] }) {
  return (
    <>
      <label>
        {labels[0]}
        <input type="date" name="from" value={from ?? ""} />
      </label>
      <label>
        {labels[1]}
        <input type="date" name="to" value={to ?? ""} min={from} />
      </label>
    </>
  );
}

/** `from` and `to` month inputs ('YYYY-MM', both months inclusive). */
export function MonthRange({ from, to, labels }: { from: string | undefined; to: string | undefined; labels: readonly [string, string] }) {
  return (
    <>
      <label>
        {labels[0]}
        <input type="month" name="from" value={from ?? ""} min="2000-01" max="2099-12" />
      </label>
      <label>
        {labels[1]}
        <input type="month" name="to" value={to ?? ""} min={from ?? "2000-01"} max="2099-12" />
      </label>
    </>
  );
}
