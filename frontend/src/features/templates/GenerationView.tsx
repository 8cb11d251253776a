import { Link } from "react-router-dom";
import type { GenerationState } from "./streaming";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { useI18n } from "../../lib/i18n";

/** The sections as they stream in, with their sources; a link to the editor once the document is written. */
export function GenerationView({ ws, state }: { ws: string; state: GenerationState }) {
  const { t } = useI18n();
  return (
    <section className="tpl-stream" aria-label={t("tpl.preview")} aria-live="polite" aria-busy={!state.done}>
      {state.sections.map((s) => (
        <article key={s.key} className="card tpl-section" aria-label={s.title}>
          <h3>{s.title}</h3>
          <p className="tpl-text">{s.text}</p>
          {s.sources.length > 0 && (
            <ol className="tpl-sources" aria-label={t("tpl.sources")}>
              {s.sources.map((src) => <li key={src.entry_id}>{src.question}</li>)}
            </ol>
          )}
        </article>
      ))}
      {state.error && <ErrorNote>{state.error}</ErrorNote>}
      {state.done && state.documentId && (
        <Link className="btn btn-primary btn-md" to={`/w/${ws}/templates/documents/${state.documentId}`}>
          {t("tpl.openEditor")}
        </Link>
      )}
    </section>
  );
}
