import { useState, type FormEvent } from "react";
import type { Template, TemplateInput } from "./api";
import { FieldsEditor } from "./FieldsEditor";
import { SectionsEditor } from "./SectionsEditor";
import { Button } from "../../components/ui/Button";
import { ErrorNote } from "../../components/ui/ErrorNote";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { TextArea } from "../../components/ui/TextArea";
import { useI18n } from "../../lib/i18n";

const EMPTY: TemplateInput = {
  name: "", description: "", fields: [{ name: "customer", label: "고객 이름", type: "text", required: true, help: "" }], note: "",
  sections: [{ key: "greeting", title: "인사", kind: "text", body: "{{ customer }}님, 안녕하세요." }],
};

/** Create or change a template; the server checks every section (a bad one is named with its line). */
export function TemplateForm({ template, saving, error, onSave, onCancel }: {
  template: Template | null;
  saving: boolean;
  error: string | null;
  onSave: (body: TemplateInput) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<TemplateInput>(() =>
    template ? { name: template.name, description: template.description, fields: template.fields,
                 sections: template.sections, note: "" } : EMPTY);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(draft);
  };
  return (
    <form className="tpl-form" onSubmit={submit} aria-label={template ? t("tpl.edit") : t("tpl.new")}>
      <Field label={t("tpl.name")}>
        <Input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required />
      </Field>
      <Field label={t("tpl.description")}>
        <TextArea rows={2} value={draft.description ?? ""}
                  onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
      </Field>
      <FieldsEditor fields={draft.fields ?? []} onChange={(fields) => setDraft({ ...draft, fields })} />
      <SectionsEditor sections={draft.sections} onChange={(sections) => setDraft({ ...draft, sections })} />
      <p className="muted">{t("tpl.syntaxHint")}</p>
      {error && <ErrorNote>{error}</ErrorNote>}
      <div className="toolbar">
        <Button type="submit" variant="primary" loading={saving}>{t("tpl.save")}</Button>
        <Button onClick={onCancel}>{t("common.cancel")}</Button>
      </div>
    </form>
  );
}
