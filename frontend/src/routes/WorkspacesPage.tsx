import { Link, useNavigate } from "react-router-dom";
import { Badge } from "../components/ui/Badge";
import { Card } from "../components/ui/Card";
import { EmptyState } from "../components/ui/EmptyState";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { CreateWorkspaceForm } from "../features/workspaces/CreateWorkspaceForm";
import { MyInvitations } from "../features/workspaces/MyInvitations";
import { useWorkspaces } from "../features/workspaces/hooks";
import { formatDate } from "../lib/format";
import { useI18n } from "../lib/i18n";

export function WorkspacesPage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const { data, isPending, error } = useWorkspaces();
  return (
    <div className="page">
      <header className="page-head">
        <h1 className="page-title">{t("ws.title")}</h1>
      </header>
      <MyInvitations />
      <section aria-labelledby="ws-list-title" className="section">
        <h2 id="ws-list-title" className="sr-only">
          {t("ws.title")}
        </h2>
        {isPending ? (
          <Skeleton lines={3} label={t("common.loading")} />
        ) : error ? (
          <ErrorNote>{error.message}</ErrorNote>
        ) : data.length === 0 ? (
          <EmptyState title={t("ws.empty")} hint={t("ws.emptyHint")} />
        ) : (
          <ul className="ws-grid" aria-label={t("ws.title")}>
            {data.map((w) => (
              <li key={w.id}>
                <Card className="ws-card">
                  <Link to={`/w/${w.id}/chat`} className="ws-card-link">
                    <span className="ws-card-name">{w.name}</span>
                  </Link>
                  <span className="ws-card-meta">
                    <Badge tone={w.role === "owner" ? "accent" : "neutral"}>{t(`ws.role.${w.role}`)}</Badge>
                    <span className="muted small">{formatDate(w.created_at, locale)}</span>
                  </span>
                </Card>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="ws-create-title" className="section">
        <h2 id="ws-create-title" className="section-title">
          {t("ws.create")}
        </h2>
        <Card>
          <CreateWorkspaceForm onCreated={(ws) => navigate(`/w/${ws.id}/knowledge`)} />
        </Card>
      </section>
    </div>
  );
}
