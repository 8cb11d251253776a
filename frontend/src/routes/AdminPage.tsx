import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { adminApi } from "../api/endpoints";
import { Badge } from "../components/ui/Badge";
import { Button } from "../components/ui/Button";
import { Dialog } from "../components/ui/Dialog";
import { Card } from "../components/ui/Card";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { UserActions } from "../features/admin/UserActions";
import { useAuth } from "../features/auth/AuthProvider";
import { LazyDashboardView as DashboardView } from "../features/dashboard/LazyDashboardView";
import { QuotaEditor } from "../features/dashboard/QuotaEditor";
import { formatDate, formatNumber } from "../lib/format";
import { useI18n } from "../lib/i18n";
import { StatusPage } from "./StatusPage";

type Tab = "dashboard" | "usage" | "users" | "workspaces" | "jobs";
const JOB_TONES = { queued: "accent", running: "accent", succeeded: "ok", failed: "danger", cancelled: "warn" } as const;

export function AdminPage() {
  const { me, loadingMe } = useAuth();
  const { t } = useI18n();
  if (loadingMe) return <div className="page"><Skeleton lines={4} label={t("common.loading")} /></div>;
  if (!me?.is_admin) return <StatusPage kind="forbidden" />;
  return <AdminContent />;
}

function AdminContent() {
  const { t, locale } = useI18n();
  const { me } = useAuth();
  const [tab, setTab] = useState<Tab>("dashboard");
  const [quotaFor, setQuotaFor] = useState<{ id: string; name: string } | null>(null);
  const users = useQuery({ queryKey: ["admin", "users"], queryFn: adminApi.users, select: (d) => d.items });
  const workspaces = useQuery({ queryKey: ["admin", "workspaces"], queryFn: adminApi.workspaces, select: (d) => d.items });
  const usage = useQuery({ queryKey: ["admin", "usage"], queryFn: adminApi.usage, select: (d) => d.items });
  const jobs = useQuery({ queryKey: ["admin", "jobs"], queryFn: adminApi.jobs, select: (d) => d.items,
    enabled: tab === "jobs", refetchInterval: 5000 });
  const tabs: { id: Tab; label: string }[] = [
    { id: "dashboard", label: t("dash.title") },
    { id: "usage", label: t("admin.usage") },
    { id: "users", label: t("admin.users") },
    { id: "workspaces", label: t("admin.workspaces") },
    { id: "jobs", label: t("admin.jobs") },
  ];
  const n = (v: number | null | undefined, d = 0) => formatNumber(v, locale, d);

  return (
    <div className="page page-wide">
      <header className="page-head">
        <h1 className="page-title">{t("admin.title")}</h1>
        <p><Link to="/admin/prompts">{t("prompts.title")} →</Link></p>
      </header>
      <div className="tabs" role="tablist" aria-label={t("admin.title")}>
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`tab-${x.id}`}
            aria-selected={tab === x.id}
            aria-controls={`panel-${x.id}`}
            className="tab"
            onClick={() => setTab(x.id)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "dashboard" && <DashboardView queryKey={["admin"]} load={adminApi.dashboard} />}
        {tab === "usage" && (
          <QueryTable query={usage}>
            {(rows) => (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("admin.workspaces")}</th>
                    <th scope="col" className="num">{t("admin.messages")}</th>
                    <th scope="col" className="num">{t("admin.refusals")}</th>
                    <th scope="col" className="num">{t("admin.feedback")}</th>
                    <th scope="col" className="num">{t("admin.tokens")}</th>
                    <th scope="col" className="num">{t("admin.latency")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.workspace_id}>
                      <td>{r.workspace_name}</td>
                      <td className="num">{n(r.messages)}</td>
                      <td className="num">{n(r.refusals)}</td>
                      <td className="num">{n(r.feedback_up)} / {n(r.feedback_down)}</td>
                      <td className="num">{n(r.prompt_tokens)} / {n(r.completion_tokens)}</td>
                      <td className="num">{n(r.latency_p50_ms)} / {n(r.latency_p95_ms)} ms</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryTable>
        )}
        {tab === "users" && (
          <QueryTable query={users}>
            {(rows) => (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("members.name")}</th>
                    <th scope="col">{t("members.email")}</th>
                    <th scope="col">{t("members.role")}</th>
                    <th scope="col" className="num">{t("admin.workspaces")}</th>
                    <th scope="col">{t("admin.created")}</th>
                    <th scope="col"><span className="sr-only">{t("admin.actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((u) => (
                    <tr key={u.id}>
                      <td>{u.name}</td>
                      <td>{u.email}</td>
                      <td>
                        {u.is_admin && <Badge tone="accent">{t("admin.admin")}</Badge>}{" "}
                        <Badge tone={u.is_active ? "ok" : "warn"}>{u.is_active ? t("admin.active") : t("admin.inactive")}</Badge>
                      </td>
                      <td className="num">{n(u.workspaces)}</td>
                      <td>{formatDate(u.created_at, locale)}</td>
                      <td className="cell-actions"><UserActions user={u} isSelf={u.id === me?.id} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryTable>
        )}
        {tab === "workspaces" && (
          <QueryTable query={workspaces}>
            {(rows) => (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("ws.name")}</th>
                    <th scope="col">slug</th>
                    <th scope="col" className="num">{t("admin.members")}</th>
                    <th scope="col" className="num">{t("admin.entries")}</th>
                    <th scope="col">{t("admin.created")}</th>
                    <th scope="col"><span className="sr-only">{t("quota.title")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((w) => (
                    <tr key={w.id}>
                      <td>{w.name}</td>
                      <td><code>{w.slug}</code></td>
                      <td className="num">{n(w.members)}</td>
                      <td className="num">{n(w.entries)}</td>
                      <td>{formatDate(w.created_at, locale)}</td>
                      <td className="cell-actions">
                        <Button size="sm" onClick={() => setQuotaFor({ id: w.id, name: w.name })}
                          aria-label={`${t("quota.title")}: ${w.name}`}>
                          {t("quota.title")}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryTable>
        )}
        {tab === "jobs" && (
          <QueryTable query={jobs}>
            {(rows) => (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t("admin.workspaces")}</th>
                    <th scope="col">{t("admin.jobs")}</th>
                    <th scope="col">{t("admin.status")}</th>
                    <th scope="col" className="num">{t("kb.jobProgress")}</th>
                    <th scope="col">{t("admin.created")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((j) => (
                    <tr key={j.id}>
                      <td>{j.workspace_name}</td>
                      <td><code>{j.kind}</code></td>
                      <td>
                        <Badge tone={JOB_TONES[j.status]}>{t(`kb.job.${j.status}`)}</Badge>
                        {j.error && <span className="muted small"> {j.error}</span>}
                      </td>
                      <td className="num">{n(j.progress?.processed)} / {n(j.progress?.total)}</td>
                      <td>{formatDate(j.created_at, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryTable>
        )}
      </div>
      <Dialog open={!!quotaFor} title={`${t("quota.title")}: ${quotaFor?.name ?? ""}`} onClose={() => setQuotaFor(null)}>
        {quotaFor && <QuotaEditor workspaceId={quotaFor.id} onSaved={() => setQuotaFor(null)} />}
      </Dialog>
    </div>
  );
}

function QueryTable<T>({
  query,
  children,
}: {
  query: { data?: T[]; isPending: boolean; error: Error | null };
  children: (rows: T[]) => React.ReactNode;
}) {
  const { t } = useI18n();
  if (query.isPending) return <Skeleton lines={5} label={t("common.loading")} />;
  if (query.error) return <ErrorNote>{query.error.message}</ErrorNote>;
  return <Card className="table-card">{children(query.data ?? [])}</Card>;
}
