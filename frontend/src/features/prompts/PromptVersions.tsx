import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { formatDate, formatNumber } from "../../lib/format";
import { useI18n } from "../../lib/i18n";
import { labelIn, promptsApi, type LabelName, type PromptDetail, type PromptVersion } from "./api";

/** The version history in one scope (platform or a workspace): labels, feedback and refusals, label moves. */
export function PromptVersions({ prompt, scope, onEdit }: {
  prompt: PromptDetail;
  scope: string | null;
  onEdit: (v: PromptVersion) => void;
}) {
  const { t, locale } = useI18n();
  const qc = useQueryClient();
  const stats = useQuery({
    queryKey: ["admin", "prompts", prompt.key, "stats", scope],
    queryFn: () => promptsApi.stats(prompt.key, scope),
    select: (d) => new Map(d.items.map((s) => [s.version, s])),
  });
  const done = (d: PromptDetail) => {
    qc.setQueryData(["admin", "prompts", prompt.key], d);
    void qc.invalidateQueries({ queryKey: ["admin", "prompts"] });
  };
  const move = useMutation({
    mutationFn: ({ label, version }: { label: LabelName; version: number }) =>
      promptsApi.moveLabel(prompt.key, label, version, scope),
    onSuccess: done,
  });
  const rollback = useMutation({ mutationFn: () => promptsApi.rollback(prompt.key, "production", scope), onSuccess: done });
  const remove = useMutation({
    mutationFn: () => promptsApi.removeLabel(prompt.key, "production", scope),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["admin", "prompts"] }),
  });
  const production = labelIn(prompt.labels, "production", scope);
  const staging = labelIn(prompt.labels, "staging", scope);
  const own = prompt.labels.find((l) => l.label === "production" && l.workspace_id === scope && scope !== null);
  const error = move.error ?? rollback.error ?? remove.error;
  return (
    <section aria-labelledby="prompt-versions-title" className="stack">
      <div className="page-head-row">
        <h3 id="prompt-versions-title">{t("prompts.history")}</h3>
        <div className="row-end">
          {production?.previous_version && (production.workspace_id === scope) && (
            <Button loading={rollback.isPending} onClick={() => rollback.mutate()}>
              {t("prompts.rollback", { version: production.previous_version })}
            </Button>
          )}
          {own && (
            <Button variant="ghost" loading={remove.isPending} onClick={() => remove.mutate()}>
              {t("prompts.removeOverride")}
            </Button>
          )}
        </div>
      </div>
      {error && <ErrorNote>{error.message}</ErrorNote>}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("prompts.version")}</th>
            <th scope="col">{t("prompts.note")}</th>
            <th scope="col">{t("prompts.author")}</th>
            <th scope="col" className="num">{t("admin.messages")}</th>
            <th scope="col" className="num">{t("admin.feedback")}</th>
            <th scope="col" className="num">{t("prompts.refusalRate")}</th>
            <th scope="col"><span className="sr-only">{t("prompts.actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {prompt.versions.map((v) => {
            const s = stats.data?.get(v.version);
            const isProd = production?.version === v.version;
            return (
              <tr key={v.id} aria-label={`v${v.version}`}>
                <th scope="row">
                  v{v.version}{" "}
                  {isProd && <Badge tone="ok">production</Badge>}{" "}
                  {staging?.version === v.version && <Badge tone="accent">staging</Badge>}
                </th>
                <td>{v.builtin ? t("prompts.builtin") : v.note}</td>
                <td className="small">{v.author ?? t("prompts.system")} · {formatDate(v.created_at, locale)}</td>
                <td className="num">{formatNumber(s?.messages, locale)}</td>
                <td className="num">{formatNumber(s?.feedback_up, locale)} / {formatNumber(s?.feedback_down, locale)}</td>
                <td className="num">{s?.refusal_rate == null ? "–" : `${formatNumber(s.refusal_rate * 100, locale, 0)}%`}</td>
                <td className="row-end">
                  <Button size="sm" variant="ghost" onClick={() => onEdit(v)}>{t("prompts.editFrom", { version: v.version })}</Button>
                  <Button size="sm" onClick={() => move.mutate({ label: "staging", version: v.version })}
                    aria-label={t("prompts.toStaging", { version: v.version })}>staging</Button>
                  <Button size="sm" variant="primary" disabled={isProd} onClick={() => move.mutate({ label: "production", version: v.version })}>
                    {t("prompts.activate", { version: v.version })}
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
