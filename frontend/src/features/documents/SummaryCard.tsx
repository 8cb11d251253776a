import { Badge } from "../../components/ui/Badge";
import { formatDate } from "../../lib/format";
import { useI18n } from "../../lib/i18n";
import type { Summary } from "./api";

/** One saved summary with its parameters, and the pages it cites (each opens the preview there). */
export function SummaryCard({ summary, onPage }: { summary: Summary; onPage: (page: number) => void }) {
  const { t, locale } = useI18n();
  const pages = [...new Set(summary.citations.map((c) => c.page).filter((p): p is number => p != null))].sort((a, b) => a - b);
  return (
    <li className="card summary-card" aria-label={`${t("docs.summary")} ${formatDate(summary.created_at, locale)}`}>
      <div className="summary-meta">
        <Badge tone={summary.status === "complete" ? "ok" : "warn"}>{t(`docs.summaryStatus.${summary.status}`)}</Badge>
        <Badge>{t(`docs.length.${summary.length}`)}</Badge>
        <Badge>{t(`docs.format.${summary.format}`)}</Badge>
        <Badge tone="accent">{t(`docs.mode.${summary.mode}`)}</Badge>
        <span className="muted small">{formatDate(summary.created_at, locale)}</span>
      </div>
      {summary.focus && <p className="muted small">{t("docs.summaryFocus")}: {summary.focus}</p>}
      <p className="summary-text">{summary.content}</p>
      {pages.length > 0 && (
        <p className="small">
          {t("docs.citedPages")}{" "}
          {pages.map((p) => (
            <button key={p} type="button" className="link-button" onClick={() => onPage(p)}>
              p.{p}
            </button>
          ))}
        </p>
      )}
    </li>
  );
}
