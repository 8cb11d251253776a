import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { adminApi } from "../../api/endpoints";
import type { Schemas } from "../../api/types";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { useToast } from "../../components/ui/Toast";
import { formatDate } from "../../lib/format";
import { useI18n } from "../../lib/i18n";

type AdminUser = Schemas["AdminUserRead"];

/** An admin's buttons on a user row: a one-time password reset link, and disabling or enabling the account. */
export function UserActions({ user, isSelf }: { user: AdminUser; isSelf: boolean }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const qc = useQueryClient();
  const [reset, setReset] = useState<Schemas["PasswordResetIssued"] | null>(null);
  const onError = (err: Error) => toast.show(err.message, "error");
  const issue = useMutation({ mutationFn: () => adminApi.resetPassword(user.id), onSuccess: setReset, onError });
  const toggle = useMutation({
    mutationFn: () => adminApi.setActive(user.id, !user.is_active),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["admin", "users"] }),
    onError,
  });
  const url = reset ? `${window.location.origin}${reset.reset_path}` : "";
  return (
    <>
      <Button size="sm" loading={issue.isPending} onClick={() => issue.mutate()} aria-label={`${t("admin.resetPassword")}: ${user.email}`}>
        {t("admin.resetPassword")}
      </Button>{" "}
      {!isSelf && (
        <Button size="sm" variant={user.is_active ? "danger" : "secondary"} loading={toggle.isPending} onClick={() => toggle.mutate()}
          aria-label={`${user.is_active ? t("admin.disable") : t("admin.enable")}: ${user.email}`}>
          {user.is_active ? t("admin.disable") : t("admin.enable")}
        </Button>
      )}
      <Dialog open={!!reset} title={t("admin.resetPassword")} onClose={() => setReset(null)}>
        <p>{t("admin.resetLinkFor", { email: user.email })}</p>
        <label className="sr-only" htmlFor={`reset-${user.id}`}>{t("admin.resetLink")}</label>
        <input id={`reset-${user.id}`} className="input" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        {reset && <p className="muted small">{t("invite.expires", { at: formatDate(reset.expires_at, locale) })}</p>}
        <Button variant="primary" onClick={() => void navigator.clipboard.writeText(url).then(() => toast.show(t("common.copied"), "success"), () => undefined)}>
          {t("invite.copy")}
        </Button>
      </Dialog>
    </>
  );
}
