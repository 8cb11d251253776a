import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { authApi } from "../../api/endpoints";
import { tokens } from "../../api/tokens";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";

/** Change one's password (the current one is required); other sessions end, this one goes on. */
export function PasswordChangeDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => authApi.changePassword(current, next),
    onSuccess: (pair) => {
      tokens.set(pair);
      setCurrent("");
      setNext("");
      toast.show(t("account.passwordChanged"), "success");
      onClose();
    },
    onError: (err) => setError(err.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next.length < 8) return setError(t("invite.passwordShort"));
    setError(null);
    change.mutate();
  };
  return (
    <Dialog open={open} title={t("account.changePassword")} onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack">
        <Field label={t("account.currentPassword")}>
          <Input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" />
        </Field>
        <Field label={t("account.newPassword")} hint={t("invite.passwordHint")}>
          <Input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
        </Field>
        {error && <ErrorNote>{error}</ErrorNote>}
        <Button type="submit" variant="primary" loading={change.isPending}>{t("account.changePassword")}</Button>
      </form>
    </Dialog>
  );
}
