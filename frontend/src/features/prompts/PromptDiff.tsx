import { useMemo, useState } from "react";
import { Field } from "../../components/ui/Field";
import { Select } from "../../components/ui/Select";
import { useI18n } from "../../lib/i18n";
import type { PromptVersion } from "./api";
import { sideBySide } from "./sideBySide";

/** Any two versions side by side, changed lines marked on both sides. */
export function PromptDiff({ versions }: { versions: PromptVersion[] }) {
  const { t } = useI18n();
  const [oldN, setOld] = useState(versions[1]?.version ?? versions[0]?.version);
  const [newN, setNew] = useState(versions[0]?.version);
  const a = versions.find((v) => v.version === oldN);
  const b = versions.find((v) => v.version === newN);
  const rows = useMemo(() => (a && b ? sideBySide(a.template, b.template) : []), [a, b]);
  const settings = (v: PromptVersion) =>
    `${v.model ?? t("prompts.defaultModel")} · T ${v.temperature ?? "–"} · max ${v.max_tokens ?? "–"}`;
  const pick = (label: string, value: number | undefined, set: (n: number) => void) => (
    <Field label={label}>
      <Select value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.id} value={v.version}>
            v{v.version} {v.note ? `· ${v.note}` : ""}
          </option>
        ))}
      </Select>
    </Field>
  );
  return (
    <section aria-labelledby="prompt-diff-title" className="stack">
      <h3 id="prompt-diff-title">{t("prompts.diff")}</h3>
      <div className="grid-2">
        {pick(t("prompts.diffOld"), oldN, setOld)}
        {pick(t("prompts.diffNew"), newN, setNew)}
      </div>
      {a && b && (
        <div className="prompt-diff" role="table" aria-label={t("prompts.diffTable", { a: a.version, b: b.version })}>
          <div role="row" className="prompt-diff-row prompt-diff-head">
            <span role="columnheader">v{a.version} · {settings(a)}</span>
            <span role="columnheader">v{b.version} · {settings(b)}</span>
          </div>
          {rows.map((r, i) => (
            <div role="row" key={i} className={`prompt-diff-row diff-${r.kind}`}>
              <span role="cell" className={r.kind === "removed" || r.kind === "changed" ? "diff-old" : undefined}>
                {r.left ?? ""}
              </span>
              <span role="cell" className={r.kind === "added" || r.kind === "changed" ? "diff-new" : undefined}>
                {r.right ?? ""}
              </span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
