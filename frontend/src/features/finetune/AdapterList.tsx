import { Button } from "../../components/ui/Button";
import { useI18n } from "../../lib/i18n";
import { useAdapters, useFinetuneActions } from "./hooks";

/** The workspace's adapter versions with their held-out report; activate one or roll back. */
export function AdapterList({ ws }: { ws: string }) {
  const { t } = useI18n();
  const adapters = useAdapters(ws);
  const actions = useFinetuneActions(ws);
  const items = adapters.data?.items ?? [];
  if (!items.length) return <p className="muted">{t("finetune.noAdapters")}</p>;
  return (
    <div>
      <table className="table" aria-label={t("finetune.adapters")}>
        <thead>
          <tr>
            <th>{t("finetune.version")}</th>
            <th>{t("finetune.before")}</th>
            <th>{t("finetune.after")}</th>
            <th>{t("admin.status")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((a) => {
            const r = a.report as { before?: { mrr: number; hit_at_1: number }; after?: { mrr: number; hit_at_1: number } };
            return (
              <tr key={a.id}>
                <td>v{a.version}</td>
                <td>MRR {r.before?.mrr} · hit@1 {r.before?.hit_at_1}</td>
                <td>MRR {r.after?.mrr} · hit@1 {r.after?.hit_at_1}</td>
                <td>{a.active ? t("finetune.active") : t("finetune.inactive")}</td>
                <td>
                  {!a.active && (
                    <Button onClick={() => actions.activate.mutate(a.id)} disabled={actions.activate.isPending}
                      aria-label={`${t("finetune.activate")} v${a.version}`}>
                      {t("finetune.activate")}
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {adapters.data?.active_id && (
        <Button onClick={() => actions.rollback.mutate()} disabled={actions.rollback.isPending}>
          {t("finetune.rollback")}
        </Button>
      )}
    </div>
  );
}
