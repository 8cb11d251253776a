import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { knowledgeApi } from "../../api/endpoints";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { ProgressBar } from "../../components/ui/ProgressBar";
import { useToast } from "../../components/ui/Toast";
import { RefreshIcon, UploadIcon } from "../../components/ui/icons";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { kbKeys, useJob } from "./hooks";

// The API sends a job's status and stage as plain strings; these have labels, any other is shown as sent.
const STATUS_LABELS: Partial<Record<string, MessageKey>> = {
  queued: "kb.job.queued",
  running: "kb.job.running",
  succeeded: "kb.job.succeeded",
  failed: "kb.job.failed",
};
const STAGE_LABELS: Partial<Record<string, MessageKey>> = {
  indexing: "kb.stage.indexing",
  embedding_answers: "kb.stage.embedding_answers",
};

/** Upload a FAQ file or start a re-embed, then follow the job's progress (polled every second). */
export function ImportPanel({ ws }: { ws: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const qc = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const job = useJob(ws, jobId);
  const label = (labels: Partial<Record<string, MessageKey>>, value: string) => {
    const key = labels[value];
    return key ? t(key) : value;
  };
  const status = job.data?.status;

  useEffect(() => {
    if (status === "succeeded") toast.show(t("kb.job.succeeded"), "success");
    if (status === "failed") toast.show(t("kb.job.failed"), "error");
    // A failed import may still have stored some entries, so refresh the list either way.
    if (status === "succeeded" || status === "failed") void qc.invalidateQueries({ queryKey: kbKeys.all(ws) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const start = async (run: () => Promise<{ id: string }>) => {
    setStarting(true);
    setError(null);
    try {
      const j = await run();
      setJobId(j.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void start(() => knowledgeApi.importFile(ws, file)).then(() => {
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
    });
  };

  const running = status === "queued" || status === "running";
  const progress = job.data?.progress;
  // An import is searchable once its first stage is done; the second fills in the answers' vectors.
  const stage = status === "running" && progress?.stage ? label(STAGE_LABELS, progress.stage) : null;
  const searchable = progress?.stage === "embedding_answers";

  useEffect(() => {
    if (searchable) void qc.invalidateQueries({ queryKey: kbKeys.all(ws) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchable]);

  return (
    <div className="import-panel">
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="kb-import-file">{t("kb.importFile")}</label>
          <input
            id="kb-import-file"
            ref={fileInput}
            type="file"
            className="input"
            accept=".pkl,.pickle,.json,.jsonl,.csv,.gz"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <Button type="submit" variant="primary" icon={<UploadIcon />} disabled={!file || running} loading={starting}>
          {t("kb.importStart")}
        </Button>
        <Button icon={<RefreshIcon />} disabled={running || starting} onClick={() => void start(() => knowledgeApi.reembed(ws))}>
          {t("kb.reembed")}
        </Button>
      </form>
      {error && <ErrorNote>{error}</ErrorNote>}
      {job.data && (
        <div className="job" aria-live="polite">
          <div className="job-head">
            <span>{job.data.kind}</span>
            <Badge tone={status === "failed" ? "danger" : status === "succeeded" ? "ok" : "accent"}>
              {label(STATUS_LABELS, job.data.status)}
            </Badge>
            {stage && <span className="small">{stage}</span>}
            {progress && (
              <span className="muted small">
                {progress.processed} / {progress.total}
              </span>
            )}
          </div>
          <ProgressBar
            label={t("kb.jobProgress")}
            value={status === "succeeded" ? 1 : progress?.processed ?? 0}
            max={status === "succeeded" ? 1 : progress?.total ?? 0}
          />
          {status === "failed" && job.data.error && <ErrorNote>{job.data.error}</ErrorNote>}
        </div>
      )}
    </div>
  );
}
