import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { Button } from "../components/ui/Button";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Field } from "../components/ui/Field";
import { Input } from "../components/ui/Input";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { documentsApi, templatesApi, type ExportFormat } from "../features/templates/api";
import { tplKeys, useDocument, useRevisions } from "../features/templates/hooks";
import { SectionEditor } from "../features/templates/SectionEditor";
import { useGeneration } from "../features/templates/useGeneration";
import { useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";
import { useQueryClient } from "@tanstack/react-query";

/** A generated document: edit each section by hand or write one again, then download it. */
export function GeneratedDocumentPage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const { documentId = "" } = useParams();
  const qc = useQueryClient();
  const doc = useDocument(ws.id, documentId);
  const revisions = useRevisions(ws.id, documentId);
  const [title, setTitle] = useState("");
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const regen = useGeneration(ws.id);
  const [regenKey, setRegenKey] = useState<string | null>(null);

  useEffect(() => {
    if (!doc.data) return;
    setTitle(doc.data.title);
    setTexts(Object.fromEntries(doc.data.sections.map((s) => [s.key, s.content])));
  }, [doc.data]);

  // While a section is written again, its text follows the stream; at the end the saved document is read again.
  const streamed = regen.state.sections.find((s) => s.key === regenKey);
  useEffect(() => {
    if (regenKey && !regen.running && regen.state.done) {
      qc.invalidateQueries({ queryKey: tplKeys.document(ws.id, documentId) });
      qc.invalidateQueries({ queryKey: tplKeys.revisions(ws.id, documentId) });
      setRegenKey(null);
    }
  }, [regen.running, regen.state.done, regenKey, qc, ws.id, documentId]);

  if (doc.isPending) return <div className="page"><Skeleton lines={6} label={t("common.loading")} /></div>;
  if (doc.error) return <div className="page"><ErrorNote>{doc.error.message}</ErrorNote></div>;
  const d = doc.data;
  const dirty = title !== d.title || d.sections.some((s) => (texts[s.key] ?? s.content) !== s.content);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await documentsApi.update(ws.id, d.id, {
        title, sections: d.sections.filter((s) => texts[s.key] !== s.content).map((s) => ({ key: s.key, content: texts[s.key] })),
      });
      await qc.invalidateQueries({ queryKey: tplKeys.document(ws.id, d.id) });
      await qc.invalidateQueries({ queryKey: tplKeys.revisions(ws.id, d.id) });
      toast.show(t("common.saved"), "success");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };
  const download = (format: ExportFormat) =>
    documentsApi.download(ws.id, d.id, format, d.title).catch((err) => setError(String(err)));

  return (
    <div className="page page-wide">
      <header className="page-head page-head-row">
        <div>
          <p><Link to={`/w/${ws.id}/templates`}>← {t("tpl.title")}</Link></p>
          <h1 className="page-title">{d.title}</h1>
          <p className="muted">{d.template_name} v{d.template_version} · {t("tpl.revision", { n: d.revision })}</p>
        </div>
        <div className="toolbar">
          <Button onClick={() => download("docx")}>{t("tpl.downloadDocx")}</Button>
          <Button onClick={() => download("hwpx")}>{t("tpl.downloadHwpx")}</Button>
          <Button onClick={() => download("md")}>{t("tpl.downloadMd")}</Button>
        </div>
      </header>
      <Field label={t("tpl.docTitle")}>
        <Input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
      </Field>
      {d.sections.map((s) => (
        <SectionEditor key={s.key} section={s} streaming={regenKey === s.key}
                       value={regenKey === s.key && streamed ? streamed.text : (texts[s.key] ?? s.content)}
                       onChange={(v) => setTexts({ ...texts, [s.key]: v })}
                       onRegenerate={s.kind === "knowledge" || s.kind === "text" ? () => {
                         setRegenKey(s.key);
                         regen.run((onEvent, signal) => templatesApi.regenerate(ws.id, d.id, s.key, onEvent, signal));
                       } : undefined} />
      ))}
      {(error || regen.state.error) && <ErrorNote>{error || regen.state.error}</ErrorNote>}
      <div className="toolbar">
        <Button variant="primary" onClick={save} loading={saving} disabled={!dirty || regenKey !== null}>
          {t("tpl.saveDocument")}
        </Button>
      </div>
      <details className="tpl-versions">
        <summary>{t("tpl.history")}</summary>
        <ol>
          {(revisions.data ?? []).map((r) => (
            <li key={r.revision}>
              {t("tpl.revision", { n: r.revision })} · {r.note} · {r.title} ·{" "}
              <span className="muted">{new Date(r.created_at).toLocaleString()}</span>
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
