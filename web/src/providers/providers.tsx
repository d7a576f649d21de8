// Provider approvals for agency staff: providers listed by status; reviewers and agency admins
// approve, reject (a reason is required) or suspend; finance and auditors read only.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n } from "../shell/i18n";
import { optionsOf, PROVIDER_STATUS, SIZE_CLASS, type ProviderStatus } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link, useLocation } from "../shell/router";
import { useMe, type Me } from "../shell/session";
import { TextArea } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { FilterPills } from "../ui/filter-pills";

type Provider = Me["organisation"];
const STATUSES = Object.keys(PROVIDER_STATUS) as ProviderStatus[];

const PAGE_SIZE = 50;

export const loadProviders = (status?: ProviderStatus, offset = 0) =>
  send(api.api.providers.$get({ query: { ...(status ? { status } : {}), limit: String(PAGE_SIZE), offset: String(offset) } }));

export function ProvidersPage() {
  const { t, say } = useI18n();
  const me = useMe();
  const query = useLocation().query.get("status");
  const status = query === "all" ? undefined : STATUSES.find((s) => s === query) ?? "pending";
  const offset = Math.max(0, Math.floor(Number(useLocation().query.get("offset")) || 0));
  const providers = useLoad(() => loadProviders(status, offset), `${status ?? "all"}:${offset}`);
  const [outcome, setOutcome] = useState<Message | null>(null);
  const [refusing, setRefusing] = useState<string | null>(null);
  const decides = may(me, "POST /api/providers/{id}/approve");
  const decided = (message: Message) => {
    setOutcome(message);
    setRefusing(null);
    providers.reload();
  };
  return (
    <Page
      title={t("服务商审核", "Provider approvals")}
      lead={
        decides
          ? t("这里的状态是本主管部门的决定；各主管部门分别审核服务商。", "Statuses here are your agency's own decisions; each agency vets providers for itself.")
          : t("你的角色可以查看，但不能审核服务商。", "Your role can view providers but not decide on them.")
      }
    >
      <StatusFilter current={status ?? "all"} />
      <div role="status" class="outcome">
        {outcome && <p class="message success">{say(outcome)}</p>}
      </div>
      <Loaded load={providers}>
        {({ items, total }) => (
          <>
          <DataTable
            caption={status ? say(PROVIDER_STATUS[status]) : t("全部服务商", "All providers")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("没有符合条件的服务商。", "No providers with this status.")}
            columns={[
              { header: t("服务商", "Provider"), cell: (row) => <strong>{row.name}</strong> },
              { header: t("统一社会信用代码", "Credit code"), cell: (row) => <code>{row.credit_code}</code> },
              { header: t("地区", "Region"), cell: (row) => row.region_code },
              { header: t("规模", "Size"), cell: (row) => say(SIZE_CLASS[row.size_class]) },
              { header: t("注册时间", "Registered"), cell: (row) => <Instant at={row.created_at} /> },
              { header: t("状态", "Status"), cell: (row) => <ProviderStatusText provider={row} /> },
              ...(decides
                ? [
                    {
                      header: t("操作", "Actions"),
                      class: "actions",
                      cell: (row: Provider) => (
                        <Decision provider={row} refusing={refusing === row.id} onRefuse={() => setRefusing(row.id)} onDecided={decided} />
                      ),
                    },
                  ]
                : []),
            ]}
            below={(row) =>
              refusing === row.id && <RefusalForm provider={row} onCancel={() => setRefusing(null)} onDecided={decided} />
            }
          />
          <Pager status={status ?? "all"} offset={offset} total={total} shown={items.length} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function Pager({ status, offset, total, shown }: { status: ProviderStatus | "all"; offset: number; total: number; shown: number }) {
  const { t } = useI18n();
  if (total <= PAGE_SIZE && offset === 0) return null;
  const href = (at: number) => `/providers?status=${status}&offset=${at}`;
  return (
    <nav class="pager" aria-label={t("翻页", "Pages")}>
      {offset > 0 && <Link href={href(Math.max(0, offset - PAGE_SIZE))}>{t("上一页", "Previous")}</Link>}
      <span>
        {shown ? `${offset + 1}–${offset + shown}` : "0"} / {total}
      </span>
      {offset + PAGE_SIZE < total && <Link href={href(offset + PAGE_SIZE)}>{t("下一页", "Next")}</Link>}
    </nav>
  );
}

function StatusFilter({ current }: { current: ProviderStatus | "all" }) {
  return <FilterPills choices={optionsOf(PROVIDER_STATUS)} current={current} href={(value) => `/providers?status=${value}`} />;
}

function ProviderStatusText({ provider }: { provider: Provider }) {
  const { say } = useI18n();
  const status = provider.provider_status;
  if (!status) return null;
  return (
    <span>
      <span class={`badge ${status}`}>{say(PROVIDER_STATUS[status])}</span>
      {provider.provider_status_reason && <span class="reason">{provider.provider_status_reason}</span>}
    </span>
  );
}

/** Approve in one step; reject or suspend opens a form under the row that asks for the reason. */
function Decision(props: { provider: Provider; refusing: boolean; onRefuse: () => void; onDecided: (message: Message) => void }) {
  const { provider, refusing, onRefuse, onDecided } = props;
  const { t, say } = useI18n();
  const [approving, setApproving] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const status = provider.provider_status;
  const approve = async () => {
    if (approving) return;
    setApproving(true);
    setFailure(null);
    try {
      await send(api.api.providers[":id"].approve.$post({ param: { id: provider.id }, json: {} }));
      onDecided([`已批准：${provider.name}`, `Approved: ${provider.name}`]);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setApproving(false);
    }
  };
  return (
    <div class="decision">
      {status !== "approved" && (
        <button type="button" class="primary" onClick={approve} aria-disabled={approving ? "true" : undefined} aria-label={`${t("批准", "Approve")} ${provider.name}`}>
          {approving ? t("处理中…", "Working…") : t("批准", "Approve")}
        </button>
      )}
      {(status === "pending" || status === "approved") && (
        <button type="button" onClick={onRefuse} aria-expanded={refusing ? "true" : "false"} aria-label={`${status === "approved" ? t("暂停", "Suspend") : t("驳回", "Reject")} ${provider.name}`}>
          {status === "approved" ? t("暂停", "Suspend") : t("驳回", "Reject")}
        </button>
      )}
      <div role="alert">{failure && <p class="message error">{say(failure.message)}</p>}</div>
    </div>
  );
}

function RefusalForm(props: { provider: Provider; onCancel: () => void; onDecided: (message: Message) => void }) {
  const { provider, onCancel, onDecided } = props;
  const { t } = useI18n();
  const suspending = provider.provider_status === "approved";
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.providerRejection,
    submit: async (values) => {
      const json = { reason: values.reason.trim() };
      const param = { id: provider.id };
      const after = await send(suspending ? api.api.providers[":id"].suspend.$post({ param, json }) : api.api.providers[":id"].reject.$post({ param, json }));
      onDecided(
        after.provider_status === "suspended"
          ? [`已暂停：${provider.name}`, `Suspended: ${provider.name}`]
          : [`已驳回：${provider.name}`, `Rejected: ${provider.name}`],
      );
    },
  });
  useEffect(() => form.ref.current?.querySelector("textarea")?.focus(), []);
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={`${suspending ? t("暂停", "Suspend") : t("驳回", "Reject")} ${provider.name}`}>
      <TextArea
        form={form}
        name="reason"
        label={suspending ? t("暂停原因", "Reason for suspending") : t("驳回原因", "Reason for rejecting")}
        hint={
          suspending
            ? t("服务商会看到此原因。暂停后，本部门的算力券立即停止补贴其资源（其他主管部门的决定不受影响）。", "The provider will see this reason. Once suspended, your agency's vouchers stop subsidising its offerings at once (other agencies' decisions stand).")
            : t("服务商会看到此原因", "The provider will see this reason")
        }
      />
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form} danger>
          {suspending ? t("确认暂停", "Confirm suspension") : t("确认驳回", "Confirm rejection")}
        </SubmitButton>
        <button type="button" onClick={onCancel}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}
