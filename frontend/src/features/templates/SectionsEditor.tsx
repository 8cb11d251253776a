import type { SectionDef } from "./api";
import { Button } from "../../components/ui/Button";
import { Input } from "../../components/ui/Input";
import { Select } from "../../components/ui/Select";
import { TextArea } from "../../components/ui/TextArea";
import { useI18n } from "../../lib/i18n";

/** Ordered sections: fixed text with {{ field }} placeholders, or a question answered from the knowledge. */
export function SectionsEditor({ sections, onChange }: { sections: SectionDef[]; onChange: (s: SectionDef[]) => void }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<SectionDef>) =>
    onChange(sections.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => {
    const next = [...sections];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item);
    onChange(next);
  };
  return (
    <fieldset className="tpl-rows">
      <legend>{t("tpl.sections")}</legend>
      {sections.map((s, i) => (
        <div className="tpl-row tpl-row-section" key={i} role="group" aria-label={t("tpl.sectionN", { n: i + 1 })}>
          <label>
            {t("tpl.sectionKey")}
            <Input value={s.key} onChange={(e) => set(i, { key: e.target.value })} required />
          </label>
          <label>
            {t("tpl.sectionTitle")}
            <Input value={s.title} onChange={(e) => set(i, { title: e.target.value })} required />
          </label>
          <label>
            {t("tpl.sectionKind")}
            <Select value={s.kind} onChange={(e) => set(i, { kind: e.target.value as SectionDef["kind"] })}>
              <option value="text">{t("tpl.kind.text")}</option>
              <option value="knowledge">{t("tpl.kind.knowledge")}</option>
            </Select>
          </label>
          <label className="tpl-wide">
            {s.kind === "knowledge" ? t("tpl.sectionQuestion") : t("tpl.sectionBody")}
            <TextArea rows={3} value={s.body} onChange={(e) => set(i, { body: e.target.value })} required />
          </label>
          <div className="tpl-actions">
            <Button variant="ghost" size="sm" disabled={i === 0} onClick={() => move(i, -1)}>{t("tpl.up")}</Button>
            <Button variant="ghost" size="sm" disabled={i === sections.length - 1} onClick={() => move(i, 1)}>
              {t("tpl.down")}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => onChange(sections.filter((_, j) => j !== i))}>
              {t("tpl.remove")}
            </Button>
          </div>
        </div>
      ))}
      <Button size="sm"
              onClick={() => onChange([...sections, { key: `section_${sections.length + 1}`, title: "", kind: "text", body: "" }])}>
        {t("tpl.addSection")}
      </Button>
    </fieldset>
  );
}
