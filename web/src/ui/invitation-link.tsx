// A one-time invitation link shown once after inviting someone (no mail is sent), to copy and
// hand over: the members page and the platform admin's new agency both show it.
import { useI18n } from "../shell/i18n";
import { Instant } from "./values";

export interface ShownInvitation {
  email: string;
  url: string;
  expires_at: string;
}

export function InvitationLink({ link }: { link: ShownInvitation }) {
  const { t } = useI18n();
  return (
    <div class="message info invitation-link">
      <p>
        {t(`系统不发送邮件。请把下面的一次性链接交给 ${link.email}（只显示这一次）：`, `No e-mail is sent. Give ${link.email} this one-time link (shown only now):`)}
      </p>
      <p>
        <input type="text" readOnly value={link.url} aria-label={t("邀请链接", "Invitation link")} onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />
      </p>
      <p class="hint">
        {t("有效期至", "Valid until")} <Instant at={link.expires_at} />
      </p>
    </div>
  );
}
