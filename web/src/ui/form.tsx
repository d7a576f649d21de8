// Form state shared by every form: values keyed by the API's body paths ("organisation.name"),
// checks before sending, the server's field issues shown beside the fields they name, progress
// while a request runs, and the typed values kept whatever the server answers.
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import type { Limit } from "../shell/limits";

export type Values = Record<string, string>;
/** A server "中文 / English" message or a [中文, English] pair. */
export type Message = string | Bilingual;

export interface FieldSpec extends Limit {
  patternMessage?: Bilingual;
  /** Extra check on a non-empty value; returns the problem, or null. */
  check?: (value: string, values: Values) => Message | null;
}

export type Specs<V extends Values> = { [K in keyof V]: FieldSpec };

export interface Form<V extends Values> {
  /** Unique per form, so two forms on a page never share element ids. */
  id: string;
  values: V;
  errors: Partial<Record<keyof V, Message>>;
  busy: boolean;
  failure: Message | null;
  success: Message | null;
  specs: Specs<V>;
  ref: RefObject<HTMLFormElement | null>;
  // Method syntax, so a Form of any field set can be passed where Form<Values> is expected.
  set(name: keyof V, value: string): void;
  /** Several values at once, e.g. a row added to or removed from a list of fields. */
  setMany(changes: Partial<Values>): void;
  onSubmit(event: Event): void;
  reset(): void;
  /** For a form made with `confirmFirst`: the checks passed and the form waits for a second, explicit yes. */
  confirming: boolean;
  stopConfirming(): void;
}

const CORRECT_FIELDS: Bilingual = ["请修正标出的项目", "Please correct the marked fields"];

export function problemOf(spec: FieldSpec, value: string, values: Values): Message | null {
  const trimmed = value.trim();
  if (trimmed === "") return spec.required ? ["请填写此项", "This field is required"] : null;
  if (spec.minLength !== undefined && value.length < spec.minLength) {
    return [`至少${spec.minLength}个字符`, `At least ${spec.minLength} characters`];
  }
  if (spec.maxLength !== undefined && value.length > spec.maxLength) {
    return [`最多${spec.maxLength}个字符`, `At most ${spec.maxLength} characters`];
  }
  if (spec.pattern && !spec.pattern.test(trimmed)) return spec.patternMessage ?? ["格式不正确", "Invalid format"];
  return spec.check?.(trimmed, values) ?? null;
}

function problemsOf<V extends Values>(specs: Specs<V>, values: V): Partial<Record<keyof V, Message>> {
  const errors: Partial<Record<keyof V, Message>> = {};
  for (const name of Object.keys(specs) as (keyof V)[]) {
    const problem = problemOf(specs[name], values[name] as string, values);
    if (problem) errors[name] = problem;
  }
  return errors;
}

/**
 * `submit` sends the values; it may return a success message. An ApiError it throws becomes the
 * form's failure message, and its field issues land on the fields they name.
 */
