import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";

/** The invite link just made, shown once to the inviter with a copy button (no mail is sent). */
export function InviteLinkNotice({ email, path, onDismiss }: { email: string; path: string; onDismiss: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const url = `${window.location.origin}${path}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      toast.show(t("common.copied"), "success");
    } catch {
      toast.show(t("invite.copyFailed"), "error");
    }
  };
  return (
    <Card className="invite-link">
      <p>{t("invite.linkFor", { email })}</p>
      <label className="sr-only" htmlFor="invite-link-url">{t("invite.link")}</label>
      <input id="invite-link-url" className="input" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      <p className="muted small">{t("invite.linkHint")}</p>
      <div className="inline-form">
        <Button variant="primary" onClick={() => void copy()}>{t("invite.copy")}</Button>
        <Button variant="ghost" onClick={onDismiss}>{t("common.close")}</Button>
      </div>
    </Card>
  );
}
