import { dashboardApi } from "../api/endpoints";
import { LazyDashboardView as DashboardView } from "../features/dashboard/LazyDashboardView";
import { QuotaUsage } from "../features/dashboard/QuotaUsage";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

/** A workspace's dashboard and its quota usage (owners). */
export function WorkspaceDashboardPage() {
  const { t } = useI18n();
  const ws = useCurrentWorkspace();
  if (ws.role !== "owner") return <StatusPage kind="forbidden" />;
  return (
    <div className="page page-wide">
      <header className="page-head">
        <h1 className="page-title">{t("dash.title")}</h1>
        <p className="muted">{ws.name}</p>
      </header>
      <section className="section" aria-labelledby="quota-title">
        <h2 id="quota-title" className="section-title">{t("quota.title")}</h2>
        <QuotaUsage workspaceId={ws.id} />
      </section>
      <DashboardView queryKey={["workspaces", ws.id]} load={(p) => dashboardApi.get(ws.id, p)} />
    </div>
  );
}
