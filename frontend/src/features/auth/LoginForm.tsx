import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { useI18n } from "../../lib/i18n";

export interface LoginFormProps {
  onLogin: (email: string, password: string) => Promise<void>;
  notice?: string | null;
}

/** Email + password form; failures are shown inline above the button. */
export function LoginForm({ onLogin, notice }: LoginFormProps) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError(t("auth.required"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onLogin(email.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 400 || err.status === 422)) {
        setError(t("auth.invalid"));
      } else if (err instanceof ApiError && err.status === 429) {
        setError(t("auth.tooMany"));
      } else {
        setError(err instanceof Error ? `${t("common.error")}: ${err.message}` : t("common.error"));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="login-form" onSubmit={submit} noValidate aria-label={t("auth.title")}>
      {notice && !error && <p className="notice">{notice}</p>}
      <Field label={t("auth.email")}>
        <Input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
      </Field>
      <Field label={t("auth.password")}>
        <Input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      {error && <ErrorNote>{error}</ErrorNote>}
      <Button type="submit" variant="primary" loading={busy} className="btn-block">
        {busy ? t("auth.submitting") : t("auth.submit")}
      </Button>
    </form>
  );
}
