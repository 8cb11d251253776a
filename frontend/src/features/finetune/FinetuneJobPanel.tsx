import { useState } from "react";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { Select } from "../../components/ui/Select";
import { useI18n } from "../../lib/i18n";
import { LossChart } from "./LossChart";
import { useFinetuneActions, useFinetuneJob, useFinetuneJobs } from "./hooks";

/** Launch a job, pick one of the workspace's jobs, and watch its loss curve and log grow. */
export function FinetuneJobPanel({ ws }: { ws: string }) {
  const { t } = useI18n();
  const jobs = useFinetuneJobs(ws);
  const actions = useFinetuneActions(ws);
  const [kind, setKind] = useState<"adapter" | "openai">("adapter");
  const [epochs, setEpochs] = useState("10");
  const [picked, setPicked] = useState<string | null>(null);
  const selected = picked ?? jobs.data?.[0]?.id ?? null;
  const job = useFinetuneJob(ws, selected);

  const launch = () => {
    const n = Math.max(1, Math.min(200, Number(epochs) || 1));
    actions.launch.mutate(
      kind === "adapter" ? { kind, adapter: { epochs: n } } : { kind, chat: { n_epochs: Math.min(n, 50) } },
      { onSuccess: (j) => setPicked(j.id) },
    );
  };
  const status = job.data?.job.status;
  return (
    <div>
      <form
        className="form-row"
        aria-label={t("finetune.launch")}
        onSubmit={(e) => {
          e.preventDefault();
          launch();
        }}
      >
        <Field label={t("finetune.kind")}>
          <Select value={kind} onChange={(e) => setKind(e.target.value as "adapter" | "openai")}>
            <option value="adapter">{t("finetune.kindAdapter")}</option>
            <option value="openai">{t("finetune.kindOpenai")}</option>
          </Select>
        </Field>
        <Field label={t("finetune.epochs")}>
          <Input type="number" min={1} max={200} value={epochs} onChange={(e) => setEpochs(e.target.value)} />
        </Field>
        <Button type="submit" disabled={actions.launch.isPending}>
          {t("finetune.launch")}
        </Button>
      </form>
      {actions.launch.error && <ErrorNote>{actions.launch.error.message}</ErrorNote>}
      {!!jobs.data?.length && (
        <Field label={t("finetune.job")}>
          <Select value={selected ?? ""} onChange={(e) => setPicked(e.target.value)}>
            {jobs.data.map((j) => (
              <option key={j.id} value={j.id}>
                {j.kind === "finetune_adapter" ? t("finetune.kindAdapter") : t("finetune.kindOpenai")} ·{" "}
                {new Date(j.created_at).toLocaleString()} · {j.status}
              </option>
            ))}
          </Select>
        </Field>
      )}
      {job.data && (
        <section aria-label={t("finetune.job")}>
          <p role="status">
            {t("admin.status")}: <strong>{status}</strong>
            {job.data.stage ? ` · ${job.data.stage}` : ""} · {job.data.job.progress.processed}/{job.data.job.progress.total}
          </p>
          {job.data.job.error && <ErrorNote>{job.data.job.error}</ErrorNote>}
          {(status === "queued" || status === "running") && (
            <Button onClick={() => actions.cancel.mutate(job.data.job.id)}>{t("finetune.cancel")}</Button>
          )}
          <LossChart metrics={job.data.metrics} />
          <h3 className="section-title">{t("finetune.log")}</h3>
          <ol className="log" aria-label={t("finetune.log")}>
            {job.data.events.map((e) => (
              <li key={e.id} className={e.level === "error" ? "error" : undefined}>
                {e.message}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
