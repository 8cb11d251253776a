import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useMatch } from "react-router-dom";
import { Button } from "../components/ui/Button";
import { IconButton } from "../components/ui/IconButton";
import { BookIcon, ChatIcon, GearIcon, LogoutIcon, MenuIcon, PencilIcon, PlusIcon, ShieldIcon, UploadIcon, UsersIcon } from "../components/ui/icons";
import { useAuth } from "../features/auth/AuthProvider";
import { SessionList } from "../features/chat/SessionList";
import { PasswordChangeDialog } from "../features/auth/PasswordChangeDialog";
import { useWorkspace } from "../features/workspaces/hooks";
import { WorkspaceSwitcher } from "../features/workspaces/WorkspaceSwitcher";
import { useI18n } from "../lib/i18n";
import { PreferenceButtons } from "./PreferenceButtons";

/** Sidebar (workspace switcher, navigation, conversations, account) + the routed page. */
export function AppShell() {
  const { t } = useI18n();
  const { me, logout } = useAuth();
  const location = useLocation();
  const wsMatch = useMatch("/w/:workspaceId/*");
  const chatMatch = useMatch("/w/:workspaceId/chat/:sessionId");
  const wsId = wsMatch?.params.workspaceId;
  const [menuOpen, setMenuOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const role = useWorkspace(wsId ?? "", !!wsId).data?.role;

  useEffect(() => setMenuOpen(false), [location.pathname]);

  return (
    <div className={`shell ${menuOpen ? "menu-open" : ""}`}>
      <a href="#main" className="skip-link">
        {t("nav.skip")}
      </a>
      <aside className="sidebar">
        <div className="sidebar-top">
          <Link to="/workspaces" className="brand">
            <span className="brand-mark" aria-hidden="true">상</span>
            <span>{t("app.name")}</span>
          </Link>
          <WorkspaceSwitcher currentId={wsId} />
          {wsId && (
            <Link to={`/w/${wsId}/chat`} className="btn btn-secondary btn-md btn-block new-chat">
              <PlusIcon />
              {t("chat.newChat")}
            </Link>
          )}
        </div>
        <nav className="nav" aria-label={t("nav.main")}>
          {wsId && (
            <>
              <NavLink to={`/w/${wsId}/chat`} className="nav-link">
                <ChatIcon /> {t("nav.chat")}
              </NavLink>
              <NavLink to={`/w/${wsId}/knowledge`} className="nav-link">
                <BookIcon /> {t("nav.knowledge")}
              </NavLink>
              <NavLink to={`/w/${wsId}/documents`} className="nav-link">
                <UploadIcon /> {t("nav.documents")}
              </NavLink>
              <NavLink to={`/w/${wsId}/templates`} className="nav-link">
                <PencilIcon /> {t("nav.templates")}
              </NavLink>
              <NavLink to={`/w/${wsId}/settings`} className="nav-link">
                <GearIcon /> {t("nav.settings")}
              </NavLink>
              <NavLink to={`/w/${wsId}/members`} className="nav-link">
                <UsersIcon /> {t("nav.members")}
              </NavLink>
              {role === "owner" && (
                <NavLink to={`/w/${wsId}/dashboard`} className="nav-link">
                  <ShieldIcon /> {t("nav.dashboard")}
                </NavLink>
              )}
              {(role === "owner" || role === "editor") && (
                <NavLink to={`/w/${wsId}/review`} className="nav-link">
                  <BookIcon /> {t("nav.review")}
                </NavLink>
              )}
              {role === "owner" && (
                <NavLink to={`/w/${wsId}/finetune`} className="nav-link">
                  <GearIcon /> {t("nav.finetune")}
                </NavLink>
              )}
            </>
          )}
          <NavLink to="/workspaces" end className="nav-link">
            <MenuIcon /> {t("nav.workspaces")}
          </NavLink>
          {me?.is_admin && (
            <NavLink to="/admin" className="nav-link">
              <ShieldIcon /> {t("nav.admin")}
            </NavLink>
          )}
        </nav>
        {wsId && <SessionList ws={wsId} activeId={chatMatch?.params.sessionId} />}
        <div className="sidebar-bottom">
          <PreferenceButtons />
          <div className="account">
            <div className="account-id">
              <span className="avatar avatar-sm" aria-hidden="true">
                {(me?.name || me?.email || "?").slice(0, 1).toUpperCase()}
              </span>
              <span className="account-text">
                <span className="account-name">{me?.name || "…"}</span>
                <span className="account-email">{me?.email}</span>
              </span>
            </div>
            <Button variant="ghost" size="sm" onClick={() => setPasswordOpen(true)}>
              {t("account.changePassword")}
            </Button>
            <Button variant="ghost" size="sm" icon={<LogoutIcon />} onClick={() => void logout()}>
              {t("nav.logout")}
            </Button>
          </div>
        </div>
      </aside>
      <div className="main-wrap">
        <div className="mobile-bar">
          <IconButton label={t("nav.openMenu")} onClick={() => setMenuOpen((o) => !o)} aria-expanded={menuOpen}>
            <MenuIcon />
          </IconButton>
          <span className="brand">{t("app.name")}</span>
        </div>
        <main id="main" className="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <PasswordChangeDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
      {menuOpen && <div className="scrim" onClick={() => setMenuOpen(false)} aria-hidden="true" />}
    </div>
  );
}
