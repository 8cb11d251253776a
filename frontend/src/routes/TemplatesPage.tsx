import { useState } from "react";
import { ApiError } from "../api/client";
import { Button } from "../components/ui/Button";
import { Card } from "../components/ui/Card";
import { EmptyState } from "../components/ui/EmptyState";
import { ErrorNote } from "../components/ui/ErrorNote";
import { Skeleton } from "../components/ui/Skeleton";
import { useToast } from "../components/ui/Toast";
import { PlusIcon } from "../components/ui/icons";
import { templatesApi, type Template, type TemplateInput } from "../features/templates/api";
import { DocumentList } from "../features/templates/DocumentList";
import { GenerateForm } from "../features/templates/GenerateForm";
import { GenerationView } from "../features/templates/GenerationView";
import { useTemplateMutations, useTemplates } from "../features/templates/hooks";
import { LayoutUpload } from "../features/templates/LayoutUpload";
import { TemplateForm } from "../features/templates/TemplateForm";
import { useGeneration } from "../features/templates/useGeneration";
import { VersionList } from "../features/templates/VersionList";
import { canEdit, useCurrentWorkspace } from "../features/workspaces/WorkspaceContext";
import { useI18n } from "../lib/i18n";

/** Document templates: pick one, fill its fields and watch the sections being written; editors manage them. */
export function TemplatesPage() {
  const { t } = useI18n();
  const toast = useToast();
  const ws = useCurrentWorkspace();
  const editable = canEdit(ws);
  const templates = useTemplates(ws.id);
  const { create, update } = useTemplateMutations(ws.id);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const generation = useGeneration(ws.id);
  const selected = templates.data?.find((x) => x.id === selectedId) ?? templates.data?.[0] ?? null;

  const save = (body: TemplateInput) => {
    setFormError(null);
    const opts = {
      onSuccess: (tpl: Template) => {
        setEditing(null);
        setSelectedId(tpl.id);
        toast.show(t("common.saved"), "success");
      },
      onError: (err: Error) => setFormError(err instanceof ApiError ? err.message : String(err)),
    };
    if (editing && editing !== "new") update.mutate({ id: editing.id, body: { ...body, note: "" } }, opts);
    else create.mutate(body, opts);
  };

  return (
    <div className="page page-wide">
      <header className="page-head page-head-row">
        <div>
          <h1 className="page-title">{t("tpl.title")}</h1>
          <p className="muted">{t("tpl.subtitle")}</p>
        </div>
        {editable && (
          <Button variant="primary" icon={<PlusIcon />} onClick={() => { setFormError(null); setEditing("new"); }}>
            {t("tpl.new")}
          </Button>
        )}
      </header>

      {editing ? (
        <Card>
          <TemplateForm key={editing === "new" ? "new" : editing.id} template={editing === "new" ? null : editing}
                        saving={create.isPending || update.isPending} error={formError} onSave={save}
                        onCancel={() => setEditing(null)} />
        </Card>
      ) : templates.isPending ? (
        <Skeleton lines={4} label={t("common.loading")} />
      ) : templates.error ? (
        <ErrorNote>{templates.error.message}</ErrorNote>
      ) : !selected ? (
        <EmptyState title={t("tpl.empty")} hint={editable ? t("tpl.emptyHint") : undefined} />
      ) : (
        <div className="tpl-layout-grid">
          <nav aria-label={t("tpl.list")}>
            <ul className="tpl-list">
              {templates.data.map((x) => (
                <li key={x.id}>
                  <button type="button" className={`nav-link ${x.id === selected.id ? "active" : ""}`}
                          aria-current={x.id === selected.id || undefined}
                          onClick={() => setSelectedId(x.id)}>
                    {x.name}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div>
            <Card>
              <div className="page-head-row">
                <div>
                  <h2 className="section-title">{selected.name} <span className="muted">v{selected.version}</span></h2>
                  {selected.description && <p className="muted">{selected.description}</p>}
                </div>
                {editable && <Button onClick={() => { setFormError(null); setEditing(selected); }}>{t("tpl.edit")}</Button>}
              </div>
              <GenerateForm key={selected.id} template={selected} busy={generation.running}
                            onGenerate={(values, title) => generation.run((onEvent, signal) =>
                              templatesApi.generate(ws.id, selected.id, { values, title }, onEvent, signal))} />
              {editable && <LayoutUpload ws={ws.id} template={selected} />}
              <VersionList ws={ws.id} templateId={selected.id} />
            </Card>
            <GenerationView ws={ws.id} state={generation.state} />
          </div>
        </div>
      )}

      <section className="section" aria-labelledby="tpl-docs-title">
        <h2 id="tpl-docs-title" className="section-title">{t("tpl.documents")}</h2>
        <DocumentList ws={ws.id} />
      </section>
    </div>
  );
}
