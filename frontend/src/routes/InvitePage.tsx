import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { invitationApi } from "../api/endpoints";
import { authApi } from "../api/endpoints";
import { tokens } from "../api/tokens";
import { Button } from "../components/ui/Button";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Input } from "../components/ui/Input";
import { Skeleton } from "../components/ui/Skeleton";
import { useAuth } from "../features/auth/AuthProvider";
import { formatDate } from "../lib/format";
import { useI18n } from "../lib/i18n";
import { PreferenceButtons } from "./PreferenceButtons";

/** The invite link's page (/invite#<token>): sign up with the invited email, or join as that logged-in user. */
export function InvitePage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const { loggedIn, me } = useAuth();
  const token = window.location.hash.slice(1);
  const preview = useQuery({ queryKey: ["invite", token], queryFn: () => invitationApi.preview(token), enabled: !!token, retry: false });
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const signup = useMutation({
    mutationFn: () => authApi.signup(token, name.trim(), password),
    onSuccess: (pair) => {
      tokens.set(pair);
      window.location.assign("/workspaces"); // a fresh start with the new account's session
    },
    onError: (err) => setError(err.message),
  });
  const join = useMutation({
    mutationFn: () => invitationApi.redeem(token),
    onSuccess: (ws) => navigate(`/w/${ws.id}/chat`, { replace: true }),
    onError: (err) => setError(err.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 8) {
      setError(t("invite.passwordShort"));
      return;
    }
    setError(null);
    signup.mutate();
  };
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">상</span>
          <span>{t("app.name")}</span>
        </div>
        <h1>{t("invite.title")}</h1>
        {!token || preview.error ? (
          <ErrorNote>{t("invite.invalid")}</ErrorNote>
        ) : preview.isPending ? (
          <Skeleton lines={3} label={t("common.loading")} />
        ) : (
          <>
            <p>{t("invite.body", { workspace: preview.data.workspace_name, role: t(`ws.role.${preview.data.role}`) })}</p>
            <p className="muted small">{t("invite.expires", { at: formatDate(preview.data.expires_at, locale) })}</p>
            {loggedIn && me ? (
              me.email === preview.data.email ? (
                <Button variant="primary" loading={join.isPending} onClick={() => join.mutate()}>{t("invite.join")}</Button>
              ) : (
                <p className="notice">{t("invite.otherAccount", { email: preview.data.email })}</p>
              )
            ) : (
              <form onSubmit={submit} noValidate className="stack">
                <Field label={t("members.email")}>
                  <Input type="email" value={preview.data.email} readOnly />
                </Field>
                <Field label={t("members.name")}>
                  <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
                </Field>
                <Field label={t("invite.password")} hint={t("invite.passwordHint")}>
                  <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
                </Field>
                <Button type="submit" variant="primary" loading={signup.isPending}>{t("invite.signup")}</Button>
                <p className="muted small">
                  {t("invite.haveAccount")} <Link to="/login" state={{ from: `/invite#${token}` }}>{t("invite.login")}</Link>
                </p>
              </form>
            )}
            {error && <ErrorNote>{error}</ErrorNote>}
          </>
        )}
        <div className="login-prefs">
          <PreferenceButtons />
        </div>
      </div>
    </main>
  );
}
