import type { GeneratedSection } from "./api";
import { Badge } from "../../components/ui/Badge";
import { Button } from "../../components/ui/Button";
import { TextArea } from "../../components/ui/TextArea";
import { useI18n } from "../../lib/i18n";

/** One section of a generated document: its text to edit, its sources, and "write again". */
export function SectionEditor({ section, value, streaming, onChange, onRegenerate }: {
  section: GeneratedSection;
  value: string;
  streaming: boolean;
  onChange: (v: string) => void;
  onRegenerate?: () => void;
}) {
  const { t } = useI18n();
  const id = `sec-${section.key}`;
  return (
    <section className="card tpl-section" aria-labelledby={`${id}-title`}>
      <div className="page-head-row">
        <h2 id={`${id}-title`} className="section-title">{section.title}</h2>
        <div className="toolbar">
          {section.status === "unsupported" && <Badge tone="warn">{t("tpl.unsupported")}</Badge>}
          {section.edited && <Badge>{t("tpl.edited")}</Badge>}
          {onRegenerate && (
            <Button size="sm" onClick={onRegenerate} loading={streaming}
                    aria-label={t("tpl.regenerateSection", { title: section.title })}>
              {t("tpl.regenerate")}
            </Button>
          )}
        </div>
      </div>
      <label htmlFor={id} className="sr-only">{section.title}</label>
      <TextArea id={id} rows={Math.min(16, Math.max(3, value.split("\n").length + 1))} value={value}
                readOnly={streaming} onChange={(e) => onChange(e.target.value)} />
      {(section.sources ?? []).length > 0 && (
        <ol className="tpl-sources" aria-label={t("tpl.sources")}>
          {(section.sources ?? []).map((s) => <li key={s.entry_id}>{s.question}</li>)}
        </ol>
      )}
    </section>
  );
}
