// Several choices of one question (eligible categories, size classes): checkboxes in a fieldset
// whose legend is the question. The form holds the chosen options joined by commas, in option
// order, so an empty choice reads as an unanswered required field.
import { useI18n, type Bilingual } from "../shell/i18n";
import type { Form, Values } from "./form";

export function CheckboxGroup(props: { form: Form<Values>; name: string; label: string; hint?: string; options: readonly (readonly [string, Bilingual])[] }) {
  const { form, name, label, hint, options } = props;
  const { say } = useI18n();
  const id = `${form.id}-${name.replace(/\./g, "-")}`;
  const error = form.errors[name];
  const chosen = new Set((form.values[name] ?? "").split(",").filter(Boolean));
  const toggle = (value: string, on: boolean) => {
    if (on) chosen.add(value);
    else chosen.delete(value);
    form.set(name, options.map(([option]) => option).filter((option) => chosen.has(option)).join(","));
  };
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset class="field checkbox-group" aria-describedby={describedBy}>
      <legend>{label}</legend>
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <div class="checks">
        {options.map(([value, text]) => (
          <label key={value} class="check">
            <input
              type="checkbox"
              name={name}
              value={value}
              checked={chosen.has(value)}
              aria-invalid={error ? "true" : undefined}
              onChange={(event) => toggle(value, event.currentTarget.checked)}
            />
            <span>{say(text)}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={`${id}-error`} class="field-error">
          {say(error)}
        </p>
      )}
    </fieldset>
  );
}
