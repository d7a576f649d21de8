// A webhook secret, shown the one time the API sends it: a warning, the secret, a copy button.
import { useState } from "preact/hooks";
import { useI18n } from "../shell/i18n";

export function SecretOnce({ secret, heading, onDone }: { secret: string; heading: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <div class="secret-once message warn" role="region" aria-label={heading}>
      <h3>{heading}</h3>
      <p>
        <strong>{t("请立即复制并妥善保存：此密钥只显示这一次，关闭后无法再次查看。", "Copy it and keep it safe now: this secret is shown only once and cannot be shown again.")}</strong>{" "}
        {t("用它校验每个推送的 webhook-signature 签名。", "Use it to verify each delivery's webhook-signature.")}
      </p>
      <p>
        <code class="secret">{secret}</code>
      </p>
      <div class="buttons">
        <button type="button" onClick={copy}>
          {t("复制密钥", "Copy secret")}
        </button>
        <button type="button" onClick={onDone}>
          {t("我已保存，关闭", "I have saved it; close")}
        </button>
      </div>
      <div role="status">
        {copied === "yes" && <p class="hint">{t("已复制到剪贴板。", "Copied to the clipboard.")}</p>}
        {copied === "no" && <p class="hint">{t("无法访问剪贴板，请手动选中复制。", "The clipboard is not available; select the secret and copy it by hand.")}</p>}
      </div>
    </div>
  );
}
