import { useContext, useId, useState } from "react";
import { Link, useInRouterContext } from "react-router-dom";
import type { Source } from "../../api/types";
import { WorkspaceContext } from "../workspaces/WorkspaceContext";
import { useI18n } from "../../lib/i18n";
import { ChevronIcon } from "../../components/ui/icons";

function formatScore(n: number | undefined): string {
  return typeof n === "number" && Number.isFinite(n) ? n.toFixed(2) : "–";
}

/** Collapsible list of the knowledge entries an answer came from. */
export function SourceList({ sources }: { sources: Source[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  if (sources.length === 0) return null;
  return (
    <div className={`sources ${open ? "is-open" : ""}`}>
      <button
        type="button"
        className="sources-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <ChevronIcon />
        {t("chat.sources", { n: sources.length })}
      </button>
      {open && (
        <ul id={panelId} className="sources-list" aria-label={t("chat.sources", { n: sources.length })}>
          {sources.map((s, i) => (
            <li key={`${s.entry_id}-${i}`} className="source">
              {s.kind === "document" && s.document_id ? (
                <DocumentSourceTitle source={s} />
              ) : (
                <span className="source-title">{s.question}</span>
              )}
              <span className="source-meta">
                {s.category && <span className="badge badge-neutral" title={t("chat.category")}>{s.category}</span>}
                <span className="source-score">
                  {t("chat.score")} {formatScore(s.score)}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A document's piece: the document and page (or section), opening the preview there. */
function DocumentSourceTitle({ source }: { source: Source }) {
  const { t } = useI18n();
  const ws = useContext(WorkspaceContext);
  const routed = useInRouterContext();
  const label = source.page != null
    ? t("chat.sourcePage", { title: source.document_title ?? source.question, page: source.page })
    : [source.document_title ?? source.question, source.section].filter(Boolean).join(" · ");
  if (!ws || !routed) return <span className="source-title">{label}</span>;
  const to = `/w/${ws.id}/documents/${source.document_id}${source.page != null ? `?page=${source.page}` : ""}`;
  return (
    <Link className="source-title" to={to}>
      {label}
    </Link>
  );
}
