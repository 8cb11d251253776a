import type { Job } from "../../api/types";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { ProgressBar } from "../../components/ui/ProgressBar";
import { formatDate } from "../../lib/format";
import { useI18n, type MessageKey } from "../../lib/i18n";
import { isActive } from "./hooks";

const TONES = { queued: "accent", running: "accent", succeeded: "ok", failed: "danger", cancelled: "warn" } as const;

interface Props {
  job: Job;
  editable: boolean;
  busy?: boolean;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
}

/** One job: what it is, its status and stage, progress, error, and cancel or retry for editors. */
export function JobItem({ job, editable, busy, onCancel, onRetry }: Props) {
  const { t, locale } = useI18n();
  const kindKey = `kb.kind.${job.kind}` as MessageKey;
  const kind = t(kindKey) === kindKey ? job.kind : t(kindKey);
  const progress = job.progress;
  // An import is searchable once its first stage is done; the second fills in the answers' vectors.
  const stageKey = `kb.stage.${progress?.stage}` as MessageKey;
  const stage = job.status === "running" && progress?.stage ? (t(stageKey) === stageKey ? progress.stage : t(stageKey)) : null;
  const done = job.status === "succeeded";
  const cancelling = isActive(job) && job.cancel_requested;
  return (
    <li className="job" aria-label={`${kind} ${t(`kb.job.${job.status}`)}`}>
      <div className="job-head">
        <span>{kind}</span>
        <Badge tone={TONES[job.status]}>{cancelling ? t("kb.jobCancelling") : t(`kb.job.${job.status}`)}</Badge>
        {stage && <span className="small">{stage}</span>}
        {progress && progress.total > 0 && (
          <span className="muted small">
            {progress.processed} / {progress.total}
          </span>
        )}
        <span className="muted small grow">{formatDate(job.created_at, locale)}</span>
        {editable && isActive(job) && !cancelling && (
          <Button size="sm" disabled={busy} onClick={() => onCancel(job.id)}>
            {t("kb.jobCancel")}
          </Button>
        )}
        {editable && (job.status === "failed" || job.status === "cancelled") && (
          <Button size="sm" disabled={busy} onClick={() => onRetry(job.id)}>
            {t("kb.jobRetry")}
          </Button>
        )}
      </div>
      <ProgressBar
        label={`${t("kb.jobProgress")}: ${kind}`}
        value={done ? 1 : progress?.processed ?? 0}
        max={done ? 1 : progress?.total ?? 0}
      />
      {job.status === "failed" && job.error && <ErrorNote>{job.error}</ErrorNote>}
    </li>
  );
}
