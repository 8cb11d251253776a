import { Link } from "react-router-dom";
import { Badge } from "../../components/ui/Badge";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { IconButton } from "../../components/ui/IconButton";
import { ProgressBar } from "../../components/ui/ProgressBar";
import { TrashIcon } from "../../components/ui/icons";
import { useI18n, type MessageKey } from "../../lib/i18n";
import type { DocumentItem } from "./api";
import { isIndexing } from "./hooks";

const TONES = { queued: "accent", indexing: "accent", ready: "ok", failed: "danger" } as const;

/** One document: its name and type, status and indexing stage with progress, and delete for editors. */
export function DocumentRow({ ws, doc, editable, onDelete }: { ws: string; doc: DocumentItem; editable: boolean; onDelete: (d: DocumentItem) => void }) {
  const { t } = useI18n();
  const job = doc.indexing;
  const stage = isIndexing(doc) && job?.stage ? t(`docs.stage.${job.stage}` as MessageKey) : null;
  return (
    <li className="doc-row" aria-label={`${doc.filename} ${t(`docs.status.${doc.status}`)}`}>
      <div className="doc-row-head">
        <Link to={`/w/${ws}/documents/${doc.id}`} className="doc-name">
          {doc.title}
        </Link>
        <Badge>{doc.file_type.toUpperCase()}</Badge>
        <Badge tone={TONES[doc.status]}>{t(`docs.status.${doc.status}`)}</Badge>
        {stage && <span className="small">{stage}</span>}
        {doc.page_count > 0 && <span className="muted small">{t("docs.pages", { n: doc.page_count })}</span>}
        {doc.status === "ready" && <span className="muted small">{t("docs.pieces", { n: doc.piece_count })}</span>}
        {doc.version > 1 && <span className="muted small">v{doc.version}</span>}
        <span className="grow" />
        {editable && (
          <IconButton label={`${t("common.delete")}: ${doc.filename}`} onClick={() => onDelete(doc)}>
            <TrashIcon />
          </IconButton>
        )}
      </div>
      {isIndexing(doc) && (
        <ProgressBar label={`${t("docs.progress")}: ${doc.filename}`} value={job?.processed ?? 0} max={job?.total ?? 0} />
      )}
      {doc.status === "failed" && doc.error && <ErrorNote>{doc.error}</ErrorNote>}
    </li>
  );
}