export function useForm<V extends Values>(options: {
  initial: V;
  /** The checks; a function of the values when which fields apply depends on other choices. */
  specs: Specs<V> | ((values: V) => Specs<V>);
  submit: (values: V) => Promise<Message | void>;
  /** An action that cannot be undone: the first submit asks (see DangerSubmit), the second sends. */
  confirmFirst?: boolean | ((values: V) => boolean);
}): Form<V> {
  const { initial, submit } = options;
  const [confirming, setConfirming] = useState(false);
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Partial<Record<keyof V, Message>>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const [success, setSuccess] = useState<Message | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const ref = useRef<HTMLFormElement>(null);
  const id = useId();
  const specs = typeof options.specs === "function" ? options.specs(values) : options.specs;

  // After a refusal, put the keyboard on the first field that needs fixing.
  useEffect(() => {
    if (focusRequest) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const set = (name: keyof V, value: string) => {
    const next = { ...values, [name]: value };
    setValues(next);
    setSuccess(null);
    // A field already marked wrong is re-checked as the person types, so the mark goes when fixed.
    if (errors[name]) setErrors({ ...errors, [name]: problemOf(specs[name] ?? {}, value, next) ?? undefined });
  };

  const setMany = (changes: Partial<Values>) => {
    setValues({ ...values, ...changes } as V);
    setSuccess(null);
  };

  const refuse = (fieldErrors: Partial<Record<keyof V, Message>>, message: Message) => {
    setErrors(fieldErrors);
    setFailure(message);
    setFocusRequest((n) => n + 1);
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setSuccess(null);
    const problems = problemsOf(specs, values);
    if (Object.keys(problems).length) return refuse(problems, CORRECT_FIELDS);
    // Enter in a field submits too: the question is asked whichever way the form was sent.
    const askFirst = typeof options.confirmFirst === "function" ? options.confirmFirst(values) : options.confirmFirst;
    if (askFirst && !confirming) return setConfirming(true);
    setBusy(true);
    setFailure(null);
    try {
      const message = await submit(values);
      setErrors({});
      setSuccess(message ?? null);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const fieldErrors: Partial<Record<keyof V, Message>> = {};
      const unplaced = error.issues.filter((issue) => {
        if (!(issue.field in specs)) return true;
        fieldErrors[issue.field as keyof V] = issue.message;
        return false;
      });
      refuse(fieldErrors, error.issues.length && !unplaced.length ? CORRECT_FIELDS : error.message);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const reset = () => {
    setValues(initial);
    setErrors({});
  };

  const stopConfirming = () => setConfirming(false);

  return { id, values, errors, busy, failure, success, specs, ref, set, setMany, onSubmit, reset, confirming, stopConfirming };
}

/** The form's own messages, in live regions that exist before anything is said into them. */
export function FormStatus({ form }: { form: Form<Values> }) {
  const { say } = useI18n();
  return (
    <>
      <div role="alert" class="form-failure">
        {form.failure && <p class="message error">{say(form.failure)}</p>}
      </div>
      <div role="status" class="form-success">
        {form.success && <p class="message success">{say(form.success)}</p>}
      </div>
    </>
  );
}

/** `danger` for a submit that is itself the confirmed, irreversible step (after a checkbox or a second look). */
export function SubmitButton({ form, children, busyLabel, danger }: { form: Form<Values>; children: ComponentChildren; busyLabel?: string; danger?: boolean }) {
  const { t } = useI18n();
  // aria-disabled rather than disabled: a disabled button drops keyboard focus mid-request.
  return (
    <button type="submit" class={danger ? "danger" : "primary"} aria-disabled={form.busy ? "true" : undefined} aria-busy={form.busy ? "true" : undefined}>
      {form.busy ? (busyLabel ?? t("提交中…", "Sending…")) : children}
    </button>
  );
}

/**
 * The submit button of an action that cannot be undone (a form made with `confirmFirst`): a danger
 * button that first asks, saying what will happen, and only the second, explicit button sends.
 * The question takes the keyboard focus so a screen reader reads it at once.
 */
export function DangerSubmit(props: { form: Form<Values>; children: ComponentChildren; confirmLabel: string; busyLabel?: string; consequences: ComponentChildren }) {
  const { form, children, confirmLabel, busyLabel, consequences } = props;
  const { t } = useI18n();
  const question = useRef<HTMLDivElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  const asked = form.confirming || form.busy;
  const wasAsked = useRef(false);
  useEffect(() => {
    if (asked) question.current?.focus();
    // Stepping back puts the keyboard where it was, on the first button.
    else if (wasAsked.current && !form.failure) start.current?.focus();
    wasAsked.current = asked;
  }, [asked]);
  if (!asked) {
    return (
      <button type="submit" class="danger" ref={start}>
        {children}
      </button>
    );
  }
  const questionId = `${form.id}-confirm`;
  return (
    <div class="confirm-step" role="group" aria-labelledby={questionId}>
      <div class="message warning" id={questionId} tabIndex={-1} ref={question}>
        <p>
          <strong>{t("请确认：此操作不能撤回。", "Please confirm: this cannot be undone.")}</strong>
        </p>
        {consequences}
      </div>
      <div class="actions">
        <button type="submit" class="danger" aria-disabled={form.busy ? "true" : undefined} aria-busy={form.busy ? "true" : undefined}>
          {form.busy ? (busyLabel ?? t("提交中…", "Sending…")) : confirmLabel}
        </button>
        <button type="button" onClick={form.stopConfirming} aria-disabled={form.busy ? "true" : undefined}>
          {t("返回，不执行", "Go back")}
        </button>
      </div>
    </div>
  );
}