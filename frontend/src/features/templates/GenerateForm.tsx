import { useState, type FormEvent } from "react";
import type { FieldValue, Template } from "./api";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { Input } from "../../components/ui/Input";
import { Select } from "../../components/ui/Select";
import { TextArea } from "../../components/ui/TextArea";
import { useI18n } from "../../lib/i18n";

/** One input per typed field of the template, then "generate". A 422 names the field it is about. */
export function GenerateForm({ template, busy, onGenerate }: {
  template: Template;
  busy: boolean;
  onGenerate: (values: Record<string, FieldValue>, title?: string) => void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Record<string, string>>({});
  const [title, setTitle] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const out: Record<string, FieldValue> = {};
    for (const f of template.fields) {
      const v = values[f.name] ?? "";
      out[f.name] = f.type === "number" && v.trim() !== "" ? Number(v) : v;
    }
    onGenerate(out, title.trim() || undefined);
  };
  return (
    <form className="tpl-generate" onSubmit={submit} aria-label={t("tpl.fill")}>
      <Field label={t("tpl.docTitle")} hint={t("tpl.docTitleHint")}>
        <Input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
      </Field>
      {template.fields.map((f) => {
        const common = { value: values[f.name] ?? "", required: !!f.required,
                         onChange: (e: { target: { value: string } }) => setValues({ ...values, [f.name]: e.target.value }) };
        const label = f.required ? `${f.label} *` : f.label;
        return (
          <Field key={f.name} label={label} hint={f.help || undefined}>
            {f.type === "long_text" ? <TextArea rows={4} {...common} />
              : f.type === "choice" ? (
                <Select {...common}>
                  <option value="">{t("tpl.choose")}</option>
                  {(f.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
                </Select>
              ) : <Input type={f.type === "number" ? "number" : f.type === "date" ? "date" : "text"} {...common} />}
          </Field>
        );
      })}
      <Button type="submit" variant="primary" loading={busy}>{t("tpl.generate")}</Button>
    </form>
  );
}
