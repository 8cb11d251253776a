import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";
import { useAnswerInvitation, useMyInvitations } from "./hooks";

/** Invitations waiting for the signed-in user; shows nothing when there are none. */
export function MyInvitations() {
  const { t } = useI18n();
  const toast = useToast();
  const { data } = useMyInvitations();
  const { accept, decline } = useAnswerInvitation();
  if (!data || data.length === 0) return null;
  const onError = (err: Error) => toast.show(err.message, "error");
  return (
    <section aria-labelledby="my-invitations-title" className="section">
      <h2 id="my-invitations-title" className="section-title">
        {t("invites.title")}
      </h2>
      <ul className="ws-grid" aria-label={t("invites.title")}>
        {data.map((inv) => (
          <li key={inv.id}>
            <Card className="ws-card">
              <span className="ws-card-name">{inv.workspace_name}</span>
              <span className="muted small">
                {t("invites.from", { name: inv.invited_by ?? "—", role: t(`ws.role.${inv.role}`) })}
              </span>
              <span className="ws-card-meta">
                <Button
                  size="sm"
                  variant="primary"
                  loading={accept.isPending && accept.variables === inv.id}
                  aria-label={`${t("invites.accept")}: ${inv.workspace_name}`}
                  onClick={() =>
                    accept.mutate(inv.id, {
                      onSuccess: (ws) => toast.show(t("invites.accepted", { name: ws.name }), "success"),
                      onError,
                    })
                  }
                >
                  {t("invites.accept")}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`${t("invites.decline")}: ${inv.workspace_name}`}
                  onClick={() => decline.mutate(inv.id, { onError })}
                >
                  {t("invites.decline")}
                </Button>
              </span>
            </Card>
          </li>
        ))}
      </ul>
    </section>
  );
}
