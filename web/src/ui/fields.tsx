// Labelled inputs bound to a Form: each carries the API's limits as attributes (maxlength,
// required), says its hint and its problem through aria-describedby, and marks aria-invalid.
import type { ComponentChildren } from "preact";
import { upperCaseTrimmed } from "../shell/checks";
import { useI18n, type Bilingual } from "../shell/i18n";
import type { Form, Values } from "./form";

interface FieldProps {
  form: Form<Values>;
  name: string;
  label: string;
  hint?: string;
}

function useFieldParts({ form, name, hint }: FieldProps) {
  const { say } = useI18n();
  const id = `${form.id}-${name.replace(/\./g, "-")}`;
  const spec = form.specs[name] ?? {};
  const error = form.errors[name];
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return {
    id,
    spec,
    control: {
      id,
      name,
      required: spec.required,
      "aria-invalid": error ? ("true" as const) : undefined,
      "aria-describedby": describedBy,
    },
    hintText: hint ? <p id={`${id}-hint`} class="hint">{hint}</p> : null,
    errorText: error ? <p id={`${id}-error`} class="field-error">{say(error)}</p> : null,
  };
}

function FieldShell({ id, label, required, children }: { id: string; label: string; required?: boolean; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class="field">
      <label for={id}>
        {label}
        {!required && <span class="optional"> {t("（选填）", "(optional)")}</span>}
      </label>
      {children}
    </div>
  );
}

interface InputExtras {
  type?: "text" | "email" | "password" | "date" | "datetime-local";
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "text" | "email";
  placeholder?: string;
  autoCapitalize?: "characters" | "off";
  spellcheck?: boolean;
}

export function TextField(props: FieldProps & InputExtras & { transform?: (value: string) => string }) {
  const { form, name, label, transform, type, autoComplete, inputMode, placeholder, autoCapitalize, spellcheck } = props;
  const { id, spec, control, hintText, errorText } = useFieldParts(props);
  return (
    <FieldShell id={id} label={label} required={spec.required}>
      {hintText}
      <input
        {...control}
        // Preact 11 types each input type apart; these are all plain text boxes to it.
        type={(type ?? "text") as "text"}
        {...{ autoComplete, inputMode, placeholder, autoCapitalize, spellcheck }}
        maxLength={spec.maxLength}
        minLength={spec.minLength}
        value={form.values[name]}
        onInput={(event) => {
          const value = event.currentTarget.value;
          form.set(name, transform ? transform(value) : value);
        }}
      />
      {errorText}
    </FieldShell>
  );
}

/** A 统一社会信用代码: kept upper case without spaces as it is typed (its spec checks it with creditCodeCheck). */
export function CreditCodeField(props: FieldProps) {
  return <TextField {...props} transform={upperCaseTrimmed} autoCapitalize="characters" spellcheck={false} />;
}

export function TextArea(props: FieldProps & { rows?: number }) {
  const { form, name, label, rows } = props;
  const { id, spec, control, hintText, errorText } = useFieldParts(props);
  return (
    <FieldShell id={id} label={label} required={spec.required}>
      {hintText}
      <textarea
        {...control}
        rows={rows ?? 3}
        maxLength={spec.maxLength}
        value={form.values[name]}
        onInput={(event) => form.set(name, event.currentTarget.value)}
      />
      {errorText}
    </FieldShell>
  );
}

export function SelectField(props: FieldProps & { options: readonly (readonly [string, Bilingual])[]; placeholder?: string }) {
  const { form, name, label, options, placeholder } = props;
  const { say } = useI18n();
  const { id, spec, control, hintText, errorText } = useFieldParts(props);
  return (
    <FieldShell id={id} label={label} required={spec.required}>
      {hintText}
      <select {...control} value={form.values[name]} onChange={(event) => form.set(name, event.currentTarget.value)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {say(text)}
          </option>
        ))}
      </select>
      {errorText}
    </FieldShell>
  );
}

/** Radio buttons in a fieldset whose legend is the question; each option may explain itself. */
export function RadioGroup(props: FieldProps & { options: readonly (readonly [string, Bilingual, Bilingual?])[] }) {
  const { form, name, label, options } = props;
  const { say } = useI18n();
  const { id, errorText } = useFieldParts(props);
  const error = form.errors[name];
  return (
    <fieldset class="field radio-group" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {options.map(([value, text, detail]) => (
        <label key={value} class="radio">
          <input
            type="radio"
            name={name}
            value={value}
            checked={form.values[name] === value}
            aria-invalid={error ? "true" : undefined}
            onChange={() => form.set(name, value)}
          />
          <span>
            <strong>{say(text)}</strong>
            {detail && <span class="hint">{say(detail)}</span>}
          </span>
        </label>
      ))}
      {errorText}
    </fieldset>
  );
}

/** A yes/no choice whose value is "true" or "" (so an unticked box reads as absent). */
export function CheckboxField(props: FieldProps) {
  const { form, name, label } = props;
  const { id, control, hintText, errorText } = useFieldParts(props);
  return (
    <div class="field checkbox">
      <input {...control} type="checkbox" checked={form.values[name] === "true"} onChange={(event) => form.set(name, event.currentTarget.checked ? "true" : "")} />
      <label for={id}>{label}</label>
      {hintText}
      {errorText}
    </div>
  );
}
