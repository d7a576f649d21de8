// The people of one organisation as a table, each disabled (after a confirmation) and, where the
// page allows it, enabled again: an organisation admin's members card and the installation admin's
// agency page both show it, each with its own endpoints, wording and extra columns.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { USER_ROLE } from "../shell/labels";
import { useMe, type Me } from "../shell/session";
import { Loaded, type Load } from "./load";
import { DataTable, type Column } from "./table";
import { Instant } from "./values";

/** One person as the API presents them (src/routes/members presentMember). */
export interface Person {
  id: string;
  email: string;
  display_name: string;
  role: Me["user"]["role"];
  disabled: boolean;
  created_at: string;
}

export type PersonAction = "disable" | "enable";

export function PeopleTable(props: {
  people: Load<{ items: Person[]; total: number }>;
  caption: (total: number) => string;
  empty: string;
  /** Shows when each person joined. */
  joined?: boolean;
  /** Offers "enable" on a disabled person; without it a disabled person has no action. */
  canEnable?: boolean;
  /** What the confirmation says disabling `name` does. */
  disableWarning: (name: string) => string;
  /** Sends the action for one person (the page's own endpoint). */
  send: (action: PersonAction, userId: string) => Promise<unknown>;
  /** Below the table, e.g. a pager. */
  footer?: (total: number) => ComponentChildren;
}) {
  const { t, say } = useI18n();
  const me = useMe();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Bilingual | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: PersonAction, userId: string, name: string) => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      await props.send(action, userId);
      setOutcome(action === "disable" ? [`已停用：${name}`, `Disabled: ${name}`] : [`已启用：${name}`, `Enabled: ${name}`]);
      setConfirming(null);
      props.people.reload();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(false);
    }
  };
  const actions = (row: Person) => {
    if (row.id === me.user.id) return null;
    if (row.disabled) {
      return props.canEnable ? (
        <button type="button" onClick={() => act("enable", row.id, row.display_name)} aria-label={`${t("启用", "Enable")} ${row.display_name}`}>
          {t("启用", "Enable")}
        </button>
      ) : null;
    }
    return (
      <button type="button" onClick={() => setConfirming(row.id)} aria-expanded={confirming === row.id ? "true" : "false"} aria-label={`${t("停用", "Disable")} ${row.display_name}`}>
        {t("停用", "Disable")}
      </button>
    );
  };
  const columns: Column<Person>[] = [
    { header: t("姓名", "Name"), cell: (row) => <strong>{row.display_name}</strong> },
    { header: t("邮箱", "Email"), cell: (row) => row.email },
    { header: t("角色", "Role"), cell: (row) => say(USER_ROLE[row.role]) },
    { header: t("状态", "Status"), cell: (row) => (row.disabled ? t("已停用", "Disabled") : t("正常", "Active")) },
    ...(props.joined ? [{ header: t("加入时间", "Joined"), cell: (row: Person) => <Instant at={row.created_at} /> }] : []),
    { header: t("操作", "Actions"), class: "actions", cell: actions },
  ];
  return (
    <>
      <div role="status">{outcome && <p class="message success">{say(outcome)}</p>}</div>
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      <Loaded load={props.people}>
        {({ items, total }) => (
          <>
            <DataTable
              caption={props.caption(total)}
              rows={items}
              rowKey={(row) => row.id}
              empty={props.empty}
              columns={columns}
              below={(row) =>
                confirming === row.id && (
                  <div class="subform" role="group" aria-label={`${t("确认停用", "Confirm disabling")} ${row.display_name}`}>
                    <p>{props.disableWarning(row.display_name)}</p>
                    <div class="buttons">
                      <button type="button" class="danger primary" onClick={() => act("disable", row.id, row.display_name)} aria-disabled={busy ? "true" : undefined}>
                        {busy ? t("处理中…", "Working…") : t("确认停用", "Confirm disabling")}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {t("取消", "Cancel")}
                      </button>
                    </div>
                  </div>
                )
              }
            />
            {props.footer?.(total)}
          </>
        )}
      </Loaded>
    </>
  );
}
