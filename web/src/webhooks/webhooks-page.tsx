// Webhook 推送 for an organisation's admins: the endpoints that receive the organisation's events,
// registering one (its secret shown once), enabling / disabling, a test ping, rotating the secret,
// and each endpoint's recent deliveries with a replay for failed ones.
import { useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { CheckboxGroup } from "../ui/choices";
import { CheckboxField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { SecretOnce } from "./secret";

export const WEBHOOKS_PATH = "/settings/webhooks";

type Endpoint = InferResponseType<typeof api.api["webhook-endpoints"]["$get"], 200>["items"][number];
type Detail = InferResponseType<(typeof api.api)["webhook-endpoints"][":id"]["$get"], 200>;
type Delivery = Detail["recent_deliveries"][number];
type EventType = Endpoint["event_types"][number];
/** Event types with their names as the API labels notification kinds: [type, [中文, English]]. */
type EventLabels = readonly (readonly [string, Bilingual])[];

const DELIVERY_STATUS: Record<Delivery["status"], Bilingual> = {
  pending: ["待发送", "Pending"],
  delivered: ["已送达", "Delivered"],
  failed: ["失败", "Failed"],
  cancelled: ["已取消", "Cancelled"],
};

export function WebhooksPage() {
  const { t } = useI18n();
  const endpoints = useLoad(() => send(api.api["webhook-endpoints"].$get()), "endpoints");
  // The event types are the notification kinds; the preferences answer carries their labels.
  const kinds = useLoad(() => send(api.api.notifications.preferences.$get()), "kinds");
  const [secret, setSecret] = useState<{ heading: string; value: string } | null>(null);
  return (
    <Page
      title={t("Webhook 推送", "Webhooks")}
      lead={t("把本机构的事件（预约、交付、券变动等）实时推送到你的系统。每次推送都带签名，失败会自动重试。", "Send your organisation's events (bookings, deliveries, voucher changes…) to your own systems as they happen. Every delivery is signed and retried when it fails.")}
    >
      {secret && <SecretOnce heading={secret.heading} secret={secret.value} onDone={() => setSecret(null)} />}
      <Loaded load={kinds}>
        {({ kinds: list }) => {
          const labels: EventLabels = list.map((k) => [k.kind, [k.label_zh, k.label_en]] as const);
          return (
            <>
              <Loaded load={endpoints}>
                {({ items }) => (
                  <section aria-labelledby="endpoints-heading">
                    <h2 id="endpoints-heading">{t("已登记的地址", "Registered endpoints")}</h2>
                    {items.length ? (
                      items.map((endpoint) => (
                        <EndpointCard key={endpoint.id} endpoint={endpoint} labels={labels} onChanged={endpoints.reload} onSecret={(value) => setSecret({ heading: t("新的签名密钥", "New signing secret"), value })} />
                      ))
                    ) : (
                      <p class="empty">{t("还没有登记推送地址。", "No endpoints registered yet.")}</p>
                    )}
                  </section>
                )}
              </Loaded>
              <RegisterForm
                labels={labels}
                onRegistered={(value) => {
                  setSecret({ heading: t("推送地址已登记：签名密钥", "Endpoint registered: its signing secret"), value });
                  endpoints.reload();
                }}
              />
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

function RegisterForm({ labels, onRegistered }: { labels: EventLabels; onRegistered: (secret: string) => void }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { url: "", all: "true", event_types: "", description: "" },
    specs: (values) => ({
      url: { required: true, minLength: 8, maxLength: 2000, pattern: /^https?:\/\/\S+$/, patternMessage: ["请输入以 https:// 开头的地址", "Enter an address starting with https://"] },
      all: {},
      event_types: { required: values.all !== "true" },
      description: { maxLength: 200 },
    }),
    submit: async (values) => {
      const event_types = (values.all === "true" ? ["*"] : values.event_types.split(",")) as EventType[];
      const made = await send(api.api["webhook-endpoints"].$post({ json: { url: values.url.trim(), event_types, ...(values.description.trim() ? { description: values.description.trim() } : {}) } }));
      form.reset();
      onRegistered(made.secret);
      return ["已登记推送地址", "Endpoint registered"];
    },
  });
  return (
    <section aria-labelledby="register-heading" class="card">
      <h2 id="register-heading">{t("登记推送地址", "Register an endpoint")}</h2>
      <form ref={form.ref} onSubmit={form.onSubmit} aria-labelledby="register-heading" noValidate>
        <TextField form={form} name="url" label={t("接收地址（URL）", "Receiving URL")} type="text" inputMode="text" placeholder="https://ops.example.cn/hooks" hint={t("须为 https 地址；不接受内网地址。", "Must be https; private network addresses are refused.")} />
        <CheckboxField form={form} name="all" label={t("接收全部事件（含以后新增的类型）", "All events (including types added later)")} />
        {form.values.all !== "true" && <CheckboxGroup form={form} name="event_types" label={t("接收的事件类型", "Event types to receive")} options={labels} />}
        <TextField form={form} name="description" label={t("说明", "Description")} />
        <FormStatus form={form} />
        <SubmitButton form={form}>{t("登记", "Register")}</SubmitButton>
      </form>
    </section>
  );
}

function EndpointCard({ endpoint, labels, onChanged, onSecret }: { endpoint: Endpoint; labels: EventLabels; onChanged: () => void; onSecret: (secret: string) => void }) {
  const { t, say } = useI18n();
  const detail = useLoad(() => send(api.api["webhook-endpoints"][":id"].$get({ param: { id: endpoint.id } })), endpoint.id);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<Message | null>(null);
  const [outcome, setOutcome] = useState<Message | null>(null);
  const [confirming, setConfirming] = useState(false);
  const param = { id: endpoint.id };

  const act = async (what: string, run: () => Promise<Message>) => {
    if (busy) return;
    setBusy(what);
    setFailure(null);
    setOutcome(null);
    try {
      setOutcome(await run());
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(null);
    }
  };
  const toggle = () =>
    act("toggle", async () => {
      await send(api.api["webhook-endpoints"][":id"].$patch({ param, json: { enabled: !endpoint.enabled } }));
      onChanged();
      return endpoint.enabled ? ["已停用", "Disabled"] : ["已启用", "Enabled"];
    });
  const ping = () =>
    endpoint.enabled &&
    act("ping", async () => {
      const sent = await send(api.api["webhook-endpoints"][":id"].ping.$post({ param }));
      detail.reload();
      return pingMessage(sent);
    });
  const rotate = () =>
    act("rotate", async () => {
      const rotated = await send(api.api["webhook-endpoints"][":id"]["rotate-secret"].$post({ param, json: { overlap_hours: 24 } }));
      setConfirming(false);
      onSecret(rotated.secret);
      onChanged();
      return ["已生成新密钥；旧密钥在24小时内仍会一并签名", "New secret issued; the old one keeps signing beside it for 24 hours"];
    });
  const replay = (delivery: Delivery) =>
    act(`replay:${delivery.id}`, async () => {
      const sent = await send(api.api["webhook-deliveries"][":id"].replay.$post({ param: { id: delivery.id } }));
      detail.reload();
      return sent.status === "delivered" ? ["重新推送成功", "Replayed: delivered"] : [`重新推送未成功（${sent.last_error ?? sent.last_status_code ?? "—"}）`, `Replay not delivered (${sent.last_error ?? sent.last_status_code ?? "—"})`];
    });

  const events = endpoint.event_types.includes("*") ? [t("全部事件", "All events")] : endpoint.event_types.map((type) => say(labels.find(([kind]) => kind === type)?.[1] ?? [type, type]));
  const headingId = `endpoint-${endpoint.id}`;
  return (
    <article class="card endpoint" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <code>{endpoint.url}</code>
      </h3>
      <p>
        <span class={`badge ${endpoint.enabled ? "enabled" : "disabled"}`}>{endpoint.enabled ? t("启用中", "Enabled") : t("已停用", "Disabled")}</span>
        {endpoint.disabled_reason && <span class="reason">{say(endpoint.disabled_reason)}</span>}
        {endpoint.description && <span class="reason">{endpoint.description}</span>}
      </p>
      <p class="hint">
        {t("事件：", "Events: ")}
        {events.join(t("、", ", "))}
      </p>
      {endpoint.failing_since && (
        <p class="message warn">
          {t("自 ", "Failing since ")}
          <Instant at={endpoint.failing_since} />
          {t(" 起推送持续失败；连续五天失败将自动停用。", "; five days of failures disable it.")}
        </p>
      )}
      {endpoint.secret_rotating_until && (
        <p class="hint">
          {t("密钥轮换中：旧密钥签名至 ", "Rotating: the old secret signs until ")}
          <Instant at={endpoint.secret_rotating_until} />
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={toggle} aria-disabled={busy ? "true" : undefined}>
          {endpoint.enabled ? t("停用", "Disable") : t("启用", "Enable")}
        </button>
        <button type="button" onClick={ping} aria-disabled={busy || !endpoint.enabled ? "true" : undefined}>
          {busy === "ping" ? t("正在发送…", "Sending…") : t("发送测试事件", "Send a test ping")}
        </button>
        <button type="button" onClick={() => setConfirming(true)} aria-expanded={confirming} aria-disabled={busy ? "true" : undefined}>
          {t("轮换密钥", "Rotate secret")}
        </button>
      </div>
      {confirming && (
        <div class="confirm" role="group" aria-label={t("确认轮换密钥", "Confirm rotating the secret")}>
          <p>{t("将生成新密钥。旧密钥在24小时内仍会一并签名，请在此期间更新你的系统。确定轮换吗？", "A new secret will be issued. The old one keeps signing beside it for 24 hours: update your systems within that time. Rotate now?")}</p>
          <button type="button" class="primary" onClick={rotate} aria-disabled={busy ? "true" : undefined}>
            {busy === "rotate" ? t("正在轮换…", "Rotating…") : t("确定轮换", "Rotate")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("取消", "Cancel")}
          </button>
        </div>
      )}
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      <div role="status">{outcome && <p class="message success">{say(outcome)}</p>}</div>
      <Loaded load={detail}>
        {({ recent_deliveries }) => (
          <DataTable
            caption={t("最近的推送", "Recent deliveries")}
            rows={recent_deliveries}
            rowKey={(row) => row.id}
            empty={t("还没有推送记录。", "No deliveries yet.")}
            columns={[
              {
                header: t("事件", "Event"),
                cell: (row) => (
                  <span>
                    {say(labels.find(([kind]) => kind === row.type)?.[1] ?? [row.type, row.type])}
                    <span class="reason">
                      <code>{row.event_id}</code>
                    </span>
                  </span>
                ),
              },
              { header: t("时间（北京）", "When (Beijing)"), cell: (row) => <Instant at={row.last_attempt_at ?? row.created_at} /> },
              {
                header: t("状态", "Status"),
                cell: (row) => (
                  <span>
                    <span class={`badge ${row.status}`}>{say(DELIVERY_STATUS[row.status])}</span>
                    {row.last_error && <span class="reason">{say(row.last_error)}</span>}
                  </span>
                ),
              },
              { header: t("响应码", "Response"), cell: (row) => row.last_status_code ?? "—", class: "num" },
              { header: t("耗时", "Latency"), cell: (row) => (row.last_latency_ms === null ? "—" : `${row.last_latency_ms} ms`), class: "num" },
              { header: t("尝试次数", "Attempts"), cell: (row) => row.attempts, class: "num" },
              {
                header: t("操作", "Actions"),
                class: "actions",
                cell: (row) =>
                  row.status === "failed" ? (
                    <button type="button" onClick={() => replay(row)} aria-disabled={busy ? "true" : undefined}>
                      {busy === `replay:${row.id}` ? t("正在重发…", "Replaying…") : t("重新推送", "Replay")}
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Loaded>
    </article>
  );
}

function pingMessage(sent: Delivery): Bilingual {
  const code = sent.last_status_code ?? "—";
  const latency = sent.last_latency_ms === null ? "—" : `${sent.last_latency_ms} ms`;
  if (sent.status === "delivered") return [`测试事件已送达：响应码 ${code}，耗时 ${latency}`, `Test event delivered: response ${code}, ${latency}`];
  const error = sent.last_error ? `，${sent.last_error}` : "";
  return [`测试事件未送达：响应码 ${code}，耗时 ${latency}${error}`, `Test event not delivered: response ${code}, ${latency}${sent.last_error ? `, ${sent.last_error}` : ""}`];
}
