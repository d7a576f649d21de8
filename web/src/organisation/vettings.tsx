// A provider's standing at each funding agency (vetting is per agency), and applying to an
// agency it is not yet listed with (one running programmes created after it registered).
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n, type Bilingual } from "../shell/i18n";
import { PROVIDER_STATUS } from "../shell/labels";
import { useMe } from "../shell/session";
import { Loaded, useLoad } from "../ui/load";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";

const loadVettings = () => send(api.api["provider-vettings"].$get());

export function VettingsCard() {
  const { t, say } = useI18n();
  const me = useMe();
  const vettings = useLoad(loadVettings, "vettings");
  const applies = may(me, "POST /api/provider-vettings");
  return (
    <section class="card" aria-labelledby="vettings">
      <h2 id="vettings">{t("各主管部门的审核", "Standing at each agency")}</h2>
      <p class="hint">
        {t(
          "每个主管部门分别审核服务商；只有批准你的主管部门的算力券才能补贴你的资源。",
          "Each agency vets providers for itself; only vouchers from agencies that approve you subsidise your offerings.",
        )}
      </p>
      <Loaded load={vettings}>
        {({ items }) => (
          <>
            <DataTable
              caption={t("审核状态", "Vetting")}
              rows={items}
              rowKey={(row) => row.agency_org_id}
              empty={t("尚未向任何主管部门申请。", "Not listed with any agency yet.")}
              columns={[
                { header: t("主管部门", "Agency"), cell: (row) => <strong>{row.agency_name}</strong> },
                {
                  header: t("状态", "Status"),
                  cell: (row) => (
                    <span>
                      <span class={`badge ${row.status}`}>{say(PROVIDER_STATUS[row.status])}</span>
                      {row.reason && <span class="reason"> {row.reason}</span>}
                    </span>
                  ),
                },
                { header: t("决定时间", "Decided"), cell: (row) => (row.decided_at ? <Instant at={row.decided_at} /> : "—") },
              ]}
            />
            {applies && <ApplyToAgency listed={items.map((row) => row.agency_org_id)} onApplied={vettings.reload} />}
          </>
        )}
      </Loaded>
    </section>
  );
}

/** Agencies running open programmes that this provider is not yet listed with. */
function ApplyToAgency({ listed, onApplied }: { listed: string[]; onApplied: () => void }) {
  const { t, say } = useI18n();
  const programmes = useLoad(() => send(api.api.programmes.$get({ query: {} })), "programmes");
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<Bilingual | null>(null);
  const apply = async (agencyId: string) => {
    if (busy) return;
    setBusy(agencyId);
    setFailure(null);
    try {
      const vetting = await send(api.api["provider-vettings"].$post({ json: { agency_org_id: agencyId } }));
      setDone([`已向 ${vetting.agency_name} 提交申请`, `Applied to ${vetting.agency_name}`]);
      onApplied();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Loaded load={programmes}>
      {(answer) => {
        const byAgency = new Map<string, string[]>();
        for (const programme of answer.items) {
          if (listed.includes(programme.agency_org_id)) continue;
          byAgency.set(programme.agency_org_id, [...(byAgency.get(programme.agency_org_id) ?? []), programme.name]);
        }
        if (!byAgency.size && !done && !failure) return null;
        return (
          <div class="subform">
            <div role="status">{done && <p class="message success">{say(done)}</p>}</div>
            <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
            {byAgency.size > 0 && (
              <>
                <h3>{t("申请其他主管部门的审核", "Apply to another agency")}</h3>
                <ul>
                  {[...byAgency].map(([agencyId, names]) => (
                    <li key={agencyId}>
                      {t("运营项目：", "Runs: ")}
                      {names.join("、")}{" "}
                      <button type="button" onClick={() => apply(agencyId)} aria-disabled={busy ? "true" : undefined}>
                        {busy === agencyId ? t("提交中…", "Sending…") : t("申请审核", "Apply")}
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
