import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { authApi } from "../api/endpoints";
import { Button } from "../components/ui/Button";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Input } from "../components/ui/Input";
import { useI18n } from "../lib/i18n";

/** An admin's one-time reset link (/reset-password#<token>): choose a new password. */
export function ResetPasswordPage() {
  const { t } = useI18n();
  const token = window.location.hash.slice(1);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const reset = useMutation({ mutationFn: () => authApi.resetPassword(token, password), onError: (e) => setError(e.message) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 8) return setError(t("invite.passwordShort"));
    setError(null);
    reset.mutate();
  };
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>{t("reset.title")}</h1>
        {reset.isSuccess ? (
          <p role="status">{t("reset.done")} <Link to="/login">{t("invite.login")}</Link></p>
        ) : (
          <form onSubmit={submit} noValidate className="stack">
            <Field label={t("account.newPassword")} hint={t("invite.passwordHint")}>
              <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
            </Field>
            {error && <ErrorNote>{error}</ErrorNote>}
            <Button type="submit" variant="primary" loading={reset.isPending}>{t("reset.submit")}</Button>
          </form>
        )}
      </div>
    </main>
  );
}
