import { Skeleton } from "../../components/ui/Skeleton";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { useI18n } from "../../lib/i18n";
import type { DocumentItem } from "./api";
import { useDocumentText } from "./hooks";

/** The document's text as extracted, one page at a time for a PDF (where a chat source or a summary points). */
export function DocumentPreview({ ws, doc, page, onPage }: { ws: string; doc: DocumentItem; page: number | null; onPage: (p: number | null) => void }) {
  const { t } = useI18n();
  const paged = doc.page_count > 0;
  const current = paged ? page ?? 1 : null;
  const text = useDocumentText(ws, doc.id, current);
  return (
    <section className="section" aria-labelledby="doc-preview-title">
      <div className="page-head-row">
        <h2 id="doc-preview-title" className="section-title">
          {t("docs.preview")}
          {current != null && ` · p.${current}`}
        </h2>
        {paged && (
          <div className="field inline-field">
            <label htmlFor="doc-page">{t("docs.page")}</label>
            <input id="doc-page" type="number" className="input" min={1} max={doc.page_count} value={current ?? 1}
              onChange={(e) => onPage(Math.min(doc.page_count, Math.max(1, Number(e.target.value) || 1)))} />
            <span className="muted small">/ {doc.page_count}</span>
          </div>
        )}
      </div>
      {text.isPending ? (
        <Skeleton lines={5} label={t("common.loading")} />
      ) : text.error ? (
        <ErrorNote>{text.error.message}</ErrorNote>
      ) : (
        <div className="card doc-text" aria-label={t("docs.preview")}>
          {text.data.units.map((u, i) =>
            u.kind === "heading" ? <h3 key={i}>{u.text}</h3> : <p key={i} className={u.kind === "table" ? "doc-table-row" : undefined}>{u.text}</p>,
          )}
        </div>
      )}
    </section>
  );
}
