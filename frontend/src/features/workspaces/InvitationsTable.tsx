import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Skeleton } from "../../components/ui/Skeleton";
import { useToast } from "../../components/ui/Toast";
import { formatDate } from "../../lib/format";
import { useI18n } from "../../lib/i18n";
import { useInvitationMutations, useInvitations } from "./hooks";

/** A workspace's invitations that wait for an answer, each with a revoke button (owners only). */
export function InvitationsTable({ workspaceId }: { workspaceId: string }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const { data, isPending, error } = useInvitations(workspaceId, true);
  const { revoke } = useInvitationMutations(workspaceId);
  if (isPending) return <Skeleton lines={2} label={t("common.loading")} />;
  if (error) return <ErrorNote>{error.message}</ErrorNote>;
  if (data.length === 0) return <p className="muted small">—</p>;
  const now = Date.now();
  return (
    <Card className="table-card">
      <table className="table" aria-label={t("members.pending")}>
        <thead>
          <tr>
            <th scope="col">{t("members.email")}</th>
            <th scope="col">{t("members.role")}</th>
            <th scope="col">{t("members.expires")}</th>
            <th scope="col">
              <span className="sr-only">{t("members.revoke")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.map((inv) => (
            <tr key={inv.id}>
              <td>{inv.email}</td>
              <td>{t(`ws.role.${inv.role}`)}</td>
              <td>
                {new Date(inv.expires_at).getTime() < now ? t("members.expired") : formatDate(inv.expires_at, locale)}
              </td>
              <td className="cell-actions">
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => revoke.mutate(inv.id, { onError: (err) => toast.show(err.message, "error") })}
                  aria-label={`${t("members.revoke")}: ${inv.email}`}
                >
                  {t("members.revoke")}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
