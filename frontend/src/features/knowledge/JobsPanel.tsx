import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Job } from "../../api/types";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { useToast } from "../../components/ui/Toast";
import { useI18n } from "../../lib/i18n";
import { JobItem } from "./JobItem";
import { isActive, kbKeys, useJobActions, useJobs } from "./hooks";

/** Every job of the workspace with cancel and retry; keeps the entry list fresh while an import runs. */
export function JobsPanel({ ws, editable }: { ws: string; editable: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const qc = useQueryClient();
  const jobs = useJobs(ws);
  const { cancel, retry } = useJobActions(ws);
  const seen = useRef<Map<string, Job["status"]>>(new Map());
  const items = jobs.data ?? [];

  // Entries appear batch by batch while an import indexes, so refresh the list whenever its progress moves.
  const moving = items.filter(isActive).map((j) => `${j.id}:${j.status}:${j.progress?.stage}:${j.progress?.processed}`);
  const signature = moving.join(",");
  useEffect(() => {
    if (signature) void qc.invalidateQueries({ queryKey: kbKeys.all(ws) });
  }, [signature, ws, qc]);

  // A job that finishes while the screen is open: say so and refresh the entries (a failed import may have
  // stored some of them).
  useEffect(() => {
    for (const job of items) {
      const before = seen.current.get(job.id);
      if (before && (before === "queued" || before === "running") && !isActive(job)) {
        if (job.status === "succeeded") toast.show(t("kb.job.succeeded"), "success");
        if (job.status === "failed") toast.show(t("kb.job.failed"), "error");
        void qc.invalidateQueries({ queryKey: kbKeys.all(ws) });
      }
      seen.current.set(job.id, job.status);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jobs.data]);

  const act = (mutation: typeof cancel) => (id: string) =>
    mutation.mutate(id, { onError: (err) => toast.show(err.message, "error") });

  if (jobs.error) return <ErrorNote>{jobs.error.message}</ErrorNote>;
  if (!items.length) return <p className="muted small">{t("kb.jobsEmpty")}</p>;
  return (
    <ul className="job-list" aria-label={t("kb.jobs")} aria-live="polite">
      {items.map((job) => (
        <JobItem key={job.id} job={job} editable={editable} busy={cancel.isPending || retry.isPending}
          onCancel={act(cancel)} onRetry={act(retry)} />
      ))}
    </ul>
  );
}
