import type { FieldDef } from "./api";
import { Button } from "../../components/ui/Button";
import { Input } from "../../components/ui/Input";
import { Select } from "../../components/ui/Select";
import { useI18n, type MessageKey } from "../../lib/i18n";

const TYPES: FieldDef["type"][] = ["text", "long_text", "number", "date", "choice"];

/** Rows of typed fields: name, label, type, required, and options for a choice. */
export function FieldsEditor({ fields, onChange }: { fields: FieldDef[]; onChange: (f: FieldDef[]) => void }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<FieldDef>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  return (
    <fieldset className="tpl-rows">
      <legend>{t("tpl.fields")}</legend>
      {fields.map((f, i) => (
        <div className="tpl-row" key={i} role="group" aria-label={t("tpl.fieldN", { n: i + 1 })}>
          <label>
            {t("tpl.fieldName")}
            <Input value={f.name} onChange={(e) => set(i, { name: e.target.value })} required />
          </label>
          <label>
            {t("tpl.fieldLabel")}
            <Input value={f.label} onChange={(e) => set(i, { label: e.target.value })} required />
          </label>
          <label>
            {t("tpl.fieldType")}
            <Select value={f.type} onChange={(e) => set(i, { type: e.target.value as FieldDef["type"] })}>
              {TYPES.map((type) => <option key={type} value={type}>{t(`tpl.type.${type}` as MessageKey)}</option>)}
            </Select>
          </label>
          {f.type === "choice" && (
            <label>
              {t("tpl.fieldOptions")}
              <Input value={(f.options ?? []).join(", ")}
                     onChange={(e) => set(i, { options: e.target.value.split(",").map((o) => o.trim()).filter(Boolean) })} />
            </label>
          )}
          <label className="tpl-check">
            <input type="checkbox" checked={!!f.required} onChange={(e) => set(i, { required: e.target.checked })} />
            {t("tpl.fieldRequired")}
          </label>
          <Button variant="ghost" size="sm" onClick={() => onChange(fields.filter((_, j) => j !== i))}>
            {t("tpl.remove")}
          </Button>
        </div>
      ))}
      <Button size="sm" onClick={() => onChange([...fields, { name: "", label: "", type: "text", required: false, help: "" }])}>
        {t("tpl.addField")}
      </Button>
    </fieldset>
  );
}
