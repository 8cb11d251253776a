import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { dashboardApi } from "../../api/endpoints";
import type { ReviewItem } from "../../api/types";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Skeleton } from "../../components/ui/Skeleton";
import { useToast } from "../../components/ui/Toast";
import { formatDate } from "../../lib/format";
import { useI18n } from "../../lib/i18n";

/** Recent answers rated down or refused; each cited or suggested entry can take the question as an alias in one
 * click, or be opened for editing. */
export function ReviewQueue({ workspaceId }: { workspaceId: string }) {
  const { t } = useI18n();
  const query = useQuery({ queryKey: ["workspaces", workspaceId, "review"], queryFn: () => dashboardApi.review(workspaceId) });
  if (query.isPending) return <Skeleton lines={4} label={t("common.loading")} />;
  if (query.error) return <ErrorNote>{query.error.message}</ErrorNote>;
  if (query.data.items.length === 0) return <EmptyState title={t("review.empty")} />;
  return (
    <ul className="review-list" aria-label={t("review.title")}>
      {query.data.items.map((item) => <ReviewCard key={item.message_id} workspaceId={workspaceId} item={item} />)}
    </ul>
  );
}

function ReviewCard({ workspaceId, item }: { workspaceId: string; item: ReviewItem }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const alias = useMutation({
    mutationFn: (entryId: string) => dashboardApi.addAlias(workspaceId, item.message_id, entryId),
    onSuccess: (r) => toast.show(r.added ? t("review.aliasAdded", { alias: r.alias }) : t("review.aliasKnown"), "success"),
    onError: (err) => toast.show(err.message, "error"),
  });
  const candidates = [
    ...item.sources.map((s) => ({ entry_id: s.entry_id, question: s.question })),
    ...item.followups.filter((f) => f.entry_id).map((f) => ({ entry_id: f.entry_id as string, question: f.question })),
  ].filter((c, i, all) => all.findIndex((o) => o.entry_id === c.entry_id) === i);
  return (
    <li>
      <Card className="review-card">
        <p className="muted small">
          {formatDate(item.created_at, locale)}{" "}
          {item.refused && <Badge tone="warn">{t("review.refused")}</Badge>}{" "}
          {item.feedback === -1 && <Badge tone="danger">{t("review.ratedDown")}</Badge>}
        </p>
        <h3 className="review-question">{item.question}</h3>
        {item.standalone_query && item.standalone_query !== item.question && (
          <p className="muted small">{t("review.understoodAs", { q: item.standalone_query })}</p>
        )}
        <p className="review-answer">{item.answer}</p>
        {candidates.length > 0 && (
          <table className="table" aria-label={t("review.entries")}>
            <tbody>
              {candidates.map((c) => (
                <tr key={c.entry_id}>
                  <td>{c.question}</td>
                  <td className="cell-actions">
                    <Button size="sm" loading={alias.isPending && alias.variables === c.entry_id}
                      onClick={() => alias.mutate(c.entry_id)} aria-label={`${t("review.addAlias")}: ${c.question}`}>
                      {t("review.addAlias")}
                    </Button>{" "}
                    <Link className="btn btn-ghost btn-sm" to={`/w/${workspaceId}/knowledge?edit=${c.entry_id}`}>
                      {t("review.openEntry")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </li>
  );
}
