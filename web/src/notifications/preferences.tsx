// Which kinds of notification the caller receives: a checkbox per kind, labelled as the API
// names it, saved together with PUT /api/notifications/preferences.
import { useEffect, useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import type { Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";

type Preferences = InferResponseType<typeof api.api.notifications.preferences.$get, 200>;
type Kind = Preferences["kinds"][number]["kind"];

export function NotificationPreferences() {
  const { t } = useI18n();
  const preferences = useLoad(() => send(api.api.notifications.preferences.$get()), "preferences");
  return (
    <section aria-labelledby="preferences-heading" class="card">
      <h2 id="preferences-heading">{t("接收哪些通知", "Which notifications to receive")}</h2>
      <Loaded load={preferences}>{(saved) => <PreferencesForm saved={saved} />}</Loaded>
    </section>
  );
}

function PreferencesForm({ saved }: { saved: Preferences }) {
  const { t, lang, say } = useI18n();
  const [current, setCurrent] = useState(saved);
  const [chosen, setChosen] = useState(() => new Map(saved.kinds.map((k) => [k.kind, k.enabled])));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Message | null>(null);
  const [success, setSuccess] = useState<Message | null>(null);
  useEffect(() => setChosen(new Map(current.kinds.map((k) => [k.kind, k.enabled]))), [current]);

  const toggle = (kind: Kind, on: boolean) => {
    setChosen(new Map(chosen).set(kind, on));
    setSuccess(null);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    setSuccess(null);
    try {
      const kinds = current.kinds.map(({ kind }) => ({ kind, enabled: chosen.get(kind) ?? true }));
      setCurrent(await send(api.api.notifications.preferences.$put({ json: { kinds } })));
      setSuccess(["已保存通知设置", "Notification settings saved"]);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save} aria-labelledby="preferences-heading" noValidate>
      <fieldset class="field checkbox-group">
        <legend>{t("勾选要接收的通知类型", "Tick the kinds you want to receive")}</legend>
        <div class="checks">
          {current.kinds.map((kind) => (
            <label key={kind.kind} class="check">
              <input type="checkbox" name="kinds" value={kind.kind} checked={chosen.get(kind.kind) ?? kind.enabled} onChange={(event) => toggle(kind.kind, event.currentTarget.checked)} />
              <span>{lang === "zh" ? kind.label_zh : kind.label_en}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div role="alert" class="form-failure">
        {failure && <p class="message error">{say(failure)}</p>}
      </div>
      <div role="status" class="form-success">
        {success && <p class="message success">{say(success)}</p>}
      </div>
      <button type="submit" class="primary" aria-disabled={busy ? "true" : undefined} aria-busy={busy ? "true" : undefined}>
        {busy ? t("保存中…", "Saving…") : t("保存设置", "Save settings")}
      </button>
    </form>
  );
}
