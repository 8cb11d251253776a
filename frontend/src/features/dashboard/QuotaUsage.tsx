import { useQuery } from "@tanstack/react-query";
import { dashboardApi } from "../../api/endpoints";
import { Card } from "../../components/ui/Card";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { ProgressBar } from "../../components/ui/ProgressBar";
import { Skeleton } from "../../components/ui/Skeleton";
import { formatDate, formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";

/** What the workspace has used of its quota today and this month (owners and admins). */
export function QuotaUsage({ workspaceId }: { workspaceId: string }) {
  const { t, locale } = useI18n();
  const query = useQuery({ queryKey: ["workspaces", workspaceId, "quota"], queryFn: () => dashboardApi.quota(workspaceId) });
  if (query.isPending) return <Skeleton lines={2} label={t("common.loading")} />;
  if (query.error) return <ErrorNote>{query.error.message}</ErrorNote>;
  const q = query.data;
  const n = (v: number) => formatNumber(v, locale);
  const rows = [
    { label: t("quota.messagesToday"), used: q.messages_today, limit: q.messages_per_day, resets: q.day_resets_at },
    { label: t("quota.tokensMonth"), used: q.tokens_this_month, limit: q.tokens_per_month, resets: q.month_resets_at },
  ];
  return (
    <Card>
      <ul className="quota-list">
        {rows.map((r) => (
          <li key={r.label}>
            <p>
              <strong>{r.label}</strong>{" "}
              {r.limit === null || r.limit === undefined
                ? t("quota.used", { used: n(r.used), limit: t("quota.unlimited") })
                : t("quota.used", { used: n(r.used), limit: n(r.limit) })}
            </p>
            {r.limit !== null && r.limit !== undefined && <ProgressBar value={r.used} max={r.limit} label={r.label} />}
            <p className="muted small">{t("quota.resets", { at: formatDate(r.resets, locale) })}</p>
          </li>
        ))}
      </ul>
    </Card>
  );
}
