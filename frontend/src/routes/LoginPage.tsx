import { Navigate, useLocation } from "react-router-dom";
import { useAuth } from "../features/auth/AuthProvider";
import { LoginForm } from "../features/auth/LoginForm";
import { useI18n } from "../lib/i18n";
import { PreferenceButtons } from "./PreferenceButtons";

export function LoginPage() {
  const { t } = useI18n();
  const { loggedIn, login, expired } = useAuth();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  if (loggedIn) return <Navigate to={from} replace />;
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">상</span>
          <span>{t("app.name")}</span>
        </div>
        <h1>{t("auth.title")}</h1>
        <p className="muted">{t("auth.subtitle")}</p>
        <LoginForm onLogin={login} notice={expired ? t("auth.expired") : null} />
        <div className="login-prefs">
          <PreferenceButtons />
        </div>
      </div>
    </main>
  );
}
